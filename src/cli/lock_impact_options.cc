#include "lock_impact_options.h"

#include "pgshadow/replay/replay.h"
#include "replay_options.h"

namespace pgshadow::cli {

void add_lock_impact_options(CLI::App& verify, LockImpactOptions& options) {
  verify
      .add_option_function<std::vector<std::string>>(
          "--migrate-during",
          [&options](const std::vector<std::string>& values) {
            options.migrate_during = true;
            if (!values.empty() && !values.front().empty()) options.at = values.front();
          },
          "Apply the migration to the shadow while the traffic replays, at AT: a time into the capture "
          "(30s, 2min), a share of its span (50%), or busiest (the default): before the 5 s of the "
          "capture in which the most statements start. The shadow starts as the baseline; the report gains lock_impact: "
          "the migration's locks from pg_locks and the statements that waited or failed behind them. "
          "Best with --order timed (production's pacing), so that the traffic meets the migration")
      ->expected(0, 1)
      ->type_name("AT")
      ->check(CLI::Validator(
          [](const std::string& value) -> std::string {
            if (value.empty()) return {};
            auto point = replay::parse_capture_point(value);
            if (point) return {};
            // CLI11 names the option itself.
            const std::string& message = point.error().message;
            const std::string prefix = "--migrate-during: ";
            return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
          },
          ""));
  verify.add_option("--max-blocked", options.max_blocked,
                    "With --migrate-during: the longest wait behind the migration's locks a replayed "
                    "statement may suffer before the verdict is review (statements that fail because of "
                    "them are breaking)")
      ->check(postgres_duration())
      ->capture_default_str();
  verify
      .add_option_function<std::vector<std::string>>(
          "--scale-table",
          [&options](const std::vector<std::string>& values) {
            for (const std::string& value : values) options.scale_tables.push_back(*pg::parse_table_scale(value));
          },
          "Grow a baseline table to ROWS rows (k, M, G suffixes: users=50M) before the replay, on both "
          "sides alike, so that the migration's locks are measured at production size. The new rows are "
          "copies of the table's own rows, each unique key moved out of the original range (integer keys "
          "below it, text keys suffixed); triggers do not fire. Repeatable")
      ->type_name("TABLE=ROWS")
      ->check(CLI::Validator(
          [](const std::string& value) -> std::string {
            auto scale = pg::parse_table_scale(value);
            return scale ? std::string() : scale.error().message;
          },
          ""));
}

}  // namespace pgshadow::cli
