#pragma once
// The replay stage: runs every captured statement on the baseline and on the shadow, in
// lockstep, one connection per captured session and side, and hands each pair of results,
// classified, to a ReplayObserver.
//
// Ordering: events are dispatched in capture order. A statement waits for every earlier
// statement still in flight, except one that overlapped it in production (its logged end is
// after this statement's start) or one that is waiting on a lock (it cannot finish before a
// later statement of another session releases that lock). This keeps every happens-before
// that production showed while letting lock waits resolve as they did in production. One more
// wait keeps both sides seeing the same commits: a statement that publishes changes (COMMIT,
// a write outside a transaction block) neither overlaps an earlier statement still running nor
// is overlapped by a later one, unless that statement waits on a lock. And two writes that may
// want one lock (their footprints: tables, foreign keys, sequences) never run (or wait) side by
// side: each server would grant a contended row lock to whichever came first, the two servers
// could choose differently, and the sessions would wait on each other across the sides. A
// write waiting on a lock held by an idle session has that session's next statement run ahead
// of its turn (the log cannot say when production granted the lock), one that passes the write
// rule first (stall_breaking.cc). In causal order, two
// statements that keep to themselves (neither publishes, every lock each takes is known) need
// not wait for each other: until a commit neither sees the other, so their order changes no
// result (dispatch_rule.h; not where a transaction may run SERIALIZABLE).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pgshadow/capture/event_source.h"
#include "pgshadow/compare/result_signature.h"
#include "pgshadow/core/divergence_class.h"
#include "pgshadow/core/event.h"
#include "pgshadow/core/migration_outcome.h"
#include "pgshadow/pg/database_setup.h"
#include "pgshadow/pg/session_login.h"
#include "pgshadow/sql/query_shape.h"
#include "pgshadow/util/result.h"

namespace pgshadow::replay {

// --migrate-during: the migration is applied to the shadow while the traffic replays, on its own
// connection, statement by statement as pg::apply_migrations runs it (its own BEGIN/COMMIT and
// SET lock_timeout honoured), starting with the first captured statement that started at least
// `at` into the capture (from the first event's start), or after the traffic when the capture
// is shorter. The lock watch follows its backend in pg_locks meanwhile (lock impact).
struct MigrationDuringReplay {
  std::string conninfo;  // the shadow's database, as the role the migration runs as
  std::vector<pg::MigrationScript> scripts;
  std::string guarded_conninfo;  // the baseline, watched as pg::MigrationOptions says
  std::chrono::microseconds at{0};
  // How `at` was chosen, for the report: "the busiest stretch (41 statements started in the 5 s
  // from there)", "50% of the capture's span", "--migrate-during 30s".
  std::string at_chosen;
};

// Where in the capture a --migrate-during AT lies: an offset (a PostgreSQL duration: "30s",
// "1.5min", "250ms"), a share of the capture's span ("50%"), or "busiest" (BusiestStretch).
struct CapturePoint {
  std::optional<std::chrono::microseconds> offset;
  std::optional<double> share;  // 0..1
  bool busiest = false;
};
// Error kBadInput: "--migrate-during: 'x' is neither ...".
Result<CapturePoint> parse_capture_point(std::string_view text);
// A PostgreSQL time setting ("30s", "500ms", "2min", "250": milliseconds); nullopt otherwise.
std::optional<std::chrono::microseconds> parse_postgres_duration(std::string_view text);

struct ReplayTargets {
  std::string baseline_conninfo;
  std::string shadow_conninfo;
  // Pristine clones for the isolation probe: the data the replay started from, the shadow
  // migrated. Empty: no probe, and every difference is reported as a root finding.
  std::string pristine_baseline_conninfo;
  std::string pristine_shadow_conninfo;
  // How each replayed session (and the probe's) logs in as its captured user (owned by the
  // caller). Null: every session connects with the conninfo above and becomes its captured user
  // with SET ROLE where it may (run_as_captured_user).
  pg::SessionLogins* logins = nullptr;
  // Not null: the shadow starts as the baseline and the migration is applied during the replay.
  const MigrationDuringReplay* migrate_during = nullptr;
};

enum class ReplayOrder {
  kCausal,  // happens-before kept, overlap allowed (see above), as fast as the servers go
  kStrict,  // one statement at a time, in capture order (lock waits then end in lock_timeout)
  kTimed,   // causal, and no statement earlier than its production start (scaled by speed)
};

struct ReplaySettings {
  ReplayOrder order = ReplayOrder::kCausal;
  double speed = 1.0;  // kTimed: 2.0 replays an hour of traffic in half an hour
  std::string statement_timeout = "30s";
  std::string lock_timeout = "5s";
  std::size_t max_open_sessions = 200;  // idle sessions beyond this are closed, oldest first
  // Sessions with a statement running at once, 0 for no bound (as many as production had).
  // Sessions waiting on a lock do not count: the one holding the lock must be able to go on.
  std::size_t jobs = 0;
  // Only statements that cannot write (sql::StatementFacts::may_write) are replayed, in
  // read-only transactions (default_transaction_read_only): for replicas. Writes are skipped.
  bool read_only = false;
  // A session runs as the user the capture names (SET ROLE) where that role exists on the side
  // and the connecting user may become it; else as the connecting user.
  bool run_as_captured_user = true;
  // A read that differs between the sides runs again on the baseline: a different result there
  // too makes it nondeterministic.
  bool probe_nondeterminism = false;
  // Kinds of sql::OutsideReach replayed all the same (--allow-outside KIND); every other
  // statement that acts outside its database is skipped with its reason.
  std::set<std::string> allowed_outside;
};

// Why a statement's difference is a consequence of an earlier root finding, not a finding of
// its own (see src/replay/divergence_tracker.h for how causes are followed).
struct ConsequenceCause {
  enum class Kind {
    kAbortedTransaction,  // its transaction was aborted on one side by the root
    kMissingSavepoint,    // the savepoint it names was set on one side only (the other was aborted)
    kMissingParentRow,    // a foreign key finds no parent on one side: the root left that table different
    kDivergedData,        // it touches a table the root left different; equal on pristine data
    kDivergedDataUnnamed, // equal on pristine data, no table in sight: the latest data root
    kObjectNotCreated,    // the relation it names was never created on one side: the root failed there
    kObjectIdentifiers,   // only object identifiers differ: the root created objects on one side only
  };
  Kind kind = Kind::kAbortedTransaction;
  std::string root_fingerprint;
  std::string table;  // data causes and kObjectNotCreated: the relation name
  std::string side;   // "baseline" or "shadow": where the transaction was aborted or the row is missing
};

// One sentence, schema names and fingerprints only: "its transaction was aborted on the shadow
// by an earlier finding on shape 1a2b...".
std::string describe(const ConsequenceCause& cause);

// Where a statement stood against a --migrate-during migration when it was sent.
enum class MigrationPhase {
  kNone,    // no --migrate-during
  kBefore,  // the migration had not started: the shadow was still the baseline
  kDuring,  // it was running
  kAfter,   // it had ended
};
const char* name_of(MigrationPhase phase);  // "none", "before", "during", "after"

// How long a statement waited on locks on each side, from the servers' own pg_locks.waitstart
// to the end of the wait (seen at the next lock check or when the result arrived).
struct LockWaits {
  MigrationPhase phase = MigrationPhase::kNone;
  double baseline_wait_ms = 0;
  double shadow_wait_ms = 0;
  // pg_blocking_pids named the migration's backend on the shadow at some check.
  bool shadow_behind_migration = false;
  // How long the statement was held back by the replay's dispatch rule while a statement of
  // another session waited behind the migration (it finished before this one started in
  // production, so it goes first here too): the migration's delay that no server sees.
  double queued_behind_migration_ms = 0;
};

struct ComparedStatement {
  const Event& event;
  const sql::QueryShape& shape;
  DivergenceClass divergence;
  const compare::ResultSignature& baseline;
  const compare::ResultSignature& shadow;
  // For kConsequence: the shape whose earlier finding caused this one (cause.root_fingerprint).
  std::optional<std::string> root_fingerprint;
  // For kNondeterministic: why the statement cannot repeat its results ("calls now()").
  std::string nondeterminism;
  double baseline_ms = 0;  // wall time from send to the last result, per side
  double shadow_ms = 0;
  bool ordered = false;  // the statement has a top-level ORDER BY: row order is part of its result
  bool explainable = false;  // sql::StatementFacts::is_explainable
  std::optional<ConsequenceCause> cause = std::nullopt;  // for kConsequence
  // Not the statement but its production error was replayed (see ReplaySummary::
  // replayed_as_production_error): its timings and plans say nothing about the migration.
  bool as_production_error = false;
  LockWaits locks = {};
};

// Where the replay is, for progress displays and metrics.
struct ReplayProgress {
  std::uint64_t events = 0;  // read from the capture so far
  std::uint64_t compared = 0;
  std::uint64_t skipped = 0;
  std::uint64_t failed = 0;
  std::size_t sessions_open = 0;
  std::size_t in_flight = 0;             // sessions with a statement running
  std::int64_t first_capture_us = 0;     // start time of the first event (µs since epoch), 0 before
  std::int64_t current_capture_us = 0;   // start time of the latest event read
  double wall_seconds = 0;               // since the replay started
  double input_fraction = -1;            // share of the capture's bytes read (0..1), -1 unknown
  bool final = false;                    // the last call, after every event has its fate
};

// Receives every event's fate exactly once. Called from the replay thread only.
class ReplayObserver {
 public:
  virtual ~ReplayObserver() = default;
  virtual void on_compared(const ComparedStatement& statement) = 0;
  virtual void on_skipped(const Event& event, const std::string& reason) = 0;
  virtual void on_failed(const Event& event, const std::string& reason) = 0;
  // An event read from the capture but never run because the replay was interrupted first.
  virtual void on_not_replayed(const Event& /*event*/) {}
  // About every 250 ms while the replay runs, and once with `final` at its end.
  virtual void on_progress(const ReplayProgress& /*progress*/) {}
};

// A lock a migration statement held or waited for, from the lock watch's samples of pg_locks
// for the migration's backend (relation locks on user relations, and every lock it waited for).
// Times are as sampled: within the watch's interval (MigrationRun::sample_interval_ms).
struct MigrationLock {
  std::string relation;  // "order_events", or the lock type for a lock on no relation ("virtualxid")
  std::string mode;      // "ShareLock", "AccessExclusiveLock", ...
  double waited_ms = 0;  // from pg_locks.waitstart until first seen granted (0: never waited)
  double held_ms = 0;    // from first seen granted until the statement ended or it was last seen
  bool granted = false;  // seen granted at least once
  // While it waited: what the sessions it queued behind ran last (pg_stat_activity.query of
  // pg_blocking_pids, as normalized shapes; an idle-in-transaction session shows the statement
  // it ran before going idle), at most kMaxBlockingShapes, in order of first sight.
  std::vector<std::string> blocked_by;
};
inline constexpr std::size_t kMaxBlockingShapes = 5;

struct MigrationStatementRun {
  std::string file;
  std::uint64_t line = 0;
  std::string shape;       // normalized text
  double started_s = 0;    // since the replay started
  double ended_s = 0;
  bool succeeded = true;
  std::string sqlstate;
  std::vector<MigrationLock> locks;
};

// A table the migration locked, as the shadow held it once the migration ended: the size the
// lock windows were measured at.
struct RelationSize {
  std::string relation;
  std::uint64_t rows = 0;   // count(*)
  std::uint64_t bytes = 0;  // pg_total_relation_size: indexes and TOAST included
};

// What --migrate-during did: where it started, how it ended, and its locks.
struct MigrationRun {
  MigrationOutcome outcome;
  std::optional<std::string> error;  // could not be applied at all (connection lost, interrupted)
  double at_capture_s = 0;           // capture offset of the statement it started before
  std::string at_chosen;             // MigrationDuringReplay::at_chosen
  bool after_traffic = false;        // the capture ended before `at`: it ran after the traffic
  double started_s = 0;              // since the replay started
  double ended_s = 0;
  std::vector<MigrationStatementRun> statements;
  std::uint64_t samples = 0;           // pg_locks samples taken
  double sample_interval_ms = 0;
  std::vector<RelationSize> relation_sizes;  // the tables (and materialized views) it locked
};

// Which role a captured user's statements ran as, per side.
struct RoleUse {
  std::string user;                 // as captured
  bool as_captured_on_baseline = false;
  bool as_captured_on_shadow = false;
  std::uint64_t sessions = 0;
};

// Where the write rule stopped going by footprint (WriteContention::give_up): a write waited on a
// lock held by a session whose transaction's writes the footprints had told apart from it, so
// they had missed a way two writes contend. From there on every write ran alone: a correct
// replay, and a slower one.
struct WriteRuleGivenUp {
  std::string at;         // the waiting statement's place in the capture (file:line)
  std::string side;       // "baseline" or "shadow": the server that showed the wait
  std::string lock_type;  // pg_locks.locktype of the wait (tuple, transactionid, ...)
};

struct ReplaySummary {
  std::uint64_t events = 0;
  std::uint64_t compared = 0;
  std::uint64_t skipped = 0;
  std::uint64_t failed = 0;
  std::uint64_t sessions = 0;
  // Events without a logged duration: their end in production is unknown, so the replay took
  // them as finished before the next event started (log order).
  std::uint64_t events_without_duration = 0;
  std::vector<RoleUse> roles;  // by user, in order of first appearance
  // Statements run ahead of their turn because every statement in flight waited on a lock held
  // by their session (the replay granted a lock in another order than production did).
  std::uint64_t reordered_for_locks = 0;
  // Statements started before one read before them (causal order): production ran them beside it,
  // and it waited for its session or for a row lock an open transaction held.
  std::uint64_t started_out_of_order = 0;
  std::optional<WriteRuleGivenUp> write_rule_given_up;  // nullopt: footprints held all along
  // Times the shadow's sequences were set to the baseline's after a root drew from them on one
  // side only, and how many sequences that moved in all.
  std::uint64_t sequence_realignments = 0;
  std::uint64_t sequences_realigned = 0;
  // Statements that failed in production with an error that depends on timing (deadlock_detected,
  // serialization_failure, lock_not_available, query_canceled, a session timeout or termination),
  // by SQLSTATE: replayed on both sides as that error instead of racing again (a different
  // deadlock victim per side would be a false finding; a cancelled pg_sleep would run in full).
  std::map<std::string, std::uint64_t> replayed_as_production_error;
  double wall_seconds = 0;
  // Where the replay thread's time went, by stage, in seconds; they add up to wall_seconds:
  // scheduling, read_capture, parse_sql, wait_for_servers, send_receive_hash, compare_and_judge,
  // lock_checks, connect, pacing.
  std::vector<std::pair<std::string, double>> stage_seconds;
  std::optional<MigrationRun> migration_run;  // --migrate-during
};

// The time the replay reads and waits on: the steady clock unless a caller injects another.
class ReplayClock {
 public:
  using Clock = std::chrono::steady_clock;
  virtual ~ReplayClock() = default;
  virtual Clock::time_point now() const = 0;
  // --order timed: waits while nothing is in flight (at most 10 ms at a time).
  virtual void sleep_for(Clock::duration duration) const = 0;
};

// std::chrono::steady_clock and std::this_thread::sleep_for.
class SteadyReplayClock final : public ReplayClock {
 public:
  Clock::time_point now() const override;
  void sleep_for(Clock::duration duration) const override;
};

// Receives one line (no newline) per dispatch, lock wait and reordering, each prefixed with the
// seconds since the replay started, for finding out why a replay waited. Called from the
// replay thread only.
class ReplayTrace {
 public:
  virtual ~ReplayTrace() = default;
  virtual void line(std::string_view text) = 0;
};

// Writes each line to stderr (the CLI's PGSHADOW_TRACE_REPLAY=1).
class StderrReplayTrace final : public ReplayTrace {
 public:
  void line(std::string_view text) override;
};

// What the replay takes from its surroundings besides the servers: injected, so that nothing in
// the engine reads the environment and a test can supply its own.
struct ReplayEnvironment {
  const ReplayClock* clock = nullptr;  // null: a SteadyReplayClock
  ReplayTrace* trace = nullptr;        // null: no trace
};

// Errors: kInfrastructure when a side cannot be reached at all; kInterrupted when *interrupted
// becomes true (statements in flight are drained first); capture read errors as returned.
Result<ReplaySummary> replay(capture::EventSource& source, const ReplayTargets& targets,
                             const ReplaySettings& settings, ReplayObserver& observer,
                             const std::atomic<bool>* interrupted = nullptr,
                             const ReplayEnvironment& environment = {});

}  // namespace pgshadow::replay
