#include "pgshadow/compare/classify.h"

#include <algorithm>

namespace pgshadow::compare {
namespace {

bool same_column_names(const ResultSignature& a, const ResultSignature& b) {
  return std::equal(a.columns.begin(), a.columns.end(), b.columns.begin(), b.columns.end(),
                    [](const ColumnHeader& x, const ColumnHeader& y) { return x.name == y.name; });
}

// statement_timeout (57014 query_canceled) and lock_timeout (55P03 lock_not_available).
bool is_timeout(const std::string& sqlstate) { return sqlstate == "57014" || sqlstate == "55P03"; }

DivergenceClass classify_errors(const ResultSignature& baseline, const ResultSignature& shadow) {
  if (baseline.succeeded) return DivergenceClass::kErrorShadowOnly;
  if (shadow.succeeded) return DivergenceClass::kErrorBaselineOnly;
  if (baseline.sqlstate != shadow.sqlstate) return DivergenceClass::kErrorChanged;
  // Both gave up the same way: nothing of the result was compared.
  return is_timeout(baseline.sqlstate) ? DivergenceClass::kTimedOut : DivergenceClass::kMatch;
}

}  // namespace

DivergenceClass classify(const ResultSignature& baseline, const ResultSignature& shadow,
                         const ComparisonContext& context) {
  if (!baseline.succeeded || !shadow.succeeded) return classify_errors(baseline, shadow);
  if (baseline.command_verb != shadow.command_verb) return DivergenceClass::kCommandChanged;
  if (!same_column_names(baseline, shadow)) return DivergenceClass::kColumnsChanged;
  // The multiset decides whether the rows differ, in any context; the order only matters
  // once the rows are the same and the statement asked for an order.
  if (baseline.row_count != shadow.row_count ||
      baseline.multiset_digest != shadow.multiset_digest) {
    return DivergenceClass::kRowsChanged;
  }
  if (context.ordered && baseline.ordered_digest != shadow.ordered_digest) {
    return DivergenceClass::kOrderChanged;
  }
  if (baseline.columns != shadow.columns) return DivergenceClass::kTypesChanged;
  if (baseline.affected_rows != shadow.affected_rows) return DivergenceClass::kCommandChanged;
  return DivergenceClass::kMatch;
}

}  // namespace pgshadow::compare
