#include "lock_arbiter.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>

namespace pgshadow::replay {

Clock::duration next_lock_check_interval(Clock::duration interval, bool waiting) {
  return waiting ? Clock::duration(kWaitingLockCheckInterval)
                 : std::min<Clock::duration>(interval * 2, kMaxLockCheckInterval);
}

void LockArbiter::sent(SideRun& side, WaitOutlook outlook) const {
  side.wait_assumed = false;
  side.lock_checked_at = side.sent_at;
  side.lock_check_interval = outlook == WaitOutlook::kLikely     ? Clock::duration(kFirstLockCheckLikelyWait)
                             : outlook == WaitOutlook::kPossible ? Clock::duration(kFirstLockCheck)
                                                                 : Clock::duration(kFirstLockCheckUnlikelyWait);
  side.wait_began.reset();
  side.waited = {};
  side.behind_migration = false;
  side.predicted_blocker = 0;
}

void LockArbiter::sent_to_wait(SideRun& side, int holder_pid, bool assume) const {
  side.predicted_blocker = holder_pid;
  side.lock_check_interval = kFirstLockCheckLikelyWait;
  if (!assume) return;
  side.wait_assumed = true;
  side.waiting_on_lock = true;
  side.blockers = {holder_pid};
  side.last_blocked_check = side.sent_at;
  side.lock_check_interval = kWaitingLockCheckInterval;
}

void LockArbiter::prediction_over(SideRun& side, Side which) const {
  const bool seen = side.waits_as_predicted();
  side.predicted_blocker = 0;
  side.wait_assumed = false;
  if (!seen) return;
  side.waiting_on_lock = false;
  side.blockers.clear();
  side.last_blocked_check = clock_.now();
  side.lock_checked_at = side.last_blocked_check;
  side.lock_check_interval = kFirstLockCheck;
  trace_("%s backend %d: the transaction it was predicted to wait for ended", kSideNames[which],
         side.connection ? side.connection->backend_pid() : 0);
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

namespace {

// The rows of a query, each column's text ("" for NULL).
class RowCollector final : public pg::RowSink {
 public:
  void on_columns(const std::vector<pg::ColumnDescription>&) override {}
  void on_row(const std::vector<std::optional<std::string_view>>& values) override {
    std::vector<std::string> row;
    row.reserve(values.size());
    for (const auto& value : values) row.emplace_back(value.value_or(std::string_view()));
    rows.push_back(std::move(row));
  }
  std::vector<std::vector<std::string>> rows;
};

template <typename Number>
std::optional<Number> number_in(const std::string& text) {
  Number value{};
  if (text.empty() || std::from_chars(text.data(), text.data() + text.size(), value).ec != std::errc()) return std::nullopt;
  return value;
}

}  // namespace

// The blockers and the age of the wait of every backend asked, in one round trip: a row per
// waiting backend and blocker, with the age of its oldest ungranted lock. Each blocker once:
// pg_blocking_pids names a parallel query's leader once per process of its group that holds the
// lock (a parallel CREATE INDEX: the leader twice), and one blocker is not two.
std::string LockArbiter::waits_query(const std::vector<int>& backend_pids) {
  std::string pids;
  for (const int pid : backend_pids) pids += (pids.empty() ? "" : ",") + std::to_string(pid);
  return "SELECT waiting, blocker, (SELECT extract(epoch FROM clock_timestamp() - min(waitstart)) FROM pg_locks "
         "WHERE pid = waiting AND NOT granted), (SELECT min(locktype) FROM pg_locks WHERE pid = waiting AND NOT granted) "
         "FROM unnest(ARRAY[" + pids + "]::int[]) AS waiting, "
         "LATERAL (SELECT DISTINCT unnest(pg_blocking_pids(waiting)) AS blocker) AS blocking ORDER BY 1, 2";
}

Result<std::vector<std::pair<int, LockArbiter::Wait>>> LockArbiter::waits_of(
    int side, const std::vector<std::vector<std::string>>& rows, Result<pg::StatementCompletion> answered) {
  if (answered && !answered->succeeded) answered = Error::infrastructure("the lock check failed: " + answered->message);
  if (!answered) {
    if (answered.error().kind == ErrorKind::kInfrastructure) on_trouble_(side);
    return answered.error();
  }
  return read_waits(rows);
}

std::vector<std::pair<int, LockArbiter::Wait>> LockArbiter::read_waits(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::pair<int, Wait>> waits;
  for (const std::vector<std::string>& row : rows) {
    if (row.size() != 4 || row[3].empty()) continue;
    const auto waiting = number_in<int>(row[0]);
    const auto blocker = number_in<int>(row[1]);
    if (!waiting || !blocker) continue;
    if (waits.empty() || waits.back().first != *waiting) {
      waits.push_back({*waiting, Wait{{}, number_in<double>(row[2]), row[3]}});
    }
    waits.back().second.blockers.push_back(*blocker);
  }
  return waits;
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

// Both servers are asked at once: each side's query is sent before either answer is read.
void LockArbiter::check(std::vector<Due>& due) {
  const auto checking = stages_.enter(StageClock::kLockChecks);
  std::array<RowCollector, 2> rows;
  std::array<std::optional<Status>, 2> sent;
  for (const Side which : {kBaselineSide, kShadowSide}) {
    std::vector<int> pids;
    for (const Due& entry : due) {
      if (entry.which == which) pids.push_back(entry.session->sides[which].connection->backend_pid());
    }
    if (!pids.empty()) sent[which] = monitors_[which]->send({waits_query(pids), false, "", nullptr});
  }
  const auto now = clock_.now();
  for (const Side which : {kBaselineSide, kShadowSide}) {
    if (!sent[which]) continue;
    auto answered = *sent[which] ? monitors_[which]->finish(rows[which], monitor_limits_)
                                 : Result<pg::StatementCompletion>(sent[which]->error());
    const auto waits = waits_of(which, rows[which].rows, std::move(answered));
    for (Due& entry : due) {
      if (entry.which != which) continue;
      SideRun& side = entry.session->sides[which];
      side.lock_checked_at = now;
      if (!waits) {
        apply(side, which, waits.error());
        continue;
      }
      const int pid = side.connection->backend_pid();
      const auto found = std::find_if(waits->begin(), waits->end(), [pid](const auto& wait) { return wait.first == pid; });
      apply(side, which, found == waits->end() ? Wait{} : found->second);
      if (side.waiting_on_lock) {
        entry.blockers = side.blockers;
        entry.lock_type = found->second.lock_type;
      }
    }
  }
}

void LockArbiter::apply(SideRun& side, Side which, const Result<Wait>& wait) {
  const auto now = side.lock_checked_at;
  // An assumed wait was not seen yet: the check's finding is news either way.
  const bool assumed = std::exchange(side.wait_assumed, false);
  const bool was_waiting = side.waiting_on_lock && !assumed;
  const bool blocked = wait.ok() && !wait->blockers.empty();
  side.blockers = blocked ? wait->blockers : std::vector<int>();
  if (!blocked) {
    end_wait(side, now);
    side.waiting_on_lock = false;
    side.waiting_behind_migration = false;
    side.lock_check_interval = next_lock_check_interval(side.lock_check_interval, false);
    if (was_waiting) trace_("%s backend %d no longer waits", kSideNames[which], side.connection->backend_pid());
    if (assumed) {
      trace_("%s backend %d waits on no lock, though the footprints predicted it", kSideNames[which],
             side.connection->backend_pid());
    }
    return;
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
}

std::vector<SessionRun*> LockArbiter::holders(std::span<SessionRun* const> in_flight, SessionPool& pool) {
  std::vector<SessionRun*> found;
  migration_waits_on_.clear();
  // A waiting side is asked afresh, both servers at once, when a blocker's session had a result
  // since its last check: that wait may be over (the holder's commit ran ahead a moment ago),
  // and a holder run ahead for a wait that is over would be reordered for nothing, into
  // statements whose locks nothing then keeps apart. Nothing but a statement's end releases a
  // replayed session's lock; the migration's are its own, so a wait on it is always asked.
  const int migration = migration_backend();
  const auto stale = [&](const SideRun& side, Side which) {
    // A predicted wait lasts while its holder's transaction does (the driver ends it).
    if (side.waits_as_predicted()) return false;
    for (const int pid : side.blockers) {
      const SessionRun* holder = pool.owner_of(which, pid);
      if (pid == migration || holder == nullptr || holder->sides[which].finished_at >= side.lock_checked_at) return true;
    }
    return false;
  };
  std::vector<Due> waiting_sides;
  for (SessionRun* waiting : in_flight) {
    for (const Side which : {kBaselineSide, kShadowSide}) {
      const SideRun& side = waiting->sides[which];
      if (side.in_flight && side.waiting_on_lock && stale(side, which)) waiting_sides.push_back({waiting, which, {}, {}});
    }
  }
  if (!waiting_sides.empty()) check(waiting_sides);
  for (const SessionRun* session : in_flight) {
    if (session->progressing()) return found;  // no longer stalled
  }
  for (SessionRun* waiting : in_flight) {
    for (int index = 0; index < 2; ++index) {
      const SideRun& side = waiting->sides[static_cast<std::size_t>(index)];
      if (!side.in_flight || !side.waiting_on_lock) continue;
      for (const int pid : side.blockers) {
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
    if (const char* why_not = may_run(**holder, **ahead); why_not != nullptr) {
      trace_("stalled: %s may not run ahead yet: %s", (*holder)->id.c_str(), why_not);
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
