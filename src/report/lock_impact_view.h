#pragma once
// Private to the renderers: the report's `lock_impact` section (--migrate-during), read one way
// for the Markdown, HTML and JUnit reports.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgshadow::report::view {

// "review", "breaking" or "safe"; "" when the report has no lock impact (no --migrate-during).
std::string lock_impact_verdict(const nlohmann::json& report);

// "applied on the shadow 4.0 s into the capture, while the traffic replayed; 1 statement waited
// behind it on the shadow, the longest 2.9 s (--max-blocked 250 ms); none failed because of it".
std::string lock_impact_summary(const nlohmann::json& lock_impact);

// One line per lock a migration statement took (a statement without a lock seen: one line with
// an empty lock).
struct MigrationLockLine {
  std::string location;   // "migrations/001.sql:3"
  std::string statement;  // normalized text
  std::string took;       // "1.9 s", "failed 55P03 after 2.0 s"
  std::string lock;       // "ShareLock on order_events"
  std::string waited;     // "0 ms", "2.0 s behind SELECT ... (never granted)"
  std::string held;
};
std::vector<MigrationLockLine> migration_lock_lines(const nlohmann::json& lock_impact);

// One line per query shape that waited or failed during the migration, longest wait first.
struct ShapeWaitLine {
  std::string normalized;
  std::string shadow_behind;  // "3 (longest 2.9 s, 4.1 s in all)", "–"
  std::string baseline;       // the control over the same stretch: "none", "1 (longest 12 ms)"
  std::string failed;         // "55P03 2", "–"
  std::string latency;        // p95 during the migration: "12 ms → 1.9 s (14 statements)", "–"
};
std::vector<ShapeWaitLine> shape_wait_lines(const nlohmann::json& lock_impact);

}  // namespace pgshadow::report::view
