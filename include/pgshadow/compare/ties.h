#pragma once
// Rows that tie under ORDER BY (design.md, "Compare"): SQL leaves the order among rows with
// equal sort keys unspecified, and which tied rows a LIMIT or OFFSET that cuts through them
// keeps. These functions tell such differences from real ones, on the results' TieRuns
// (SignatureBuilder::set_sort_keys). Pure functions, thread-safe.
#include "pgshadow/compare/result_signature.h"

namespace pgshadow::compare {

// Both results hold every sort key and have the same runs of ties: the same keys in the same
// order, the same rows within each run. Rows in another order are then only tied rows permuted.
bool same_but_for_tie_order(const ResultSignature& baseline, const ResultSignature& shadow);

// Where the statement may have cut a run of tied rows, as the replay knows from the statement
// and its result: an OFFSET that skipped rows (the first run), a LIMIT that both results reached
// (the last run).
struct TieCuts {
  bool first_run = false;
  bool last_run = false;
};

enum class TieExplanation {
  kNone,  // not explained by ties: a real difference (or none at all)
  // The result holds only some of the sort keys, and the runs on those are the same: the rows
  // are in another order within runs that the keys not shown may order either way.
  kOrderUnderKeysNotShown,
  // Every run is the same but a cut one, which has the same keys and as many rows, other
  // members: the cut kept other rows of a tie.
  kMembersOfCutTie,
};

TieExplanation explain_by_ties(const ResultSignature& baseline, const ResultSignature& shadow, TieCuts cuts);

}  // namespace pgshadow::compare
