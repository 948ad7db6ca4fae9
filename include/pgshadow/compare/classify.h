#pragma once
// Turns two result signatures into a DivergenceClass (design.md, "Compare").
#include <cstddef>
#include <optional>
#include <vector>

#include "pgshadow/compare/result_signature.h"
#include "pgshadow/core/divergence_class.h"

namespace pgshadow::compare {

struct ComparisonContext {
  // The statement has a top-level ORDER BY: row order is part of the result. Without it, only
  // the multiset digest counts.
  bool ordered = false;
};

// Precedence, first that applies: error outcomes (error_shadow_only, error_baseline_only,
// error_changed, timed_out when both sides hit statement_timeout or lock_timeout alike, or match
// for the same SQLSTATE); command_changed (verb differs);
// columns_changed (names or count differ, unless the shadow only appends columns to the
// baseline's, see below); rows_changed (row count or rows differ as text); order_changed (same
// multiset, different order, ordered only, unless the rows only tie on every sort key: see
// same_but_for_tie_order); types_changed (same names and text, different type
// OIDs); command_changed (affected-row count differs); columns_added; messages_changed (the
// same result, or the same error, with a different count of NOTICE or WARNING messages); match.
//
// Appended columns: when the baseline's columns (names and types) are the shadow's first
// columns and the shadow kept column_prefixes, the rows compare on the baseline's columns
// (the shadow's prefix digests), and a result that agrees there is columns_added.
DivergenceClass classify(const ResultSignature& baseline, const ResultSignature& shadow,
                         const ComparisonContext& context);

// Where each baseline column (by name and type, in order) sits among the shadow's columns, when
// the shadow's result is the baseline's with columns added anywhere (not only appended);
// nullopt when a baseline column is missing, renamed, retyped or moved past another, or when
// the shadow has no extra column. The replay re-reads the shadow's rows on these positions.
std::optional<std::vector<std::size_t>> added_columns_projection(const ResultSignature& baseline,
                                                                  const ResultSignature& shadow);

}  // namespace pgshadow::compare
