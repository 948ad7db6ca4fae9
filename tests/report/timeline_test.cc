#include <catch2/catch.hpp>

#include "pgshadow/report/progress_line.h"
#include "pgshadow/report/timeline.h"

namespace pgshadow::report {

TEST_CASE("the timeline counts classes per stretch of the capture", "[timeline]") {
  Timeline timeline;
  timeline.add(0, DivergenceClass::kMatch);
  timeline.add(0, DivergenceClass::kMatch);
  timeline.add(5, DivergenceClass::kErrorShadowOnly);
  const nlohmann::json json = timeline.to_json();
  CHECK(json["bucket_width"] == 1);
  REQUIRE(json["buckets"].size() == 2);
  CHECK(json["buckets"][0]["classes"]["match"] == 2);
  CHECK(json["buckets"][1]["first_sequence"] == 5);
  CHECK(json["buckets"][1]["classes"]["error_shadow_only"] == 1);
}

TEST_CASE("the timeline stays within its bucket bound and loses no statement", "[timeline]") {
  Timeline timeline;
  for (std::uint64_t sequence = 0; sequence < 100000; ++sequence) {
    timeline.add(sequence, sequence % 10 == 0 ? DivergenceClass::kRowsChanged : DivergenceClass::kMatch);
  }
  const nlohmann::json json = timeline.to_json();
  CHECK(json["buckets"].size() <= Timeline::kMaxBuckets);
  CHECK(json["buckets"].size() > Timeline::kMaxBuckets / 2);
  std::uint64_t total = 0;
  std::uint64_t rows_changed = 0;
  for (const auto& bucket : json["buckets"]) {
    for (const auto& [name, n] : bucket["classes"].items()) total += n.get<std::uint64_t>();
    rows_changed += bucket["classes"].value("rows_changed", std::uint64_t{0});
  }
  CHECK(total == 100000);
  CHECK(rows_changed == 10000);
  CHECK(json["buckets"].back()["last_sequence"].get<std::uint64_t>() >= 99999);
}

TEST_CASE("the progress line shows events, rate, ETA and the verdict so far", "[progress]") {
  replay::ReplayProgress progress;
  progress.events = 12340;
  progress.compared = 12000;
  progress.wall_seconds = 10;
  progress.input_fraction = 0.25;
  CHECK(format_progress(progress, Verdict::kBreaking) ==
        "12,340 events (1,234/s), 25% read, ETA 30s, 12,000 compared, verdict so far: breaking");
  progress.input_fraction = -1;
  progress.failed = 2;
  CHECK(format_progress(progress, Verdict::kSafe) ==
        "12,340 events (1,234/s), 12,000 compared, 2 failed, verdict so far: safe");
  progress.final = true;
  CHECK(format_progress(progress, Verdict::kSafe) ==
        "12,340 events (1,234/s), done in 10s, 12,000 compared, 2 failed, verdict so far: safe");
  CHECK(format_duration(65) == "1m05s");
  CHECK(format_duration(7380) == "2h03m");
}

}  // namespace pgshadow::report
