#pragma once
// Turns two result signatures into a DivergenceClass (design.md, "Compare").
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
// columns_changed (names or count differ); rows_changed (row count or rows differ as text);
// order_changed (same multiset, different order, ordered only); types_changed (same names
// and text, different type OIDs); command_changed (affected-row count differs); match.
DivergenceClass classify(const ResultSignature& baseline, const ResultSignature& shadow,
                         const ComparisonContext& context);

}  // namespace pgshadow::compare
