#include <catch2/catch.hpp>

#include "pgshadow/judge/latency.h"

namespace pgshadow::judge {

TEST_CASE("latency quantiles are within a bucket of the true value", "[latency]") {
  LatencyHistogram histogram;
  for (int i = 1; i <= 100; ++i) histogram.add(i);  // 1 .. 100 ms
  CHECK(histogram.count() == 100);
  CHECK(histogram.quantile(0.5) == Approx(50).epsilon(0.1));
  CHECK(histogram.quantile(0.95) == Approx(95).epsilon(0.1));
  CHECK(histogram.quantile(0.99) == Approx(99).epsilon(0.1));
  CHECK(LatencyHistogram().quantile(0.5) == 0);
}

namespace {

compare::QueryPlan plan_costing(double cost) {
  compare::QueryPlan plan;
  plan.total_cost = cost;
  return plan;
}

}  // namespace

TEST_CASE("a plan much costlier on the shadow is a regression: a small table's seq scan is not",
          "[latency]") {
  const PlanPolicy policy;
  // scenarios/drop-index-needed-review: index scan 75.7, parallel seq scan of 200,000 rows 3996.
  CHECK(is_plan_regression(plan_costing(75.7), plan_costing(3996.1), policy));
  CHECK_FALSE(is_plan_regression(plan_costing(75.7), plan_costing(75.7), policy));
  CHECK_FALSE(is_plan_regression(plan_costing(3996.1), plan_costing(75.7), policy));  // faster
  // 15x the cost, but 117 units: a seq scan of a hundred pages, a millisecond.
  CHECK_FALSE(is_plan_regression(plan_costing(8.3), plan_costing(125.5), policy));
  // 1.5x on a big table: a wider row after a rewrite, not a lost index.
  CHECK_FALSE(is_plan_regression(plan_costing(40000), plan_costing(60000), policy));
}

}  // namespace pgshadow::judge
