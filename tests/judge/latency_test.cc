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

TEST_CASE("a shadow much slower at p95 is a regression, given enough statements", "[latency]") {
  LatencyHistogram baseline;
  LatencyHistogram slower;
  LatencyHistogram alike;
  for (int i = 0; i < 50; ++i) {
    baseline.add(2.0);
    slower.add(20.0);
    alike.add(2.3);
  }
  const LatencyPolicy policy;
  CHECK(is_latency_regression(baseline, slower, policy));
  CHECK_FALSE(is_latency_regression(baseline, alike, policy));
  LatencyHistogram few_baseline;
  LatencyHistogram few_slower;
  for (int i = 0; i < 5; ++i) {
    few_baseline.add(2.0);
    few_slower.add(20.0);
  }
  CHECK_FALSE(is_latency_regression(few_baseline, few_slower, policy));
  // Sub-millisecond statements need more than a ratio to count: 0.01 ms -> 0.05 ms is noise.
  LatencyHistogram tiny;
  LatencyHistogram tiny_slower;
  for (int i = 0; i < 50; ++i) {
    tiny.add(0.01);
    tiny_slower.add(0.05);
  }
  CHECK_FALSE(is_latency_regression(tiny, tiny_slower, policy));
  // Nor is a millisecond more: a trigger's cost, or a busy replay machine, not a lost index.
  LatencyHistogram one_ms;
  LatencyHistogram three_ms;
  for (int i = 0; i < 50; ++i) {
    one_ms.add(1.0);
    three_ms.add(3.0);
  }
  CHECK_FALSE(is_latency_regression(one_ms, three_ms, policy));
}

TEST_CASE("stalls on a few shadow statements move the tail only and are no regression",
          "[latency]") {
  // What a loaded 2-core CI machine does to 30 BEGINs: most take 0.05 ms, a few wait for the
  // scheduler for milliseconds.
  LatencyHistogram baseline;
  LatencyHistogram shadow;
  for (int i = 0; i < 30; ++i) {
    baseline.add(i == 0 ? 2.3 : 0.05);
    shadow.add(i < 3 ? 6.0 : 0.05);
  }
  const LatencyPolicy policy;
  CHECK(shadow.quantile(0.95) >= 2 * baseline.quantile(0.95));
  CHECK_FALSE(is_latency_regression(baseline, shadow, policy));
  // A median that moved too, by more than the noise floor, is a regression.
  LatencyHistogram slow_everywhere;
  for (int i = 0; i < 30; ++i) slow_everywhere.add(i < 3 ? 16.0 : 8.0);
  CHECK(is_latency_regression(baseline, slow_everywhere, policy));
}

}  // namespace pgshadow::judge
