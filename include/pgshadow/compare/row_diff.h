#pragma once
// Which rows of two results differ, and in which cells: computed from the row samples the
// SignatureBuilder keeps, so a reviewer sees *what* changed (a price rounded, a NULL become '')
// and not only that the digests differ. Values are returned as text; the judge decides whether
// a report may show them. Pure functions, thread-safe.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgshadow/compare/result_signature.h"

namespace pgshadow::compare {

// A value as the server sent it in text format; nullopt is SQL NULL (so NULL, '' and 'NULL'
// stay three different things).
using Value = std::optional<std::string>;

enum class RowChange {
  kChanged,       // a row on each side, paired, with some cells different
  kBaselineOnly,  // a baseline row with no partner on the shadow
  kShadowOnly,    // a shadow row with no partner on the baseline
};

std::string_view to_string(RowChange change);  // "changed", "baseline_only", "shadow_only"

struct CellDifference {
  std::string column;  // the baseline's name, or "baseline/shadow" when aligned by position
  // nullopt: that side has no such column (the migration added or dropped it), or the row
  // exists on one side only.
  std::optional<Value> baseline;
  std::optional<Value> shadow;
};

struct RowDifference {
  RowChange change = RowChange::kChanged;
  std::optional<std::uint64_t> baseline_row;  // 1-based position in the baseline's result
  std::optional<std::uint64_t> shadow_row;    // 1-based position in the shadow's result
  // kChanged: only the cells that differ. One-sided rows: every cell of the row, on its side.
  std::vector<CellDifference> cells;
};

struct RowDiff {
  std::vector<RowDifference> rows;  // at most max_rows: changed and one-sided rows, by position
  // The samples do not show every difference: a side's sample is not complete and either no
  // difference was found in the samples, the row counts differ, or rows of the samples could
  // not be judged (their partner may lie past the other side's sample).
  bool beyond_sample = false;
};

// Compares the sampled rows of two successful results.
// Columns are aligned by name when the names are unique on both sides (columns of one side
// only then show as absent on the other), else by position.
// ordered (a top-level ORDER BY): row i is compared with row i.
// Unordered: rows present on both sides are dropped as a multiset; the leftovers are paired by
// the value of the first column present on both sides when those values are unique on each
// side and every leftover row of the side with fewer leftovers finds its partner that way (a
// key such as id); else in order. A leftover row whose partner may lie past the other side's
// incomplete sample is left out, and beyond_sample says so.
RowDiff diff_rows(const ResultSignature& baseline, const ResultSignature& shadow, bool ordered,
                  std::size_t max_rows);

}  // namespace pgshadow::compare
