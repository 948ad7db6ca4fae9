#include "lock_arbiter.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace pgshadow::replay {

Clock::duration next_lock_check_interval(Clock::duration interval, bool waiting) {
  return waiting ? Clock::duration(kWaitingLockCheckInterval)
                 : std::min<Clock::duration>(interval * 2, kMaxLockCheckInterval);
}

void LockArbiter::sent(SideRun& side) const {
  side.lock_checked_at = side.sent_at;
  side.lock_check_interval = kFirstLockCheck;
  side.wait_began.reset();
  side.waited = {};
  side.behind_migration = false;
}

namespace {

// A wait that was seen last at `last_seen` and over at `over_at` ended between the two.
void end_wait(SideRun& side, Clock::time_point over_at) {
  if (!side.wait_began) return;
  const Clock::time_point ended = side.last_blocked_check + (over_at - side.last_blocked_check) / 2;
  if (ended > *side.wait_began) side.waited += ended - *side.wait_began;
  side.wait_began.reset();
}

}  // namespace

void LockArbiter::finished(SideRun& side) { end_wait(side, side.finished_at); }

// The blockers and the age of the wait, in one round trip: "pid,pid;seconds". Each blocker once:
// pg_blocking_pids names a parallel query's leader once per process of its group that holds the
// lock (a parallel CREATE INDEX: the leader twice), and one blocker is not two.
Result<LockArbiter::Wait> LockArbiter::wait_of(int side, int backend_pid) {
  const auto checking = stages_.enter(StageClock::kLockChecks);
  const std::string pid = std::to_string(backend_pid);
  auto answer = monitors_[static_cast<std::size_t>(side)]->query_scalar(
      "SELECT coalesce((SELECT string_agg(DISTINCT b::text, ',') FROM unnest(pg_blocking_pids(" + pid + ")) AS b), '') "
      "|| ';' || "
      "coalesce((SELECT extract(epoch FROM clock_timestamp() - min(waitstart)) FROM pg_locks WHERE pid = " + pid +
      " AND NOT granted)::text, '')",
      monitor_limits_);
  if (!answer) {
    if (answer.error().kind == ErrorKind::kInfrastructure) on_trouble_(side);
    return answer.error();
  }
  Wait wait;
  const std::string& text = *answer;
  const std::size_t split = text.find(';');
  const std::string pids = text.substr(0, split);
  for (std::size_t at = 0; at < pids.size();) {
    const std::size_t comma = std::min(pids.find(',', at), pids.size());
    int blocker = 0;
    if (std::from_chars(pids.data() + at, pids.data() + comma, blocker).ec == std::errc()) {
      wait.blockers.push_back(blocker);
    }
    at = comma + 1;
  }
  if (split != std::string::npos && split + 1 < text.size()) {
    double seconds = 0;
    if (std::from_chars(text.data() + split + 1, text.data() + text.size(), seconds).ec == std::errc()) {
      wait.waiting_s = seconds;
    }
  }
  return wait;
}

// The backends a side's backend waits on for a lock, one row each, asked of the side's monitor.
Result<std::vector<int>> LockArbiter::blocking_pids(int side, int backend_pid) {
  const auto checking = stages_.enter(StageClock::kLockChecks);
  auto listed = monitors_[static_cast<std::size_t>(side)]->query_column(
      "SELECT DISTINCT unnest(pg_blocking_pids(" + std::to_string(backend_pid) + "))", monitor_limits_);
  if (!listed) {
    if (listed.error().kind == ErrorKind::kInfrastructure) on_trouble_(side);
    return listed.error();
  }
  std::vector<int> pids;
  for (const std::string& text : *listed) {
    int pid = 0;
    if (std::from_chars(text.data(), text.data() + text.size(), pid).ec == std::errc()) pids.push_back(pid);
  }
  return pids;
}

std::vector<int> LockArbiter::check(SideRun& side, Side which) {
  const auto now = clock_.now();
  if (now - side.lock_checked_at < side.lock_check_interval) return {};
  side.lock_checked_at = now;
  const auto wait = wait_of(which, side.connection->backend_pid());
  const bool was_waiting = side.waiting_on_lock;
  const bool blocked = wait.ok() && !wait->blockers.empty();
  if (!blocked) {
    end_wait(side, now);
    side.waiting_on_lock = false;
    side.waiting_behind_migration = false;
    side.lock_check_interval = next_lock_check_interval(side.lock_check_interval, false);
    if (was_waiting) trace_("%s backend %d no longer waits", kSideNames[which], side.connection->backend_pid());
    return {};
  }
  if (!side.wait_began) {
    const auto age = std::chrono::duration<double>(std::max(0.0, wait->waiting_s.value_or(0.0)));
    side.wait_began = now - std::chrono::duration_cast<Clock::duration>(age);
  }
  side.last_blocked_check = now;
  const int migration = which == kShadowSide ? migration_backend() : 0;
  const bool behind_migration =
      migration != 0 && std::find(wait->blockers.begin(), wait->blockers.end(), migration) != wait->blockers.end();
  if (behind_migration && !side.behind_migration) {
    side.behind_migration = true;
    trace_("shadow backend %d waits behind the migration (backend %d)", side.connection->backend_pid(), migration);
  }
  // Behind the migration alone: a stall only if the migration itself waits (on a replayed
  // session, which then has to go on: holders() finds it).
  bool stall = true;
  if (behind_migration && wait->blockers.size() == 1) {
    const auto migration_blockers = blocking_pids(kShadowSide, migration);
    stall = migration_blockers.ok() && !migration_blockers->empty();
  }
  side.waiting_on_lock = stall;
  side.waiting_behind_migration = behind_migration && !stall;
  side.lock_check_interval = next_lock_check_interval(side.lock_check_interval, true);
  if (side.waiting_on_lock != was_waiting) {
    trace_("%s backend %d %s", kSideNames[which], side.connection->backend_pid(),
           side.waiting_on_lock ? "waits on a lock" : "no longer waits");
  }
  return side.waiting_on_lock ? wait->blockers : std::vector<int>();
}

std::vector<SessionRun*> LockArbiter::holders(std::span<SessionRun* const> in_flight, SessionPool& pool) {
  std::vector<SessionRun*> found;
  migration_waits_on_.clear();
  for (SessionRun* waiting : in_flight) {
    for (int index = 0; index < 2; ++index) {
      const SideRun& side = waiting->sides[static_cast<std::size_t>(index)];
      if (!side.in_flight || !side.waiting_on_lock) continue;
      const auto pids = blocking_pids(index, side.connection->backend_pid());
      if (!pids) continue;
      for (const int pid : *pids) {
        SessionRun* holder = pool.owner_of(index, pid);
        if (holder == nullptr && index == kShadowSide && pid == migration_backend()) {
          // Queued behind the migration, which waits on replayed sessions: those go on.
          const auto behind = blocking_pids(index, pid);
          if (!behind) continue;
          for (const int queued_behind : *behind) {
            SessionRun* releaser = pool.owner_of(index, queued_behind);
            if (releaser != nullptr) migration_waits_on_.push_back(releaser);
            if (releaser != nullptr && std::find(found.begin(), found.end(), releaser) == found.end()) {
              trace_("  %s waits on the shadow for the migration, which waits for %s", waiting->id.c_str(),
                     releaser->id.c_str());
              found.push_back(releaser);
            }
          }
          continue;
        }
        if (holder == nullptr) continue;
        if (trace_.on()) {
          const std::string doing = holder->busy() ? "busy with " + holder->event->source.to_string() : "idle";
          trace_("  %s waits on %s for %s (%s)", waiting->id.c_str(), kSideNames[index], holder->id.c_str(),
                 doing.c_str());
        }
        if (std::find(found.begin(), found.end(), holder) == found.end()) found.push_back(holder);
      }
    }
  }
  return found;
}

Result<std::optional<LockArbiter::RunAhead>> LockArbiter::run_ahead(const std::vector<SessionRun*>& holders,
                                                                    StatementFeed& feed, const MayRunAhead& may_run) {
  trace_("stalled: %zu lock holders found", holders.size());
  // Only an idle holder can run ahead, and only its first statement read ahead (a later one
  // would overtake it): the search ends once each idle holder's first is found, so the lookahead
  // holds no more of the capture than the farthest of those needs (a busy holder's next
  // statement may be anywhere ahead; reading up to it held the whole capture in memory).
  std::vector<SessionRun*> idle;
  for (SessionRun* holder : holders) {
    if (!holder->busy()) idle.push_back(holder);
  }
  for (std::size_t index = 0; !idle.empty(); ++index) {
    auto ahead = feed.ahead(index);
    if (!ahead) return ahead.error();
    if (*ahead == nullptr) return std::optional<RunAhead>();
    const auto holder = std::find_if(idle.begin(), idle.end(), [&](const SessionRun* candidate) {
      return candidate->id == (*ahead)->event.session_id;
    });
    if (holder == idle.end()) continue;
    if (!may_run(**holder, (*ahead)->event)) {
      trace_("stalled: %s holds a lock the migration waits for; it goes on at its production time", (*holder)->id.c_str());
      idle.erase(holder);  // its next statement may not run yet: nor any later
      continue;
    }
    trace_("stalled: %s runs ahead of its turn (it holds a lock others wait for)", (*holder)->id.c_str());
    return std::optional<RunAhead>(RunAhead{*holder, feed.take_ahead(index)});
  }
  return std::optional<RunAhead>();
}

bool LockArbiter::stall_check_due(bool stalled) {
  if (!stalled) {
    stall_retry_at_.reset();
    return false;
  }
  const auto now = clock_.now();
  if (stall_retry_at_ && now < *stall_retry_at_) return false;
  stall_retry_at_ = now + kStallRetryAfter;
  return true;
}

}  // namespace pgshadow::replay
