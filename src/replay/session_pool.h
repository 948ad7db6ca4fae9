#pragma once
// The session pool: one SessionRun per captured session, its connections (one per side) opened
// when its next statement needs them, as its captured user: through the targets' logins, else
// the shared conninfo with SET ROLE where that side's monitor says the role may be become.
//
// Invariant: no more than ReplaySettings::max_open_sessions sessions are held, except while
// every one of them is busy or inside a transaction on a side (closing one of those would
// change what it sees); the one closed is the least recently dispatched. A closed session is
// reopened, with the same settings, on its next statement. Every captured user's RoleUse is
// recorded once, in order of first appearance, with the sessions opened for it on the baseline.
// Owned by the replay thread; not thread-safe (both sides of a session connect side by side on
// it, pg::ConnectionOpening).
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "pgshadow/replay/replay.h"
#include "session_run.h"
#include "stage_clock.h"

namespace pgshadow::replay {

class SessionPool {
 public:
  // `monitors`: one connection per side for the role checks (owned by the caller).
  SessionPool(const ReplayTargets& targets, const ReplaySettings& settings,
              std::array<pg::SessionConnection*, 2> monitors, const pg::WaitLimits& monitor_limits,
              const std::atomic<bool>* interrupted, StageClock& stages)
      : targets_(targets), settings_(settings), monitors_(monitors), monitor_limits_(monitor_limits),
        interrupted_(interrupted), stages_(stages) {}

  // The session's run, a new one (closing idle sessions first) for an id not seen or closed.
  SessionRun& session_for(const std::string& id);
  // The session if it started (and was not closed), else nullptr: a new one is idle, outside a
  // transaction.
  SessionRun* started(const std::string& id) const {
    const auto found = sessions_.find(id);
    return found != sessions_.end() ? found->second.get() : nullptr;
  }

  // Starts opening the session's missing connections (SideRun::opening), both sides at once and
  // without waiting: a connection costs the server a process start, and a capture of short
  // sessions opens one for nearly every statement; the driver's poll steps them among the
  // statements in flight. A side refused at once (no login for the captured user) has its
  // failure set; true in the result for it.
  std::array<bool, 2> start_opening(SessionRun& session, const std::string& user);

  // The session whose connection on `side` is the server backend `pid`, or nullptr.
  SessionRun* owner_of(int side, int pid);

  std::size_t open_sessions() const { return sessions_.size(); }
  std::uint64_t sessions_started() const { return sessions_started_; }
  const std::vector<RoleUse>& roles() const { return roles_; }

 private:
  void close_idle_sessions();
  bool may_become(int side, const std::string& user);
  Result<std::string> conninfo_for(int side, const std::string& user);
  std::vector<std::pair<std::string, std::string>> session_settings_for(int side, const std::string& user);

  const ReplayTargets& targets_;
  const ReplaySettings& settings_;
  std::array<pg::SessionConnection*, 2> monitors_;
  const pg::WaitLimits monitor_limits_;
  const std::atomic<bool>* interrupted_;
  StageClock& stages_;
  std::unordered_map<std::string, std::unique_ptr<SessionRun>> sessions_;
  std::uint64_t sessions_started_ = 0;
  // Per side: captured user -> whether this side's sessions may run as that role.
  std::array<std::unordered_map<std::string, bool>, 2> role_allowed_;
  std::unordered_map<std::string, std::size_t> role_index_;  // user -> roles_ index
  std::vector<RoleUse> roles_;
};

// The conninfo of a side's target (the monitors' and, without logins, every session's).
const std::string& conninfo_of(const ReplayTargets& targets, int side);

}  // namespace pgshadow::replay
