#include "pgshadow/compare/ties.h"

namespace pgshadow::compare {
namespace {

bool same_runs(const TieRuns& a, const TieRuns& b) {
  return a.count == b.count && a.first == b.first && a.middle == b.middle && a.last == b.last;
}

// The same tie, whichever of its rows a cut kept.
bool same_tie(const TieRun& a, const TieRun& b) { return a.key == b.key && a.rows == b.rows; }

bool comparable(const ResultSignature& baseline, const ResultSignature& shadow) {
  return baseline.succeeded && shadow.succeeded && baseline.tie_runs && shadow.tie_runs &&
         baseline.tie_runs->keys_complete == shadow.tie_runs->keys_complete;
}

}  // namespace

bool same_but_for_tie_order(const ResultSignature& baseline, const ResultSignature& shadow) {
  return comparable(baseline, shadow) && baseline.tie_runs->keys_complete &&
         same_runs(*baseline.tie_runs, *shadow.tie_runs);
}

TieExplanation explain_by_ties(const ResultSignature& baseline, const ResultSignature& shadow, TieCuts cuts) {
  if (!comparable(baseline, shadow)) return TieExplanation::kNone;
  const TieRuns& a = *baseline.tie_runs;
  const TieRuns& b = *shadow.tie_runs;
  if (same_runs(a, b)) {
    return a.keys_complete || baseline.ordered_digest == shadow.ordered_digest ? TieExplanation::kNone
                                                                                : TieExplanation::kOrderUnderKeysNotShown;
  }
  // Which rows of a tie a cut keeps is unspecified only when the keys shown are all the keys:
  // else the keys not shown decide it.
  if (!a.keys_complete || a.count != b.count || a.count == 0 || a.middle != b.middle) return TieExplanation::kNone;
  if (a.count == 1) {
    return (cuts.first_run || cuts.last_run) && same_tie(a.first, b.first) ? TieExplanation::kMembersOfCutTie
                                                                         : TieExplanation::kNone;
  }
  const bool first_explained = a.first == b.first || (cuts.first_run && same_tie(a.first, b.first));
  const bool last_explained = a.last == b.last || (cuts.last_run && same_tie(a.last, b.last));
  return first_explained && last_explained ? TieExplanation::kMembersOfCutTie : TieExplanation::kNone;
}

}  // namespace pgshadow::compare
