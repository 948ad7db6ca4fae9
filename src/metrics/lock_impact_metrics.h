#pragma once
// Private to RunMetrics: the lock impact of a --migrate-during run as Prometheus series (docs/
// metrics.md, "Lock impact"), brought to the LockImpactBook's tallies on every sync. Query shapes
// are bounded as elsewhere (the first max_shapes fingerprints, then "other"); the migration's own
// locks are labelled by migration file and line, lock mode and relation (schema names, never
// traffic). Replay thread only.
#include <cstddef>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "pgshadow/judge/lock_impact.h"
#include "pgshadow/metrics/bounded_label.h"

namespace pgshadow::metrics {

class LockImpactMetrics {
 public:
  // `shape_info` is pgshadow_query_shape_info: shapes with a lock label get their text there too.
  LockImpactMetrics(prometheus::Registry& registry, const prometheus::Labels& constant_labels, std::size_t max_shapes,
                    std::size_t max_normalized_chars, prometheus::Family<prometheus::Gauge>& shape_info);

  void sync(const judge::LockImpactBook& book);

 private:
  BoundedLabel shapes_;
  std::size_t max_normalized_chars_;
  BoundedLabel migration_locks_;
  prometheus::Family<prometheus::Gauge>& shape_info_;
  prometheus::Gauge& verdict_level_;
  prometheus::Family<prometheus::Counter>& behind_;
  prometheus::Family<prometheus::Counter>& behind_seconds_;
  prometheus::Family<prometheus::Gauge>& behind_max_seconds_;
  prometheus::Family<prometheus::Counter>& baseline_waits_;
  prometheus::Family<prometheus::Counter>& baseline_wait_seconds_;
  prometheus::Family<prometheus::Counter>& failed_;
  prometheus::Family<prometheus::Gauge>& migration_lock_seconds_;
};

// A shape's normalized text as pgshadow_query_shape_info carries it: cut at `max_chars`, "..." after.
std::string shape_info_text(const std::string& normalized, std::size_t max_chars);

// Adds to `counter` what it lacks to reach `total` (counters only go up).
void raise_counter_to(prometheus::Counter& counter, double total);

}  // namespace pgshadow::metrics
