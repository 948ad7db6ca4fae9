#pragma once
// Latency of one side of one query shape, in bounded memory: a log-scale histogram (8 buckets
// per power of two, so a quantile is within about 9% of the true value) from 1 µs to ~70 min.
#include <array>
#include <cstdint>

#include "pgshadow/compare/query_plan.h"

namespace pgshadow::judge {

class LatencyHistogram {
 public:
  void add(double milliseconds);
  std::uint64_t count() const { return count_; }
  // The q-quantile (0 < q <= 1) in milliseconds, 0 when empty.
  double quantile(double q) const;

 private:
  static constexpr int kSubBuckets = 8;
  static constexpr int kBuckets = 32 * kSubBuckets;
  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
};

// When a shape's shadow is flagged as slower: the planner's estimate for one captured execution
// (the same text and parameters on both sides) is at least `cost_ratio` times the baseline's and
// `min_extra_cost` more. Plans, not timings, decide: the same inputs give the same plans on every
// run, while a timing rule flips with one scheduler stall on a busy machine (a p95 over 30
// statements is the second-slowest of them). min_extra_cost keeps a small table's seq scan (a few
// hundred cost units: a millisecond) from counting; 1000 units is about 1000 pages read in order.
// The timings stay in every report beside the plans, as the evidence a reviewer reads.
struct PlanPolicy {
  double cost_ratio = 2.0;
  double min_extra_cost = 1000.0;
};

bool is_plan_regression(const compare::QueryPlan& baseline, const compare::QueryPlan& shadow,
                        const PlanPolicy& policy);

}  // namespace pgshadow::judge
