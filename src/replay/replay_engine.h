#pragma once
// The replay driver: reads like a script of its parts. Each captured statement is read
// (statement_feed.h), waits for the dispatch rule (dispatch_rule.h) while the statements in
// flight are pumped, is sent on both sides of its session (session_pool.h), and once both sides
// answered is classified (pair_classifier.h) and handed to the observer; the lock arbiter
// (lock_arbiter.h) finds the way out when every statement in flight waits on a lock; which
// writes may run side by side is write_contention.h's.
//
// Invariants: every event read reaches the observer exactly once (compared, skipped or
// failed), also when the replay stops early because a server is gone; every moment of the
// replay thread is charged to one stage of the StageClock. The clock and the trace sink are
// the caller's (ReplayEnvironment). Owned by one thread.
#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "concurrent_migration.h"
#include "dispatch_rule.h"
#include "lock_arbiter.h"
#include "migration_block_log.h"
#include "pair_classifier.h"
#include "pgshadow/replay/replay.h"
#include "replay_trace.h"
#include "session_pool.h"
#include "serializable_watch.h"
#include "session_run.h"
#include "stage_clock.h"
#include "statement_feed.h"
#include "write_contention.h"

namespace pgshadow::replay {

class ReplayEngine {
 public:
  ReplayEngine(const ReplayTargets& targets, const ReplaySettings& settings, ReplayObserver& observer,
               const std::atomic<bool>* interrupted, const ReplayEnvironment& environment);

  Result<ReplaySummary> run(capture::EventSource& source);

 private:
  // replay_engine.cc: the script.
  Status open_parts();
  Status wait_until_dispatchable(SessionRun& session, Pending& pending);
  Status wait_for_production_time(const Event& event);
  // Timed order: when production sent it (scaled by --speed); else now.
  Clock::time_point production_time_of(const Event& event) const;
  Clock::time_point production_time_at(std::int64_t capture_offset_us) const;  // timed order
  Status pump_until(Clock::time_point due);  // the statements in flight move meanwhile
  // Why a holder's statement may not run ahead of its turn now, nullptr when it may
  // (LockArbiter::MayRunAhead).
  const char* why_not_run_ahead(const SessionRun& holder, Pending& pending);
  std::vector<dispatch::Running> running_besides(const SessionRun* session) const;
  dispatch::Policy policy() const;
  // What a publishing statement of `session` (nullptr: one yet to start) makes visible: its
  // transaction's footprint and its own `footprint`; nullopt when either is unknown, or when the
  // policy lets no commit overlap (nothing asks then).
  std::optional<dispatch::Footprint> published_by(const SessionRun* session, const sql::StatementFacts& facts,
                                                  const dispatch::Footprint* footprint, bool publishing) const;
  // The same whatever the policy.
  std::optional<dispatch::Footprint> committed_by(const SessionRun* session, const sql::StatementFacts& facts,
                                                  const dispatch::Footprint* footprint, bool publishing) const;

  // assumed_waits.cc: writes counted as waiting on a predicted lock before a check sees them
  // (dispatch::Running::wait_assumed).
  // What the WHERE of the session's write in flight reads, when the write may count as waiting
  // at once; nullptr when it may not.
  const std::set<std::string>* assumable_wait(const SessionRun& session) const;
  bool assumed_wait_in_flight() const;
  // Whether the session's publishing statement `pending` may start beside every assumed wait;
  // when not, those waits are checked soon.
  bool passes_assumed_waits(const SessionRun& session, Pending& pending);
  // A commit waits for the assumed waits to be seen: they are checked soon.
  void hurry_assumed_waits();

  // stall_breaking.cc: when every statement in flight waits on a lock, a holder's statement runs
  // ahead of its turn (LockArbiter::run_ahead), one clear of the writes in flight first. Whether
  // `pending`, the statement waiting for its turn, is that statement (the caller dispatches it).
  Result<bool> break_stall(SessionRun& session, Pending& pending);
  // Of the holder's statement `pending` beside the writes in flight: clear of them, may want a
  // row lock one of them wants (dispatch::write_rule_holds), or surely wants one
  // (dispatch::surely_waits_beside). Ordered: a later one waits beside them more surely.
  enum class BesideWrites { kClear, kMayWait, kSurelyWaits };
  BesideWrites beside_writes(const SessionRun& holder, Pending& pending);

  // overtaking.cc: in causal order, statements read ahead that may start before the one waiting
  // for its turn (dispatch::may_overtake), and the writes that will wait on an open transaction.
  bool overtaking_allowed() const;
  // The session (not `session`) whose open transaction holds a row lock the pending write will
  // want (dispatch::will_wait), nullptr when none is known or overtaking is not allowed.
  const SessionRun* predicted_holder(const SessionRun* session, Pending& pending);
  // Dispatches the first statement read ahead that may start before `waiting` and everything read
  // between: whether one started.
  Result<bool> dispatch_an_overtaker(const SessionRun& waiting_session, Pending& waiting,
                                     const SessionRun* waiting_on);
  void dispatch(SessionRun& session, Pending pending);
  // Sends the session's statement on the side, whose connection is open.
  void send_on(SessionRun& session, int index, LockArbiter::WaitOutlook outlook);
  // The side's opening is done: the side has its connection or its failure, and what may be sent
  // on the side now is (send_unsent).
  void opened(SessionRun& session, int index);
  void send_unsent(int index);
  void resolve_footprint(Pending& pending);
  const dispatch::Footprint* footprint_in_force(const std::optional<dispatch::Footprint>& footprint,
                                                std::uint64_t generation) const;
  // Noting what may change the catalog, and when the change is in (write_contention.h).
  void note_catalog_change(SessionRun& session);
  bool waits_on_idle_holder(const SessionRun& session) const;
  LockArbiter::WaitOutlook wait_outlook(const SessionRun& session) const;
  void note_lock_wait(const SessionRun& waiting, int side, const std::vector<int>& blockers,
                      const std::string& lock_type);
  void finish_if_done(SessionRun& session);
  void report_progress(bool final_line);
  // --migrate-during: starts the migration once the capture reaches its point, and collects it.
  Status start_migration_if_due(const Event& next);
  Status finish_migration();
  MigrationPhase migration_phase() const;
  void account_rest_as_failed();
  bool interrupted() const { return interrupted_ != nullptr && interrupted_->load(); }

  // server_poll.cc: waiting on the servers, and giving up on one that stopped answering.
  Status pump();
  void cancel_in_flight();
  // No wait on a server without an end (answer_deadline.h), and the first sign that a server is
  // gone stops the replay: what was not replayed is failed with that reason.
  void enforce_answer_deadlines();
  void note_connection_trouble(int side);
  void abandon_side(int side, const std::string& reason);

  const ReplayTargets& targets_;
  const ReplaySettings& settings_;
  ReplayObserver& observer_;
  const std::atomic<bool>* interrupted_;
  SteadyReplayClock steady_clock_;
  const ReplayClock& clock_;
  Tracer trace_;
  StageClock stages_;
  const std::optional<std::chrono::milliseconds> answer_within_;  // statement_timeout + grace
  const pg::WaitLimits probe_limits_;
  // Lock and role checks answer in milliseconds on a live server: one that does not answer them
  // within the grace is taken for gone sooner than a statement's deadline would.
  const pg::WaitLimits monitor_limits_;
  const Clock::time_point started_;
  Clock::time_point progress_at_;

  std::array<std::unique_ptr<pg::SessionConnection>, 2> monitors_;
  std::optional<StatementFeed> feed_;
  std::optional<SessionPool> pool_;
  std::optional<LockArbiter> arbiter_;
  std::optional<PairClassifier> classifier_;
  std::optional<WriteContention> contention_;
  std::optional<SerializableWatch> serializable_;
  std::unique_ptr<ConcurrentMigration> migration_;  // --migrate-during

  std::vector<SessionRun*> in_flight_;
  // Per side, the sessions whose dispatched statement is not sent yet, in dispatch order.
  std::array<std::deque<SessionRun*>, 2> unsent_;
  // Sessions whose open transaction wrote (SessionRun::transaction_footprint): they may hold row
  // locks.
  std::vector<SessionRun*> write_holders_;
  bool cancelled_ = false;
  bool migration_end_noted_ = false;
  std::optional<Clock::time_point> cancelled_at_;
  std::optional<std::string> server_gone_;  // why the replay stopped early: "the shadow server ..."
  std::optional<std::string> realign_after_;  // the root after which the sequences may differ
  std::uint64_t dispatched_ = 0;
  // While the statement waiting for its turn was held with one behind the migration in flight.
  Clock::duration queued_behind_migration_{};
  MigrationBlockLog migration_blocks_;
  ReplaySummary summary_;  // compared, failed and the counts of the parts, gathered at the end
};

}  // namespace pgshadow::replay
