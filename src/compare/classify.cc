#include "pgshadow/compare/classify.h"

#include <algorithm>

#include "pgshadow/compare/ties.h"

namespace pgshadow::compare {
namespace {

bool same_column_names(const ResultSignature& a, const ResultSignature& b) {
  return std::equal(a.columns.begin(), a.columns.end(), b.columns.begin(), b.columns.end(),
                    [](const ColumnHeader& x, const ColumnHeader& y) { return x.name == y.name; });
}

// statement_timeout (57014 query_canceled) and lock_timeout (55P03 lock_not_available).
bool is_timeout(const std::string& sqlstate) { return sqlstate == "57014" || sqlstate == "55P03"; }

// What a client's notice handler sees (logged, shown to a user, or turned into an exception by
// some drivers' strict modes) is part of the statement's behaviour.
DivergenceClass unless_messages_differ(const ResultSignature& baseline, const ResultSignature& shadow) {
  const bool same = baseline.notices == shadow.notices && baseline.warnings == shadow.warnings;
  return same ? DivergenceClass::kMatch : DivergenceClass::kMessagesChanged;
}

DivergenceClass classify_errors(const ResultSignature& baseline, const ResultSignature& shadow) {
  if (baseline.succeeded) return DivergenceClass::kErrorShadowOnly;
  if (shadow.succeeded) return DivergenceClass::kErrorBaselineOnly;
  if (baseline.sqlstate != shadow.sqlstate) return DivergenceClass::kErrorChanged;
  // Both gave up the same way: nothing of the result was compared.
  return is_timeout(baseline.sqlstate) ? DivergenceClass::kTimedOut : unless_messages_differ(baseline, shadow);
}

bool is_prefix(const std::vector<ColumnHeader>& prefix, const std::vector<ColumnHeader>& columns) {
  return prefix.size() <= columns.size() && std::equal(prefix.begin(), prefix.end(), columns.begin());
}

// The shadow appends columns to the baseline's result: compare the rows on the baseline's
// columns, through the shadow's prefix digests.
std::optional<DivergenceClass> classify_appended(const ResultSignature& baseline, const ResultSignature& shadow,
                                                 const ComparisonContext& context) {
  const std::size_t kept = baseline.columns.size();
  if (kept == 0 || kept >= shadow.columns.size() || !is_prefix(baseline.columns, shadow.columns)) return std::nullopt;
  if (shadow.column_prefixes.size() < kept && shadow.row_count > 0) return std::nullopt;  // not tracked
  const ResultSignature::Prefix on_kept =
      shadow.row_count == 0 ? ResultSignature::Prefix{} : shadow.column_prefixes[kept - 1];
  if (baseline.row_count != shadow.row_count || baseline.multiset_digest != on_kept.multiset_digest) {
    return DivergenceClass::kRowsChanged;
  }
  if (context.ordered && baseline.ordered_digest != on_kept.ordered_digest) return DivergenceClass::kOrderChanged;
  if (baseline.affected_rows != shadow.affected_rows) return DivergenceClass::kCommandChanged;
  return DivergenceClass::kColumnsAdded;
}

}  // namespace

std::optional<std::vector<std::size_t>> added_columns_projection(const ResultSignature& baseline,
                                                                  const ResultSignature& shadow) {
  if (!baseline.succeeded || !shadow.succeeded || baseline.columns.empty() ||
      baseline.columns.size() >= shadow.columns.size()) {
    return std::nullopt;
  }
  std::vector<std::size_t> positions;
  std::size_t next = 0;
  for (const ColumnHeader& column : baseline.columns) {
    while (next < shadow.columns.size() && !(shadow.columns[next] == column)) ++next;
    if (next == shadow.columns.size()) return std::nullopt;
    positions.push_back(next++);
  }
  return positions;
}

DivergenceClass classify(const ResultSignature& baseline, const ResultSignature& shadow,
                         const ComparisonContext& context) {
  if (!baseline.succeeded || !shadow.succeeded) return classify_errors(baseline, shadow);
  if (baseline.command_verb != shadow.command_verb) return DivergenceClass::kCommandChanged;
  if (!same_column_names(baseline, shadow)) {
    return classify_appended(baseline, shadow, context).value_or(DivergenceClass::kColumnsChanged);
  }
  // The multiset decides whether the rows differ, in any context; the order only matters
  // once the rows are the same and the statement asked for an order.
  if (baseline.row_count != shadow.row_count ||
      baseline.multiset_digest != shadow.multiset_digest) {
    return DivergenceClass::kRowsChanged;
  }
  // Tied rows in another order are no change: SQL leaves their order unspecified.
  if (context.ordered && baseline.ordered_digest != shadow.ordered_digest &&
      !same_but_for_tie_order(baseline, shadow)) {
    return DivergenceClass::kOrderChanged;
  }
  if (baseline.columns != shadow.columns) return DivergenceClass::kTypesChanged;
  if (baseline.affected_rows != shadow.affected_rows) return DivergenceClass::kCommandChanged;
  return unless_messages_differ(baseline, shadow);
}

}  // namespace pgshadow::compare
