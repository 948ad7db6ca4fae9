#include "pgshadow/judge/latency.h"

#include <algorithm>
#include <cmath>

namespace pgshadow::judge {

// Bucket b covers [2^(b/8), 2^((b+1)/8)) microseconds.
void LatencyHistogram::add(double milliseconds) {
  const double microseconds = std::max(1.0, milliseconds * 1000.0);
  const int bucket = static_cast<int>(std::floor(std::log2(microseconds) * kSubBuckets));
  ++buckets_[static_cast<std::size_t>(std::clamp(bucket, 0, kBuckets - 1))];
  ++count_;
}

double LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (int bucket = 0; bucket < kBuckets; ++bucket) {
    seen += buckets_[static_cast<std::size_t>(bucket)];
    if (seen >= std::max<std::uint64_t>(rank, 1)) {
      // The bucket's geometric middle, in milliseconds.
      return std::exp2((bucket + 0.5) / kSubBuckets) / 1000.0;
    }
  }
  return std::exp2(static_cast<double>(kBuckets) / kSubBuckets) / 1000.0;
}

bool is_plan_regression(const compare::QueryPlan& baseline, const compare::QueryPlan& shadow,
                        const PlanPolicy& policy) {
  return shadow.total_cost >= baseline.total_cost * policy.cost_ratio &&
         shadow.total_cost - baseline.total_cost >= policy.min_extra_cost;
}

}  // namespace pgshadow::judge
