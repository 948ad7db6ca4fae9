#pragma once
// Who wrote each message of a stderr log: its session id, user, database and application.
//
// With %c in the prefix the session id is the server's own (the same as csvlog's session_id).
// Without it, it is derived from the process id: "pid-<pid>-<n>", n counting sessions from 1
// over the whole log, so a pid the server reused later is another session. A pid's session
// starts at its "connection received:" line (or "connection authorized:" when only that was
// logged) and ends at its "disconnection:" line (log_connections / log_disconnections); without
// those lines a pid is one session. Without %c and %p every message is in one session, "log".
//
// User, database and application come from the prefix's %u/%d/%a when it has them, otherwise
// from the session's "connection authorized: user=... database=... application_name=..." line.
// Memory: one entry per session alive (an ended session's entry is dropped at its
// disconnection). Processes that never log a disconnection (background workers, sessions
// whose disconnection was not logged) would pile up on a long log, so past kMaxTracked
// entries the least recently seen half is forgotten: a forgotten process that writes again
// starts a new session. Not thread-safe.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "stderr_line_prefix.h"
#include "stderr_log_reader.h"

namespace pgshadow::capture {

struct SessionIdentity {
  std::string_view session_id;
  std::string_view user;
  std::string_view database;
  std::string_view application;
};

class StderrSessions {
 public:
  static constexpr std::size_t kMaxTracked = 100'000;

  explicit StderrSessions(const LinePrefix& prefix);

  // The identity of `message`'s session; the views are valid until the next call.
  SessionIdentity identify(const StderrMessage& message);

 private:
  struct Session {
    std::string id;
    std::string user, database, application;  // from "connection authorized:"
    bool only_connection_received = false;    // nothing but "connection received:" so far
    std::uint64_t last_seen = 0;              // identify() calls, for forgetting the idle
  };

  Session& start_session(const std::string& key, std::string_view pid);
  void forget_least_recently_seen();

  bool by_session_id_;  // %c
  bool by_pid_;         // %p without %c
  bool prefix_has_user_, prefix_has_database_, prefix_has_application_;
  std::unordered_map<std::string, Session> sessions_;  // by %c, or pid
  std::string ended_key_;  // the session that ended with the last message: dropped on the next call
  std::string key_;
  std::uint64_t sessions_started_ = 0;
  std::uint64_t calls_ = 0;
};

}  // namespace pgshadow::capture
