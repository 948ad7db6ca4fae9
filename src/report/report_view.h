#pragma once
// Private to the renderers: what they all read out of the JSON report, read one way.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pgshadow::report::view {

using nlohmann::json;

// The verdict the gate decided (after the allowlist and budgets), or the judge's when the
// report has no gate section.
std::string verdict(const json& report);
// What a reader is told first: the verdict, or "incomplete" for a safe verdict over statements
// that could not be replayed, and for any verdict but breaking of a run a signal stopped.
std::string headline(const json& report);
// "interrupted by SIGTERM during the replay: 12 statements compared, the rest of the capture
// not replayed", or "" for a run that went to its end.
std::string interruption(const json& report);
// "breaking", "review" or "none" for a shape, "allowed" when every class that made it
// breaking or review is allowed by the allowlist.
std::string shape_status(const json& shape);
// "error_shadow_only 3, rows_changed 1" (match left out when skip_match).
std::string class_list(const json& classes, bool skip_match);
// The classes of a shape that weigh in the verdict: "error_shadow_only" ...
std::vector<std::string> weighing_classes(const json& shape);
// "42703 undefined_column, ..." from shadow_errors (or baseline_errors when the shadow has none).
std::string sqlstates(const json& shape);
// The one-line explanation of the shape's finding.
std::string explanation(const json& shape);
// Statements of a shape that did not match.
std::uint64_t differing(const json& shape);
// "why it is allowed" per allowed class, "" when none.
std::string allowed_reasons(const json& shape);
// "run pr-7", "run pr-7, shard 2/4 (its sessions only)" (as --shard names it), "run pr-7, 4 shards merged"; ""
// for a report without a run (written before runs were named).
std::string run_line(const json& report);
// "order_events grown from 1000 to 3000000 rows by copies (--scale-table)", one per table
// servers.scaled_tables names; "" when none was scaled.
std::string scaled_tables_line(const json& report);
// "12 events = 10 compared + 2 skipped + 0 failed (+ ...)".
std::string accounting_line(const json& report);

// Row differences (shapes[].first_divergence.row_differences), one table line per cell:
// row_label: "#1", "#1 → #2" (positions on baseline and shadow), "#3 (baseline only)", "" for
// the row's later cells; row_value: "NULL", "‹5 bytes›" (masked), "'12.35'" (shown, quoted so ''
// and 'NULL' stay apart from NULL; long values cut), "–" when that side has no such column or row.
struct RowDifferenceLine {
  std::string row;
  std::string column;
  std::string baseline;
  std::string shadow;
};
std::vector<RowDifferenceLine> row_difference_lines(const json& differences);
// "values masked: --show-values shows them (local use only)" and/or "more may differ beyond
// the sampled rows"; "" when neither applies.
std::string row_differences_note(const json& differences);

std::string escape_xml(std::string_view text);  // & < > " ' ; also for HTML


}  // namespace pgshadow::report::view
