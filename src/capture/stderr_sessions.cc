#include "stderr_sessions.h"

#include <algorithm>
#include <vector>

namespace pgshadow::capture {
namespace {

// "connection authorized: user=U database=D application_name=A SSL enabled (...)": the server
// does not quote the names (postinit.c), so each ends where the next known part starts.
struct SessionNames {
  std::string_view user, database, application;
};

std::string_view value_until(std::string_view text, std::string_view key,
                             std::initializer_list<std::string_view> ends) {
  const auto at = text.find(key);
  if (at == std::string_view::npos) return {};
  std::string_view value = text.substr(at + key.size());
  for (std::string_view end : ends) {
    if (const auto stop = value.find(end); stop != std::string_view::npos) value = value.substr(0, stop);
  }
  return value;
}

SessionNames parse_authorized(std::string_view text) {
  return {value_until(text, "user=", {" database=", " application_name=", " SSL enabled", " GSS ("}),
          value_until(text, " database=", {" application_name=", " SSL enabled", " GSS ("}),
          value_until(text, " application_name=", {" SSL enabled", " GSS ("})};
}

}  // namespace

StderrSessions::StderrSessions(const LinePrefix& prefix)
    : by_session_id_(prefix.has('c')),
      by_pid_(!prefix.has('c') && prefix.has('p')),
      prefix_has_user_(prefix.has('u')),
      prefix_has_database_(prefix.has('d')),
      prefix_has_application_(prefix.has('a')) {}

StderrSessions::Session& StderrSessions::start_session(const std::string& key, std::string_view pid) {
  Session& session = sessions_[key];
  session = Session{};
  ++sessions_started_;
  if (by_session_id_) {
    session.id = key;
  } else if (by_pid_) {
    session.id = "pid-" + std::string(pid) + "-" + std::to_string(sessions_started_);
  } else {
    session.id = "log";
  }
  return session;
}

void StderrSessions::forget_least_recently_seen() {
  std::vector<std::uint64_t> seen;
  seen.reserve(sessions_.size());
  for (const auto& [key, session] : sessions_) seen.push_back(session.last_seen);
  auto middle = seen.begin() + static_cast<std::ptrdiff_t>(seen.size() / 2);
  std::nth_element(seen.begin(), middle, seen.end());
  const std::uint64_t threshold = *middle;
  std::erase_if(sessions_, [&](const auto& entry) { return entry.second.last_seen < threshold; });
}

SessionIdentity StderrSessions::identify(const StderrMessage& message) {
  if (sessions_.size() > kMaxTracked) forget_least_recently_seen();
  if (!ended_key_.empty()) {
    sessions_.erase(ended_key_);
    ended_key_.clear();
  }
  key_ = by_session_id_ ? message.session_id : by_pid_ ? message.pid : std::string();
  const bool is_log = message.severity == "LOG";
  const std::string_view text = message.text;
  const bool received = is_log && text.starts_with("connection received:");
  const bool authorized = is_log && (text.starts_with("connection authorized:") ||
                                     text.starts_with("replication connection authorized:"));

  auto found = sessions_.find(key_);
  Session* session = found == sessions_.end() ? nullptr : &found->second;
  // A new connection on this pid, unless it is the authorization of the connection just
  // received. %c is the server's own session id: it never needs splitting.
  const bool new_connection =
      session == nullptr || received || (authorized && !session->only_connection_received);
  if (session == nullptr || (!by_session_id_ && new_connection)) session = &start_session(key_, message.pid);
  session->only_connection_received = received;
  session->last_seen = ++calls_;
  if (authorized) {
    const SessionNames names = parse_authorized(text);
    session->user = names.user;
    session->database = names.database;
    session->application = names.application;
  }
  if (is_log && text.starts_with("disconnection:") && !key_.empty()) ended_key_ = key_;

  return {session->id, prefix_has_user_ ? std::string_view(message.user) : std::string_view(session->user),
          prefix_has_database_ ? std::string_view(message.database) : std::string_view(session->database),
          prefix_has_application_ ? std::string_view(message.application)
                                  : std::string_view(session->application)};
}

}  // namespace pgshadow::capture
