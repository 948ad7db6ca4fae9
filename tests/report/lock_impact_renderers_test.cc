// The lock impact section (--migrate-during) in every rendering, from the JSON report's
// `lock_impact` and `timeline.migration` (what json_report writes; docs/report.schema.json).
#include <catch2/catch.hpp>

#include "pgshadow/report/renderers.h"
#include "pgshadow/report/timeline.h"

namespace pgshadow::report {
namespace {

using nlohmann::json;

// A review run: the index build held ShareLock on order_events for 1.9 s, one UPDATE waited
// 1.7 s behind it on the shadow (none on the baseline).
json report_with_lock_impact(const std::string& verdict = "review") {
  json report = {{"verdict", verdict},
                 {"inputs", {{"scenario", "locks"}, {"migrations", json::array({{{"path", "migrations/001_index.sql"}}})}}},
                 {"shapes", json::array()},
                 {"classes", {{"match", 12}}},
                 {"accounting", {{"balanced", true}, {"captured", 12}, {"compared", 12}}}};
  report["lock_impact"] = {
      {"at_capture_s", 4.0}, {"after_traffic", false}, {"max_blocked_ms", 250.0}, {"verdict", verdict},
      {"error", nullptr}, {"failed_by_migration", verdict == "breaking" ? 1 : 0},
      {"shadow_behind_migration", {{"count", 1}, {"total_ms", 1700.0}, {"max_ms", 1700.0}}},
      {"statements", json::array({{{"location", "migrations/001_index.sql:1"},
                                   {"statement", "CREATE INDEX i ON order_events (user_id)"},
                                   {"duration_ms", 1900.0}, {"succeeded", true}, {"sqlstate", nullptr},
                                   {"locks", json::array({{{"relation", "order_events"}, {"mode", "ShareLock"},
                                                           {"granted", true}, {"waited_ms", 0.0}, {"held_ms", 1900.0}}})}}})},
      {"shapes", json::array({{{"fingerprint", "aaaa"}, {"normalized", "UPDATE order_events SET note = $1 WHERE id = $2"},
                               {"shadow_behind_migration", {{"count", 1}, {"total_ms", 1700.0}, {"max_ms", 1700.0}}},
                               {"baseline_waits", {{"count", 0}, {"total_ms", 0.0}, {"max_ms", 0.0}}},
                               {"failed_by_migration", verdict == "breaking" ? json{{"55P03", 1}} : json::object()}}})}};
  return report;
}

}  // namespace

TEST_CASE("the Markdown report has the lock impact: the migration's locks, then who waited", "[renderers][locks]") {
  const std::string md = render_markdown(report_with_lock_impact());
  INFO(md);
  CHECK_THAT(md, Catch::Contains("### Lock impact: review\n\nThe migration was applied on the shadow 4.0 s into the capture, "
                                 "while the traffic replayed; 1 statement waited behind it on the shadow, the longest 1.7 s "
                                 "(--max-blocked 250 ms); none failed because of it."));
  CHECK_THAT(md, Catch::Contains("| migrations/001_index.sql:1 | `CREATE INDEX i ON order_events (user_id)` | 1.9 s | "
                                 "ShareLock on order_events | 0 ms | 1.9 s |"));
  CHECK_THAT(md, Catch::Contains("| `UPDATE order_events SET note = $1 WHERE id = $2` | 1 (longest 1.7 s) | none | – |"));
}

TEST_CASE("a report without --migrate-during has no lock impact section anywhere", "[renderers][locks]") {
  json report = report_with_lock_impact();
  report["lock_impact"] = nullptr;
  CHECK_THAT(render_markdown(report), !Catch::Contains("Lock impact"));
  CHECK_THAT(render_html(report), !Catch::Contains("Lock impact"));
  CHECK_THAT(render_junit(report), !Catch::Contains("lock impact"));
  CHECK_THAT(render_github_annotations(report, 10), !Catch::Contains("lock impact"));
}

TEST_CASE("the HTML report has the lock tables and marks the migration on the timeline", "[renderers][locks]") {
  json report = report_with_lock_impact();
  report["timeline"] = {{"bucket_width", 1},
                        {"buckets", json::array({{{"first_sequence", 0}, {"last_sequence", 0}, {"classes", {{"match", 4}}}},
                                                 {{"first_sequence", 1}, {"last_sequence", 1}, {"classes", {{"match", 4}}}},
                                                 {{"first_sequence", 2}, {"last_sequence", 2}, {"classes", {{"match", 4}}}}})},
                        {"migration", {{"statements_during", 4}, {"first_sequence", 1}, {"last_sequence", 1}}}};
  const std::string html = render_html(report);
  CHECK_THAT(html, Catch::Contains("<span id=\"lock-impact-verdict\" class=\"verdict v-review\">review</span>"));
  CHECK_THAT(html, Catch::Contains("<td>ShareLock on order_events</td><td>0 ms</td><td>1.9 s</td>"));
  CHECK_THAT(html, Catch::Contains("<code>UPDATE order_events SET note = $1 WHERE id = $2</code></td><td>1 (longest 1.7 s)</td>"));
  // The band covers the middle bar only: the chart's bars start at x=40, each 760/3 wide.
  CHECK_THAT(html, Catch::Contains("<rect id=\"migration-window\" x=\"293.333\""));
  CHECK_THAT(html, Catch::Contains("migration running: 4 statements sent meanwhile (events 1–1)"));

  report["timeline"]["migration"] = {{"statements_during", 0}, {"first_sequence", 2}, {"last_sequence", 2}};
  CHECK_THAT(render_html(report), Catch::Contains("<line id=\"migration-window\" x1=\"546.667\""));
}

TEST_CASE("JUnit and CI annotations carry the lock impact: skipped for review, failure for breaking", "[renderers][locks]") {
  const std::string review = render_junit(report_with_lock_impact());
  CHECK_THAT(review, Catch::Contains("<testcase name=\"lock impact of the migration\" classname=\"pgshadow.migration.locks\""));
  CHECK_THAT(review, Catch::Contains("<skipped message=\"review: applied on the shadow 4.0 s into the capture"));
  const std::string breaking = render_junit(report_with_lock_impact("breaking"));
  CHECK_THAT(breaking, Catch::Contains("<failure message=\"applied on the shadow"));
  CHECK_THAT(breaking, Catch::Contains("failed because of it: 55P03 1"));
  // The annotation sits on the migration statement that held its lock longest.
  CHECK_THAT(render_github_annotations(report_with_lock_impact(), 10),
             Catch::StartsWith("::warning file=migrations/001_index.sql,line=1,title=pgshadow%3A lock impact review::"));
  CHECK_THAT(render_github_annotations(report_with_lock_impact("breaking"), 10), Catch::StartsWith("::error "));
}

TEST_CASE("the timeline bounds the statements sent while the migration ran", "[timeline][locks]") {
  Timeline timeline;
  timeline.note_phase(0, replay::MigrationPhase::kBefore);
  timeline.note_phase(3, replay::MigrationPhase::kDuring);
  timeline.note_phase(5, replay::MigrationPhase::kDuring);
  timeline.note_phase(6, replay::MigrationPhase::kAfter);
  const json during = timeline.to_json()["migration"];
  CHECK(during == json{{"statements_during", 2}, {"first_sequence", 3}, {"last_sequence", 5}});

  Timeline quick;  // nothing was sent while it ran: where it ran is before the first after it
  quick.note_phase(0, replay::MigrationPhase::kBefore);
  quick.note_phase(4, replay::MigrationPhase::kAfter);
  quick.note_phase(2, replay::MigrationPhase::kAfter);
  CHECK(quick.to_json()["migration"] == json{{"statements_during", 0}, {"first_sequence", 2}, {"last_sequence", 2}});

  Timeline none;
  none.note_phase(1, replay::MigrationPhase::kNone);
  CHECK_FALSE(none.to_json().contains("migration"));
}

}  // namespace pgshadow::report
