#pragma once
// The lock arbiter: who waits on whom, and the way out when every statement in flight waits.
//
// Production's log says when a statement started and how long it took, not when it got its
// locks, so the replay can grant a row lock in another order than production did. Production
// went on by letting the lock holder continue; the arbiter does the same: the holder's next
// statement runs ahead of its turn (without this the waits end in lock_timeout on both sides).
//
// Invariants: a side counts as waiting on a lock exactly when its server's pg_blocking_pids
// named a blocker at its last check, or, before any check, when it was sent to wait on a
// predicted holder whose commit it cannot tell apart (sent_to_wait's `assume`); except a shadow side whose only blocker is a
// --migrate-during migration that is not itself waiting: that wait ends without help, so it is
// no stall (the statement is progressing, a slow one) and it is measured, never broken. When
// the migration itself waits on a replayed session (the lock queue), the wait is a stall again
// and the migration's blockers are the holders to run ahead. Every wait is timed from the
// server's pg_locks.waitstart to the midpoint between the last check that saw it and the one
// (or the result) that saw it over. A running side is asked after 0.5 ms, then at doubling
// intervals up to 50 ms (a long query is not asked a thousand times; a write likely to wait on an
// idle session's row lock first after 0.1 ms, a statement the footprints say wants no lock
// another session holds first after 5 ms); one known to wait, every 10 ms. While stalled, the holders are asked afresh at most every kStallRetryAfter unless a
// statement ran ahead (then at once). Owned by the replay thread; not thread-safe.
#include <algorithm>
#include <array>
#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "replay_trace.h"
#include "session_pool.h"
#include "session_run.h"
#include "stage_clock.h"
#include "statement_feed.h"

namespace pgshadow::replay {

inline constexpr auto kFirstLockCheck = std::chrono::microseconds(500);
// For a write that may want a row lock an idle session's open transaction holds: a stall the
// arbiter has to break, found this much sooner.
inline constexpr auto kFirstLockCheckLikelyWait = std::chrono::microseconds(100);
// For a statement that cannot wait on a row lock as far as the footprints tell (a read while no
// DDL is open; a write apart from every open transaction's): the check is the footprints' safety
// net, and a statement that finishes before it is never asked about.
inline constexpr auto kFirstLockCheckUnlikelyWait = std::chrono::milliseconds(5);
inline constexpr auto kMaxLockCheckInterval = std::chrono::milliseconds(50);
inline constexpr auto kWaitingLockCheckInterval = std::chrono::milliseconds(10);
// When no holder can go on, the holders are asked again after this long.
inline constexpr auto kStallRetryAfter = std::chrono::milliseconds(10);

// The wait-check interval after a check that found the side `waiting` (or not), from `interval`.
Clock::duration next_lock_check_interval(Clock::duration interval, bool waiting);

class LockArbiter {
 public:
  // Called with the side whose monitor failed to answer (the driver decides whether it is gone).
  using TroubleHandler = std::function<void(int side)>;
  // The backend of the migration applied during the replay on the shadow, 0 when none runs.
  using MigrationBackend = std::function<int()>;

  LockArbiter(std::array<pg::SessionConnection*, 2> monitors, const pg::WaitLimits& monitor_limits,
              StageClock& stages, const ReplayClock& clock, const Tracer& trace, TroubleHandler on_trouble,
              MigrationBackend migration_backend = {})
      : monitors_(monitors), monitor_limits_(monitor_limits), stages_(stages), clock_(clock), trace_(trace),
        on_trouble_(std::move(on_trouble)), migration_backend_(std::move(migration_backend)) {}

  // How likely a statement is to wait on a lock, as the footprints tell.
  enum class WaitOutlook {
    kLikely,    // it may want a row lock an idle session's open transaction holds
    kPossible,  // it may want some lock another session holds
    kUnlikely,  // it wants no lock another session holds, as far as the footprints tell
  };
  // A statement was just sent on the side: its wait checks start over, sooner the likelier it is
  // to wait.
  void sent(SideRun& side, WaitOutlook outlook) const;
  // The statement just sent on the side will wait for the backend `holder_pid` (the footprints
  // say its transaction holds a row lock the statement wants). It counts as progressing until a
  // check sees that wait, and is first checked as soon as a likely wait: until then the commit
  // barrier keeps the holder's commit back. Counted as waiting at once, the holder's commit
  // could reach the server before the statement reached the row, on one side and not the other
  // (a DELETE of a row the holder deleted and inserted again then deletes 0 rows on one side and
  // 1 on the other). Once seen, the wait lasts while the holder's transaction does.
  // `assume`: the statement's result cannot tell such a commit (dispatch::passes_assumed_wait
  // keeps back those that could): it counts as waiting at once, and a check comes as for a side
  // known to wait, or sooner when a commit waits for it (check_soon).
  void sent_to_wait(SideRun& side, int holder_pid, bool assume) const;
  // A commit waits for the assumed wait of this side to be seen: it is checked as soon as a
  // likely wait.
  static void check_soon(SideRun& side) {
    side.lock_check_interval = std::min<Clock::duration>(side.lock_check_interval, kFirstLockCheckLikelyWait);
  }
  // The holder's transaction ended: a wait on it seen by a check is over, the side progresses,
  // and a check comes soon in case the server says otherwise.
  void prediction_over(SideRun& side, Side which) const;
  // Whether the running side's wait check falls due now.
  bool check_due(const SideRun& side) const { return clock_.now() - side.lock_checked_at >= side.lock_check_interval; }
  // A side whose check fell due, and once checked the backends it waits on when it was found
  // waiting (empty otherwise).
  struct Due {
    SessionRun* session;
    Side which;
    std::vector<int> blockers;
    // pg_locks.locktype of what it waits for ("transactionid", "tuple", "relation", "extend", ...).
    std::string lock_type;
  };
  // Asks whether each side waits on a lock: one query per server for all of its sides.
  void check(std::vector<Due>& due);
  // The side's result arrived (at side.finished_at): a wait still open ends there.
  static void finished(SideRun& side);
  static Clock::time_point next_check(const SideRun& side) {
    return side.lock_checked_at + side.lock_check_interval;
  }

  // The sessions holding the locks that the statements in flight wait for, on either side; a
  // waiting side whose blocker had a result since its last check asked afresh; none when that
  // found a statement in flight progressing.
  std::vector<SessionRun*> holders(std::span<SessionRun* const> in_flight, SessionPool& pool);

  // A statement of an idle holder, the first in the feed's lookahead, taken out to run ahead of
  // its turn; nullopt when no holder has one (within kMaxLookahead).
  struct RunAhead {
    SessionRun* holder;
    Pending pending;
  };
  // `may_run`: whether that holder's statement may run ahead now (else the next is looked at).
  // Why it may not (for the trace), nullptr when it may.
  using MayRunAhead = std::function<const char*(const SessionRun& holder, Pending& pending)>;
  Result<std::optional<RunAhead>> run_ahead(const std::vector<SessionRun*>& holders, StatementFeed& feed,
                                            const MayRunAhead& may_run);
  // Whether the last holders() found this session through the migration: a statement waits on
  // the shadow behind the migration, which waits for this session's lock.
  bool migration_waits_on(const SessionRun& session) const {
    return std::find(migration_waits_on_.begin(), migration_waits_on_.end(), &session) != migration_waits_on_.end();
  }

  // The stall timer: whether a stalled replay should ask the holders now (it then waits
  // kStallRetryAfter for the next time); not stalled, or a statement started, resets it.
  bool stall_check_due(bool stalled);
  void stall_resolved() { stall_retry_at_.reset(); }
  std::optional<Clock::time_point> stall_retry_at() const { return stall_retry_at_; }

  struct Wait {
    std::vector<int> blockers;
    std::optional<double> waiting_s;  // clock_timestamp() - waitstart of its oldest ungranted lock
    std::string lock_type;            // of its ungranted lock
  };
  // The query that asks for each backend's wait, in one round trip: a row per waiting backend
  // and blocker (waiting, blocker, waiting_s, lock_type).
  static std::string waits_query(const std::vector<int>& backend_pids);
  // Each backend's wait, by backend (absent: not waiting), from the query's rows.
  // pg_blocking_pids and pg_locks each read the lock table at their own instant: a row without
  // an ungranted lock (no lock type) is a wait that ended between the two, often a relation's
  // extension, and counts as none. Taken as a wait, its blockers would be a session whose
  // footprint is apart, and the write rule would be given up for the rest of the replay.
  static std::vector<std::pair<int, Wait>> read_waits(const std::vector<std::vector<std::string>>& rows);

 private:
  Result<std::vector<int>> blocking_pids(int side, int backend_pid);
  Result<std::vector<std::pair<int, Wait>>> waits_of(int side, const std::vector<std::vector<std::string>>& rows,
                                                     Result<pg::StatementCompletion> answered);
  void apply(SideRun& side, Side which, const Result<Wait>& wait);
  int migration_backend() const { return migration_backend_ ? migration_backend_() : 0; }

  std::array<pg::SessionConnection*, 2> monitors_;
  const pg::WaitLimits monitor_limits_;
  StageClock& stages_;
  const ReplayClock& clock_;
  const Tracer& trace_;
  TroubleHandler on_trouble_;
  MigrationBackend migration_backend_;
  std::optional<Clock::time_point> stall_retry_at_;  // while stalled with no holder able to go on
  std::vector<const SessionRun*> migration_waits_on_;  // of the last holders()
};

}  // namespace pgshadow::replay
