#pragma once
// Latency of one side of one query shape, in bounded memory: a log-scale histogram (8 buckets
// per power of two, so a quantile is within about 9% of the true value) from 1 µs to ~70 min.
#include <array>
#include <cstdint>

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

// When a shape's shadow is flagged as slower: its p95 at least `ratio` times the baseline's and
// `min_extra_ms` more, over at least `min_count` statements on each side, and its median moved by
// the same ratio and margin. The median condition is what keeps a busy replay machine from crying
// wolf: a stall of the client or the scheduler lands on a few statements of either side and moves
// the tail, while a lost index or a worse plan slows every execution and moves the median too.
struct LatencyPolicy {
  double ratio = 2.0;
  double min_extra_ms = 5.0;
  std::uint64_t min_count = 20;
};

bool is_latency_regression(const LatencyHistogram& baseline, const LatencyHistogram& shadow,
                           const LatencyPolicy& policy);

}  // namespace pgshadow::judge
