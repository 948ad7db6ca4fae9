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
}

// The backends a side's backend waits on for a lock, one row each, asked of the side's monitor.
Result<std::vector<int>> LockArbiter::blocking_pids(int side, int backend_pid) {
  const auto checking = stages_.enter(StageClock::kLockChecks);
  auto listed = monitors_[static_cast<std::size_t>(side)]->query_column(
      "SELECT unnest(pg_blocking_pids(" + std::to_string(backend_pid) + "))", monitor_limits_);
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
  const auto blockers = blocking_pids(which, side.connection->backend_pid());
  const bool was_waiting = side.waiting_on_lock;
  side.waiting_on_lock = blockers.ok() && !blockers->empty();
  side.lock_check_interval = next_lock_check_interval(side.lock_check_interval, side.waiting_on_lock);
  if (side.waiting_on_lock != was_waiting) {
    trace_("%s backend %d %s", kSideNames[which], side.connection->backend_pid(),
           side.waiting_on_lock ? "waits on a lock" : "no longer waits");
  }
  return side.waiting_on_lock ? *blockers : std::vector<int>();
}

std::vector<SessionRun*> LockArbiter::holders(std::span<SessionRun* const> in_flight, SessionPool& pool) {
  std::vector<SessionRun*> found;
  for (SessionRun* waiting : in_flight) {
    for (int index = 0; index < 2; ++index) {
      const SideRun& side = waiting->sides[static_cast<std::size_t>(index)];
      if (!side.in_flight || !side.waiting_on_lock) continue;
      const auto pids = blocking_pids(index, side.connection->backend_pid());
      if (!pids) continue;
      for (const int pid : *pids) {
        SessionRun* holder = pool.owner_of(index, pid);
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
                                                                    StatementFeed& feed) {
  trace_("stalled: %zu lock holders found", holders.size());
  if (holders.empty()) return std::optional<RunAhead>();
  const auto idle_holder_of = [&](const Pending& pending) {
    for (SessionRun* holder : holders) {
      if (!holder->busy() && holder->id == pending.event.session_id) return holder;
    }
    return static_cast<SessionRun*>(nullptr);
  };
  for (std::size_t index = 0;; ++index) {
    auto ahead = feed.ahead(index);
    if (!ahead) return ahead.error();
    if (*ahead == nullptr) return std::optional<RunAhead>();
    if (SessionRun* holder = idle_holder_of(**ahead); holder != nullptr) {
      trace_("stalled: %s runs ahead of its turn (it holds a lock others wait for)", holder->id.c_str());
      return std::optional<RunAhead>(RunAhead{holder, feed.take_ahead(index)});
    }
  }
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
