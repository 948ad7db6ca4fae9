// The book keeps tallies per fingerprint; shapes beyond the label bound share "other", so each
// sync sums the tallies per label before raising the counters to them.
#include "lock_impact_metrics.h"

#include <algorithm>
#include <map>
#include <string>

#include "pgshadow/metrics/run_metrics.h"

namespace pgshadow::metrics {
namespace {

struct LabelTotals {
  double behind = 0, behind_seconds = 0, behind_max_seconds = 0, baseline = 0, baseline_seconds = 0;
  std::map<std::string, double> failed;  // by SQLSTATE label
};

}  // namespace

std::string shape_info_text(const std::string& normalized, std::size_t max_chars) {
  return normalized.size() > max_chars ? normalized.substr(0, max_chars) + "..." : normalized;
}

void raise_counter_to(prometheus::Counter& counter, double total) {
  if (total > counter.Value()) counter.Increment(total - counter.Value());
}

#define PGSHADOW_LOCK_FAMILY(kind, name, help) \
  prometheus::Build##kind().Name(name).Help(help).Labels(constant_labels).Register(registry)

LockImpactMetrics::LockImpactMetrics(prometheus::Registry& registry, const prometheus::Labels& constant_labels,
                                     std::size_t max_shapes, std::size_t max_normalized_chars,
                                     prometheus::Family<prometheus::Gauge>& shape_info)
    : shapes_(max_shapes),
      max_normalized_chars_(max_normalized_chars),
      migration_locks_(max_shapes),
      shape_info_(shape_info),
      verdict_level_(PGSHADOW_LOCK_FAMILY(Gauge, "pgshadow_lock_impact_verdict_level",
                                          "What the migration's locks add to the verdict (--migrate-during): 0 "
                                          "nothing, 1 review, 2 breaking; -1 without --migrate-during.")
                         .Add({})),
      behind_(PGSHADOW_LOCK_FAMILY(Counter, "pgshadow_lock_waits_behind_migration_total",
                                   "Shadow statements that waited on a lock the migration held or queued for, by "
                                   "query shape (bounded).")),
      behind_seconds_(PGSHADOW_LOCK_FAMILY(Counter, "pgshadow_lock_wait_behind_migration_seconds_total",
                                           "Seconds shadow statements waited behind the migration, by query shape.")),
      behind_max_seconds_(PGSHADOW_LOCK_FAMILY(Gauge, "pgshadow_lock_wait_behind_migration_max_seconds",
                                               "The longest wait of one shadow statement behind the migration, by "
                                               "query shape (what --max-blocked is compared with).")),
      baseline_waits_(PGSHADOW_LOCK_FAMILY(Counter, "pgshadow_lock_baseline_waits_total",
                                           "Baseline statements that waited on a lock while the migration ran on "
                                           "the shadow (the control), by query shape.")),
      baseline_wait_seconds_(PGSHADOW_LOCK_FAMILY(Counter, "pgshadow_lock_baseline_wait_seconds_total",
                                                  "Seconds baseline statements waited on locks while the migration "
                                                  "ran on the shadow, by query shape.")),
      failed_(PGSHADOW_LOCK_FAMILY(Counter, "pgshadow_lock_failed_by_migration_total",
                                   "Shadow statements that failed because of the migration's locks (lock_timeout, "
                                   "statement_timeout, deadlock), by query shape and SQLSTATE.")),
      migration_lock_seconds_(PGSHADOW_LOCK_FAMILY(Gauge, "pgshadow_migration_lock_seconds",
                                                   "The migration's own locks: seconds each migration statement "
                                                   "(file:line) waited for (stage=waited) and held (stage=held) a "
                                                   "lock mode on a relation.")) {
  verdict_level_.Set(-1);
  // The totals a dashboard asks for exist from the start, at zero.
  behind_.Add({{"shape", BoundedLabel::kOther}});
  behind_seconds_.Add({{"shape", BoundedLabel::kOther}});
  failed_.Add({{"shape", BoundedLabel::kOther}, {"sqlstate", BoundedLabel::kOther}});
}

#undef PGSHADOW_LOCK_FAMILY

void LockImpactMetrics::sync(const judge::LockImpactBook& book) {
  // The verdict is known once the migration has ended (the book is active from then); the waits
  // are counted as the statements come in.
  if (book.active()) verdict_level_.Set(static_cast<double>(static_cast<int>(book.verdict())));
  if (book.phases().empty()) return;  // no --migrate-during, or nothing compared yet
  std::map<std::string, LabelTotals> totals;
  for (const judge::ShapeLockImpact* shape : book.shapes()) {
    bool is_new = false;
    const std::string label = shapes_.label_for(shape->fingerprint, &is_new);
    if (is_new) shape_info_.Add({{"shape", label}, {"normalized", shape_info_text(shape->normalized, max_normalized_chars_)}}).Set(1);
    LabelTotals& sum = totals[label];
    sum.behind += static_cast<double>(shape->shadow_behind_migration.count);
    sum.behind_seconds += shape->shadow_behind_migration.total_ms / 1000.0;
    sum.behind_max_seconds = std::max(sum.behind_max_seconds, shape->shadow_behind_migration.max_ms / 1000.0);
    sum.baseline += static_cast<double>(shape->baseline_waits.count);
    sum.baseline_seconds += shape->baseline_waits.total_ms / 1000.0;
    for (const auto& [sqlstate, count] : shape->failed_by_migration) sum.failed[sqlstate_label(sqlstate)] += static_cast<double>(count);
  }
  for (const auto& [label, sum] : totals) {
    raise_counter_to(behind_.Add({{"shape", label}}), sum.behind);
    raise_counter_to(behind_seconds_.Add({{"shape", label}}), sum.behind_seconds);
    behind_max_seconds_.Add({{"shape", label}}).Set(sum.behind_max_seconds);
    raise_counter_to(baseline_waits_.Add({{"shape", label}}), sum.baseline);
    raise_counter_to(baseline_wait_seconds_.Add({{"shape", label}}), sum.baseline_seconds);
    for (const auto& [sqlstate, count] : sum.failed) raise_counter_to(failed_.Add({{"shape", label}, {"sqlstate", sqlstate}}), count);
  }
  if (!book.active()) return;
  for (const replay::MigrationStatementRun& statement : book.migration_run()->statements) {
    const std::string where = statement.file + ":" + std::to_string(statement.line);
    for (const replay::MigrationLock& lock : statement.locks) {
      const std::string key = migration_locks_.label_for(where + " " + lock.mode + " " + lock.relation);
      if (key == BoundedLabel::kOther) continue;  // beyond the bound: the JSON report has them all
      const prometheus::Labels labels{{"statement", where}, {"mode", lock.mode}, {"relation", lock.relation}};
      prometheus::Labels waited = labels, held = labels;
      waited["stage"] = "waited";
      held["stage"] = "held";
      migration_lock_seconds_.Add(waited).Set(lock.waited_ms / 1000.0);
      migration_lock_seconds_.Add(held).Set(lock.held_ms / 1000.0);
    }
  }
}

}  // namespace pgshadow::metrics
