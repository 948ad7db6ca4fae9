#pragma once
// Judge, lock impact (--migrate-during): which query shapes waited on the shadow behind the
// migration, or failed because of it, against the baseline's waits over the same stretch, and
// what that adds to the run's verdict. LockImpactBook is fed every compared statement and, after
// the replay, the MigrationRun; pure bookkeeping (no server), not thread-safe.
//
// Verdict rule: a statement that failed on the shadow because of the migration (lock_timeout
// 55P03, statement_timeout 57014 or deadlock 40P01, on the shadow only, while it waited behind
// the migration or ran during it) is breaking; a wait behind the migration longer than
// max_blocked is review; otherwise the lock impact adds nothing.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pgshadow/core/verdict.h"
#include "pgshadow/judge/latency.h"
#include "pgshadow/replay/replay.h"

namespace pgshadow::judge {

struct WaitTally {
  std::uint64_t count = 0;
  double total_ms = 0;
  double max_ms = 0;
  void add(double ms);
};

// The latency of one side of a shape's statements during the migration: quantiles in bounded
// memory, and the exact maximum.
struct LatencyTally {
  LatencyHistogram histogram;
  double max_ms = 0;
  void add(double ms);
};

struct ShapeLockImpact {
  std::string fingerprint;
  std::string normalized;  // of its earliest statement in capture order (ShapeFindings says why)
  std::uint64_t normalized_sequence = 0;
  std::uint64_t during = 0;                // statements sent while the migration ran
  WaitTally shadow_behind_migration;       // shadow waits in which the migration was a blocker
  WaitTally shadow_waits;                  // every shadow wait during the migration
  WaitTally baseline_waits;                // every baseline wait during the migration (the control)
  // Held back in the replay while another session's statement waited behind the migration
  // (replay::LockWaits::queued_behind_migration_ms): not in the verdict, which rests on the
  // servers' own waits.
  WaitTally queued_behind_migration;
  std::map<std::string, std::uint64_t> failed_by_migration;  // SQLSTATE -> statements
  // Send to last result of the statements sent during the migration, per side: what the
  // application would have seen of it, against the control. In the reports, never in the
  // verdict (a timing flips with one scheduler stall; the waits rest on the servers' own locks).
  LatencyTally baseline_latency_during;
  LatencyTally shadow_latency_during;
  std::uint64_t failed() const;
};

struct LockImpactSettings {
  double max_blocked_ms = 3000;  // --max-blocked
};

class LockImpactBook {
 public:
  explicit LockImpactBook(LockImpactSettings settings = {}) : settings_(settings) {}

  void on_compared(const replay::ComparedStatement& statement);
  void on_migration_run(const replay::MigrationRun& run) { run_ = run; }

  bool active() const { return run_.has_value(); }
  const std::optional<replay::MigrationRun>& migration_run() const { return run_; }
  const LockImpactSettings& settings() const { return settings_; }
  // Shapes sent during the migration, or with a wait or a failure behind it; failures first,
  // then the longest wait behind it.
  std::vector<const ShapeLockImpact*> shapes() const;
  // Statements by phase: before, during, after the migration.
  const std::map<replay::MigrationPhase, std::uint64_t>& phases() const { return phases_; }
  // Statements sent before the migration that did not match (the shadow was still the baseline:
  // they say what differs without the migration, e.g. nondeterminism), nondeterministic excluded.
  std::uint64_t before_mismatches() const { return before_mismatches_; }
  WaitTally behind_migration() const;   // over every shape
  WaitTally queued_behind_migration() const;
  std::uint64_t failed() const;         // over every shape

  Verdict verdict() const;
  // Why, one line each; empty when the lock impact adds nothing.
  std::vector<std::string> reasons() const;

 private:
  LockImpactSettings settings_;
  std::optional<replay::MigrationRun> run_;
  std::map<std::string, ShapeLockImpact> shapes_;  // by fingerprint
  std::map<replay::MigrationPhase, std::uint64_t> phases_;
  std::uint64_t before_mismatches_ = 0;
};

// Whether a shadow-only error of a statement is one a migration's locks cause: lock_timeout
// (55P03), statement_timeout (57014), deadlock_detected (40P01).
bool is_lock_failure(const std::string& sqlstate);

// "1.2 s", "350 ms": a wait as reports say it.
std::string describe_wait_ms(double ms);
// "1000075 rows, 96.9 MB": a table's measured size (replay::RelationSize) as reports say it.
std::string describe_table_size(std::uint64_t rows, std::uint64_t bytes);

}  // namespace pgshadow::judge
