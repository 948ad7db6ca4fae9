#include "session_pool.h"

#include <optional>

namespace pgshadow::replay {
namespace {

std::vector<std::pair<std::string, std::string>> session_settings(const ReplaySettings& s) {
  std::vector<std::pair<std::string, std::string>> settings = {{"statement_timeout", s.statement_timeout},
                                                               {"lock_timeout", s.lock_timeout}};
  if (s.read_only) settings.emplace_back("default_transaction_read_only", "on");
  return settings;
}

}  // namespace

const std::string& conninfo_of(const ReplayTargets& targets, int side) {
  return side == kBaselineSide ? targets.baseline_conninfo : targets.shadow_conninfo;
}

SessionRun& SessionPool::session_for(const std::string& id) {
  auto found = sessions_.find(id);
  if (found != sessions_.end()) return *found->second;
  close_idle_sessions();
  auto session = std::make_unique<SessionRun>();
  session->id = id;
  session->sides[kShadowSide].sink.track_column_prefixes();
  ++sessions_started_;
  return *sessions_.emplace(id, std::move(session)).first->second;
}

// Keeps the number of open connections bounded on long captures: a session that is idle and
// outside a transaction can be closed and reopened later without changing what it sees.
void SessionPool::close_idle_sessions() {
  while (sessions_.size() >= settings_.max_open_sessions) {
    auto oldest = sessions_.end();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      const SessionRun& run = *it->second;
      bool closable = !run.busy();
      for (const SideRun& side : run.sides) {
        if (side.connection && side.connection->transaction_state() != pg::TransactionState::kIdle) {
          closable = false;
        }
      }
      if (closable && (oldest == sessions_.end() || run.last_dispatch < oldest->second->last_dispatch)) {
        oldest = it;
      }
    }
    if (oldest == sessions_.end()) return;  // every session is busy or in a transaction
    sessions_.erase(oldest);
  }
}

SessionRun* SessionPool::owner_of(int side, int pid) {
  for (auto& [id, candidate] : sessions_) {
    const SideRun& candidate_side = candidate->sides[static_cast<std::size_t>(side)];
    if (candidate_side.connection && candidate_side.connection->backend_pid() == pid) return candidate.get();
  }
  return nullptr;
}

bool SessionPool::may_become(int side, const std::string& user) {
  auto& known = role_allowed_[static_cast<std::size_t>(side)];
  if (auto found = known.find(user); found != known.end()) return found->second;
  // A superuser may become any role; anyone else only the roles it is a member of.
  pg::SessionConnection& monitor = *monitors_[static_cast<std::size_t>(side)];
  const auto connecting = stages_.enter(StageClock::kConnect);
  auto allowed = monitor.query_scalar("SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = " +
                                          monitor.quote_literal(user),
                                      monitor_limits_);
  const bool yes = allowed.ok() && *allowed == "t";
  known.emplace(user, yes);
  return yes;
}

// With logins, a session connects as its captured user (or a stand-in); it needs no SET ROLE.
Result<std::string> SessionPool::conninfo_for(int side, const std::string& user) {
  if (targets_.logins == nullptr) return conninfo_of(targets_, side);
  auto login = targets_.logins->login_for(side, user);
  if (!login) return login.error();
  auto [entry, added] = role_index_.emplace(user, roles_.size());
  if (added) roles_.push_back(RoleUse{user, false, false, 0});
  RoleUse& use = roles_[entry->second];
  (side == kBaselineSide ? use.as_captured_on_baseline : use.as_captured_on_shadow) = login->as_captured;
  if (side == kBaselineSide) ++use.sessions;
  return login->conninfo;
}

std::vector<std::pair<std::string, std::string>> SessionPool::session_settings_for(int side, const std::string& user) {
  auto settings = session_settings(settings_);
  if (!settings_.run_as_captured_user || user.empty() || targets_.logins != nullptr) return settings;
  auto [entry, added] = role_index_.emplace(user, roles_.size());
  if (added) roles_.push_back(RoleUse{user, may_become(kBaselineSide, user), may_become(kShadowSide, user), 0});
  if (side == kBaselineSide) ++roles_[entry->second].sessions;
  if (may_become(side, user)) settings.emplace_back("role", user);
  return settings;
}

std::array<bool, 2> SessionPool::start_opening(SessionRun& session, const std::string& user) {
  const auto connecting = stages_.enter(StageClock::kConnect);
  std::array<bool, 2> failed{false, false};
  for (int index = 0; index < 2; ++index) {
    SideRun& side = session.sides[static_cast<std::size_t>(index)];
    if (side.connection || side.opening) continue;
    auto settings = session_settings_for(index, user);
    auto conninfo = conninfo_for(index, user);
    if (!conninfo) {
      side.failure = "cannot open a connection: " + conninfo.error().message;
      failed[static_cast<std::size_t>(index)] = true;
      continue;
    }
    side.state_before = pg::TransactionState::kIdle;
    side.opening = std::make_unique<pg::ConnectionOpening>(
        pg::SessionConnection::ConnectRequest{std::move(conninfo).value(), std::move(settings), {}}, interrupted_);
  }
  return failed;
}

}  // namespace pgshadow::replay
