#include <algorithm>
#include <array>
#include <utility>

#include "pgshadow/core/sqlstate.h"
#include "pgshadow/judge/findings.h"

namespace pgshadow::judge {
namespace {

std::string describe_error(const OutcomeSummary& side) {
  std::string text = "SQLSTATE " + side.sqlstate;
  const std::string_view name = sqlstate_name(side.sqlstate);
  if (!name.empty()) text += " " + std::string(name);
  if (!side.message.empty()) text += ": " + side.message;
  return text;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::string column_names(const OutcomeSummary& side) {
  std::vector<std::string> names;
  for (const auto& column : side.columns) names.push_back(column.substr(0, column.find(' ')));
  return "(" + join(names) + ")";
}

// " in column price" / " in columns price, total": where the sampled rows differ.
std::string in_columns(const RowDifferences* differences) {
  if (differences == nullptr) return "";
  std::vector<std::string> names;
  for (const auto& row : differences->rows) {
    if (row.change != compare::RowChange::kChanged) continue;
    for (const auto& cell : row.cells) {
      if (std::find(names.begin(), names.end(), cell.column) == names.end()) names.push_back(cell.column);
    }
  }
  if (names.empty()) return "";
  return std::string(names.size() == 1 ? " in column " : " in columns ") + join(names);
}

// The shadow's columns the baseline's result does not have, by name.
std::vector<std::string> added_columns(const OutcomeSummary& baseline, const OutcomeSummary& shadow) {
  std::vector<std::string> added;
  for (const auto& column : shadow.columns) {
    if (std::find(baseline.columns.begin(), baseline.columns.end(), column) == baseline.columns.end()) {
      added.push_back(column.substr(0, column.find(' ')));
    }
  }
  return added;
}

// "2 WARNING and 1 NOTICE messages", "no messages".
std::string describe_messages(const OutcomeSummary& side) {
  std::vector<std::string> parts;
  if (side.warnings > 0) parts.push_back(std::to_string(side.warnings) + " WARNING");
  if (side.notices > 0) parts.push_back(std::to_string(side.notices) + " NOTICE");
  if (parts.empty()) return "no messages";
  const bool one = side.warnings + side.notices == 1;
  return (parts.size() == 2 ? parts[0] + " and " + parts[1] : parts[0]) + (one ? " message" : " messages");
}

std::string describe_command(const OutcomeSummary& side) {
  std::string text = side.command_tag_verb;
  if (side.affected_rows) text += " " + std::to_string(*side.affected_rows);
  return text;
}

}  // namespace

std::string type_name(std::uint32_t oid) {
  static constexpr std::array<std::pair<std::uint32_t, const char*>, 24> kTypes{{
      {16, "boolean"}, {17, "bytea"}, {18, "char"}, {19, "name"}, {20, "bigint"},
      {21, "smallint"}, {23, "integer"}, {25, "text"}, {26, "oid"}, {114, "json"},
      {700, "real"}, {701, "double precision"}, {1042, "character"},
      {1043, "character varying"}, {1082, "date"}, {1083, "time"},
      {1114, "timestamp"}, {1184, "timestamptz"}, {1186, "interval"},
      {1700, "numeric"}, {2950, "uuid"}, {3802, "jsonb"}, {1009, "text[]"}, {1007, "integer[]"},
  }};
  for (const auto& [known, name] : kTypes) {
    if (known == oid) return name;
  }
  return "oid " + std::to_string(oid);
}

std::string explain(DivergenceClass divergence, const OutcomeSummary& baseline,
                    const OutcomeSummary& shadow, const RowDifferences* row_differences) {
  switch (divergence) {
    case DivergenceClass::kErrorShadowOnly:
      return "fails on the shadow with " + describe_error(shadow) +
             "; succeeds on the baseline: the application's statement no longer works";
    case DivergenceClass::kErrorBaselineOnly:
      return "fails on the baseline with " + describe_error(baseline) +
             "; succeeds on the shadow: the migration changed what this statement does";
    case DivergenceClass::kErrorChanged:
      return "fails on both sides, differently: baseline " + describe_error(baseline) +
             "; shadow " + describe_error(shadow);
    case DivergenceClass::kColumnsChanged:
      return "result columns differ: baseline " + column_names(baseline) + ", shadow " +
             column_names(shadow);
    case DivergenceClass::kColumnsAdded: {
      const auto added = added_columns(baseline, shadow);
      return std::string(added.size() == 1 ? "column " : "columns ") + join(added) +
             " added to the result, the baseline's columns and rows unchanged: clients that map columns by name "
             "are unaffected; strict scanners such as sqlx fail";
    }
    case DivergenceClass::kTypesChanged:
      return "same values, different column types: baseline (" + join(baseline.columns) +
             "), shadow (" + join(shadow.columns) + ")";
    case DivergenceClass::kRowsChanged:
      if (baseline.row_count != shadow.row_count) {
        const std::string columns = in_columns(row_differences);
        return "baseline returned " + std::to_string(baseline.row_count) + " rows, shadow " +
               std::to_string(shadow.row_count) + (columns.empty() ? "" : "; values differ" + columns);
      }
      return "same number of rows (" + std::to_string(baseline.row_count) +
             "), different values" + in_columns(row_differences);
    case DivergenceClass::kOrderChanged:
      return "same rows in a different order, under a top-level ORDER BY";
    case DivergenceClass::kCommandChanged:
      return "command result differs: baseline " + describe_command(baseline) + ", shadow " +
             describe_command(shadow);
    case DivergenceClass::kNondeterministic:
      return "the statement cannot give repeatable results";
    case DivergenceClass::kConsequence:
      return "baseline " + (baseline.succeeded ? describe_command(baseline) : describe_error(baseline)) +
             ", shadow " + (shadow.succeeded ? describe_command(shadow) : describe_error(shadow));
    case DivergenceClass::kTimedOut:
      return "timed out on both sides (" + describe_error(baseline) +
             "): the result was never compared; a longer --statement-timeout or --lock-timeout compares it";
    case DivergenceClass::kMessagesChanged:
      return "same result; the server raised " + describe_messages(baseline) + " on the baseline, " +
             describe_messages(shadow) + " on the shadow (texts withheld: they can quote data)";
    case DivergenceClass::kMatch:
    case DivergenceClass::kMigrationFailed:
      break;
  }
  return std::string(to_string(divergence));
}

}  // namespace pgshadow::judge
