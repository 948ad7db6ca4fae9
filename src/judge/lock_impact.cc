#include "pgshadow/judge/lock_impact.h"

#include <algorithm>
#include <cstdio>

namespace pgshadow::judge {

void WaitTally::add(double ms) {
  ++count;
  total_ms += ms;
  max_ms = std::max(max_ms, ms);
}

std::uint64_t ShapeLockImpact::failed() const {
  std::uint64_t total = 0;
  for (const auto& [sqlstate, count] : failed_by_migration) total += count;
  return total;
}

bool is_lock_failure(const std::string& sqlstate) {
  return sqlstate == "55P03" || sqlstate == "57014" || sqlstate == "40P01";
}

std::string describe_wait_ms(double ms) {
  char text[32];
  if (ms >= 1000) {
    std::snprintf(text, sizeof text, "%.1f s", ms / 1000.0);
  } else if (ms > 0 && ms < 9.95) {
    std::snprintf(text, sizeof text, "%.1f ms", ms);  // a fast statement's latency is not "0 ms"
  } else {
    std::snprintf(text, sizeof text, "%.0f ms", ms);
  }
  return text;
}

std::string describe_table_size(std::uint64_t rows, std::uint64_t bytes) {
  char text[64];
  std::snprintf(text, sizeof text, "%llu rows, %.1f MB", static_cast<unsigned long long>(rows),
                static_cast<double>(bytes) / (1024.0 * 1024.0));
  return text;
}

void LockImpactBook::on_compared(const replay::ComparedStatement& statement) {
  const replay::LockWaits& locks = statement.locks;
  if (locks.phase == replay::MigrationPhase::kNone) return;
  ++phases_[locks.phase];
  if (locks.phase == replay::MigrationPhase::kBefore && statement.divergence != DivergenceClass::kMatch &&
      statement.divergence != DivergenceClass::kNondeterministic) {
    ++before_mismatches_;
  }
  // A statement sent before the migration can still wait behind it (it started just before).
  const bool failed_by_migration = !statement.shadow.succeeded && is_lock_failure(statement.shadow.sqlstate) &&
                                   (statement.baseline.succeeded || statement.baseline.sqlstate != statement.shadow.sqlstate) &&
                                   (locks.shadow_behind_migration || locks.phase == replay::MigrationPhase::kDuring);
  const bool during = locks.phase == replay::MigrationPhase::kDuring;
  const bool queued = locks.queued_behind_migration_ms > 0;
  if (!during && !locks.shadow_behind_migration && !failed_by_migration && !queued) return;
  ShapeLockImpact& shape = shapes_[statement.shape.fingerprint];
  if (shape.fingerprint.empty() || statement.event.sequence < shape.normalized_sequence) {
    shape.fingerprint = statement.shape.fingerprint;
    shape.normalized = statement.shape.normalized;
    shape.normalized_sequence = statement.event.sequence;
  }
  if (during) {
    ++shape.during;
    shape.baseline_latency_during.add(statement.baseline_ms);
    shape.shadow_latency_during.add(statement.shadow_ms);
  }
  if (locks.shadow_behind_migration) shape.shadow_behind_migration.add(locks.shadow_wait_ms);
  if (during && locks.shadow_wait_ms > 0) shape.shadow_waits.add(locks.shadow_wait_ms);
  if (during && locks.baseline_wait_ms > 0) shape.baseline_waits.add(locks.baseline_wait_ms);
  if (failed_by_migration) ++shape.failed_by_migration[statement.shadow.sqlstate];
  if (queued) shape.queued_behind_migration.add(locks.queued_behind_migration_ms);
}

void LatencyTally::add(double ms) {
  histogram.add(ms);
  max_ms = std::max(max_ms, ms);
}

std::vector<const ShapeLockImpact*> LockImpactBook::shapes() const {
  std::vector<const ShapeLockImpact*> listed;
  for (const auto& [fingerprint, shape] : shapes_) {
    if (shape.during + shape.shadow_behind_migration.count + shape.queued_behind_migration.count + shape.failed() > 0) {
      listed.push_back(&shape);
    }
  }
  std::sort(listed.begin(), listed.end(), [](const ShapeLockImpact* a, const ShapeLockImpact* b) {
    if (a->failed() != b->failed()) return a->failed() > b->failed();
    if (a->shadow_behind_migration.max_ms != b->shadow_behind_migration.max_ms) {
      return a->shadow_behind_migration.max_ms > b->shadow_behind_migration.max_ms;
    }
    return a->fingerprint < b->fingerprint;
  });
  return listed;
}

namespace {

WaitTally sum_of(const std::map<std::string, ShapeLockImpact>& shapes, WaitTally ShapeLockImpact::*tally) {
  WaitTally all;
  for (const auto& [fingerprint, shape] : shapes) {
    const WaitTally& one = shape.*tally;
    all.count += one.count;
    all.total_ms += one.total_ms;
    all.max_ms = std::max(all.max_ms, one.max_ms);
  }
  return all;
}

}  // namespace

WaitTally LockImpactBook::behind_migration() const { return sum_of(shapes_, &ShapeLockImpact::shadow_behind_migration); }

WaitTally LockImpactBook::queued_behind_migration() const {
  return sum_of(shapes_, &ShapeLockImpact::queued_behind_migration);
}

std::uint64_t LockImpactBook::failed() const {
  std::uint64_t total = 0;
  for (const auto& [fingerprint, shape] : shapes_) total += shape.failed();
  return total;
}

Verdict LockImpactBook::verdict() const {
  if (!active()) return Verdict::kSafe;
  if (failed() > 0) return Verdict::kBreaking;
  // The migration gave up during the replay: on its own lock_timeout (or a deadlock) it must be
  // retried in production, which is for the reviewer to plan; any other failure is as breaking
  // as a migration that fails before the replay; not applied at all, nothing is known.
  if (const auto& failure = run_->outcome.failure) {
    return is_lock_failure(failure->sqlstate) ? Verdict::kReview : Verdict::kBreaking;
  }
  if (run_->error) return Verdict::kReview;
  if (behind_migration().max_ms > settings_.max_blocked_ms) return Verdict::kReview;
  return Verdict::kSafe;
}

std::vector<std::string> LockImpactBook::reasons() const {
  std::vector<std::string> reasons;
  if (!active()) return reasons;
  if (const std::uint64_t failures = failed(); failures > 0) {
    reasons.push_back(std::to_string(failures) + (failures == 1 ? " statement" : " statements") +
                      " failed on the shadow because of the migration's locks (lock_timeout, statement_timeout "
                      "or deadlock)");
  }
  if (const auto& failure = run_->outcome.failure) {
    reasons.push_back("the migration failed during the replay at " + failure->file + ":" + std::to_string(failure->line) +
                      " with SQLSTATE " + failure->sqlstate +
                      (is_lock_failure(failure->sqlstate) ? " (it gave up waiting for its lock: plan a retry)" : ""));
  }
  if (run_->error) reasons.push_back("the migration could not be applied during the replay: " + *run_->error);
  const WaitTally waits = behind_migration();
  if (waits.max_ms > settings_.max_blocked_ms) {
    reasons.push_back(std::to_string(waits.count) + (waits.count == 1 ? " statement" : " statements") +
                      " waited behind the migration's locks, the longest " + describe_wait_ms(waits.max_ms) +
                      " (over --max-blocked " + describe_wait_ms(settings_.max_blocked_ms) + ")");
  }
  return reasons;
}

}  // namespace pgshadow::judge
