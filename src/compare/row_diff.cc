#include "pgshadow/compare/row_diff.h"

#include <algorithm>
#include <map>
#include <set>

namespace pgshadow::compare {
namespace {

// One column of the comparison and where it sits on each side (nullopt: not on that side).
struct AlignedColumn {
  std::string name;
  std::optional<std::size_t> baseline;
  std::optional<std::size_t> shadow;
};

// A row as the comparison sees it: one cell per aligned column, nullopt where its side lacks
// the column. Two rows are the same row when their cells are equal.
using Projection = std::vector<std::optional<Value>>;

enum class Side { kBaseline, kShadow };

std::size_t width(const ResultSignature& side) {
  if (!side.columns.empty() || side.sample_rows.empty()) return side.columns.size();
  return side.sample_rows.front().size();  // rows without a header (tests): by position
}

std::string column_name(const ResultSignature& side, std::size_t index) {
  if (index < side.columns.size()) return side.columns[index].name;
  return "column " + std::to_string(index + 1);
}

bool names_unique(const ResultSignature& side) {
  std::set<std::string> names;
  for (const auto& column : side.columns) {
    if (!names.insert(column.name).second) return false;
  }
  return !side.columns.empty();
}

std::vector<AlignedColumn> align_columns(const ResultSignature& baseline, const ResultSignature& shadow) {
  std::vector<AlignedColumn> aligned;
  const std::size_t baseline_width = width(baseline);
  const std::size_t shadow_width = width(shadow);
  if (names_unique(baseline) && names_unique(shadow)) {
    std::map<std::string, std::size_t> shadow_index;
    for (std::size_t i = 0; i < shadow_width; ++i) shadow_index[shadow.columns[i].name] = i;
    for (std::size_t i = 0; i < baseline_width; ++i) {
      const auto found = shadow_index.find(baseline.columns[i].name);
      aligned.push_back({baseline.columns[i].name, i,
                         found == shadow_index.end() ? std::nullopt : std::optional(found->second)});
      if (found != shadow_index.end()) shadow_index.erase(found);
    }
    for (std::size_t i = 0; i < shadow_width; ++i) {
      if (shadow_index.count(shadow.columns[i].name) == 1) aligned.push_back({shadow.columns[i].name, std::nullopt, i});
    }
    return aligned;
  }
  for (std::size_t i = 0; i < std::max(baseline_width, shadow_width); ++i) {
    AlignedColumn column;
    if (i < baseline_width) column.baseline = i;
    if (i < shadow_width) column.shadow = i;
    const std::string baseline_name = i < baseline_width ? column_name(baseline, i) : "";
    const std::string shadow_name = i < shadow_width ? column_name(shadow, i) : "";
    column.name = baseline_name.empty() ? shadow_name
                  : shadow_name.empty() || shadow_name == baseline_name ? baseline_name
                                                                         : baseline_name + "/" + shadow_name;
    aligned.push_back(std::move(column));
  }
  return aligned;
}

std::optional<std::size_t> index_on(const AlignedColumn& column, Side side) {
  return side == Side::kBaseline ? column.baseline : column.shadow;
}

std::optional<Value> cell(const SampleRow& row, const AlignedColumn& column, Side side) {
  const auto index = index_on(column, side);
  if (!index || *index >= row.size()) return std::nullopt;
  return row[*index];
}

Projection project(const SampleRow& row, const std::vector<AlignedColumn>& columns, Side side) {
  Projection projection;
  projection.reserve(columns.size());
  for (const auto& column : columns) projection.push_back(cell(row, column, side));
  return projection;
}

// The comparison of one pair of samples, building the differences as rows are paired.
class RowDiffer {
 public:
  RowDiffer(const ResultSignature& baseline, const ResultSignature& shadow)
      : baseline_(baseline), shadow_(shadow), columns_(align_columns(baseline, shadow)) {
    for (const auto& row : baseline.sample_rows) baseline_rows_.push_back(project(row, columns_, Side::kBaseline));
    for (const auto& row : shadow.sample_rows) shadow_rows_.push_back(project(row, columns_, Side::kShadow));
  }

  RowDiff diff(bool ordered, std::size_t max_rows) {
    if (ordered) {
      diff_by_position();
    } else {
      diff_as_multisets();
    }
    std::stable_sort(result_.rows.begin(), result_.rows.end(), [](const RowDifference& a, const RowDifference& b) {
      return a.baseline_row.value_or(a.shadow_row.value_or(0)) < b.baseline_row.value_or(b.shadow_row.value_or(0));
    });
    const bool incomplete = !baseline_.sample_complete || !shadow_.sample_complete;
    result_.beyond_sample = incomplete && (result_.rows.empty() || baseline_.row_count != shadow_.row_count ||
                                           left_out_);
    if (result_.rows.size() > max_rows) result_.rows.resize(max_rows);
    return std::move(result_);
  }

 private:
  // Row i against row i; past the shorter sample, a row is one-sided only when the other side
  // has no row there at all (its row count says so), else its partner was not sampled.
  void diff_by_position() {
    const std::size_t common = std::min(baseline_rows_.size(), shadow_rows_.size());
    for (std::size_t i = 0; i < common; ++i) {
      if (baseline_rows_[i] != shadow_rows_[i]) changed(i, i);
    }
    for (std::size_t i = common; i < baseline_rows_.size(); ++i) {
      if (i < shadow_.row_count) { left_out_ = true; break; }
      one_sided(Side::kBaseline, i);
    }
    for (std::size_t i = common; i < shadow_rows_.size(); ++i) {
      if (i < baseline_.row_count) { left_out_ = true; break; }
      one_sided(Side::kShadow, i);
    }
  }

  void diff_as_multisets() {
    // Rows on both sides are not differences, however often they repeat.
    std::map<Projection, std::vector<std::size_t>> unmatched_shadow;
    for (std::size_t i = shadow_rows_.size(); i-- > 0;) unmatched_shadow[shadow_rows_[i]].push_back(i);
    std::vector<std::size_t> baseline_left;
    for (std::size_t i = 0; i < baseline_rows_.size(); ++i) {
      auto found = unmatched_shadow.find(baseline_rows_[i]);
      if (found == unmatched_shadow.end() || found->second.empty()) {
        baseline_left.push_back(i);
      } else {
        found->second.pop_back();  // the earliest shadow row (the vector is in reverse order)
      }
    }
    std::vector<std::size_t> shadow_left;
    for (const auto& [row, indexes] : unmatched_shadow) {
      shadow_left.insert(shadow_left.end(), indexes.begin(), indexes.end());
    }
    std::sort(shadow_left.begin(), shadow_left.end());
    if (!pair_by_key(baseline_left, shadow_left)) pair_in_order(baseline_left, shadow_left);
  }

  // The first column on both sides, when its values pair the leftovers one to one.
  bool pair_by_key(const std::vector<std::size_t>& baseline_left, const std::vector<std::size_t>& shadow_left) {
    const auto key = std::find_if(columns_.begin(), columns_.end(),
                                  [](const AlignedColumn& c) { return c.baseline && c.shadow; });
    if (key == columns_.end() || baseline_left.empty() || shadow_left.empty()) return false;
    const std::size_t k = static_cast<std::size_t>(key - columns_.begin());
    const auto by_key = [&](const std::vector<Projection>& rows, const std::vector<std::size_t>& left,
                            std::map<std::optional<Value>, std::size_t>& out) {
      for (std::size_t i : left) {
        if (!out.emplace(rows[i][k], i).second) return false;
      }
      return true;
    };
    std::map<std::optional<Value>, std::size_t> baseline_keys;
    std::map<std::optional<Value>, std::size_t> shadow_keys;
    if (!by_key(baseline_rows_, baseline_left, baseline_keys) || !by_key(shadow_rows_, shadow_left, shadow_keys)) {
      return false;
    }
    const auto& fewer = baseline_keys.size() <= shadow_keys.size() ? baseline_keys : shadow_keys;
    const auto& more = baseline_keys.size() <= shadow_keys.size() ? shadow_keys : baseline_keys;
    for (const auto& [value, index] : fewer) {
      if (more.count(value) == 0) return false;
    }
    // A row paired by its key shows a change even when a sample is incomplete: the key says
    // which row it is. A row without a partner may have one past the other side's sample.
    for (const auto& [value, index] : baseline_keys) {
      const auto partner = shadow_keys.find(value);
      if (partner != shadow_keys.end()) {
        changed(index, partner->second);
      } else {
        one_sided_if_certain(Side::kBaseline, index);
      }
    }
    for (const auto& [value, index] : shadow_keys) {
      if (baseline_keys.count(value) == 0) one_sided_if_certain(Side::kShadow, index);
    }
    return true;
  }

  // Without a key, a pair or a one-sided row is certain only when both samples are complete:
  // else its true partner may lie past a sample.
  void pair_in_order(const std::vector<std::size_t>& baseline_left, const std::vector<std::size_t>& shadow_left) {
    if (!baseline_.sample_complete || !shadow_.sample_complete) {
      if (!baseline_left.empty() && !shadow_left.empty()) {
        left_out_ = true;
      } else {
        for (std::size_t i : baseline_left) one_sided_if_certain(Side::kBaseline, i);
        for (std::size_t i : shadow_left) one_sided_if_certain(Side::kShadow, i);
      }
      return;
    }
    const std::size_t common = std::min(baseline_left.size(), shadow_left.size());
    for (std::size_t i = 0; i < common; ++i) changed(baseline_left[i], shadow_left[i]);
    for (std::size_t i = common; i < baseline_left.size(); ++i) one_sided(Side::kBaseline, baseline_left[i]);
    for (std::size_t i = common; i < shadow_left.size(); ++i) one_sided(Side::kShadow, shadow_left[i]);
  }

  void changed(std::size_t baseline_index, std::size_t shadow_index) {
    RowDifference row{RowChange::kChanged, baseline_index + 1, shadow_index + 1, {}};
    const Projection& b = baseline_rows_[baseline_index];
    const Projection& s = shadow_rows_[shadow_index];
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      if (b[c] != s[c]) row.cells.push_back({columns_[c].name, b[c], s[c]});
    }
    result_.rows.push_back(std::move(row));
  }

  // A row whose side's counterpart sample is complete has no partner anywhere.
  void one_sided_if_certain(Side side, std::size_t index) {
    const ResultSignature& other = side == Side::kBaseline ? shadow_ : baseline_;
    if (other.sample_complete) {
      one_sided(side, index);
    } else {
      left_out_ = true;
    }
  }

  void one_sided(Side side, std::size_t index) {
    RowDifference row;
    const Projection& cells = side == Side::kBaseline ? baseline_rows_[index] : shadow_rows_[index];
    if (side == Side::kBaseline) {
      row.change = RowChange::kBaselineOnly;
      row.baseline_row = index + 1;
    } else {
      row.change = RowChange::kShadowOnly;
      row.shadow_row = index + 1;
    }
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      if (!cells[c]) continue;  // a column of the other side only
      CellDifference difference{columns_[c].name, std::nullopt, std::nullopt};
      (side == Side::kBaseline ? difference.baseline : difference.shadow) = cells[c];
      row.cells.push_back(std::move(difference));
    }
    result_.rows.push_back(std::move(row));
  }

  const ResultSignature& baseline_;
  const ResultSignature& shadow_;
  std::vector<AlignedColumn> columns_;
  std::vector<Projection> baseline_rows_;
  std::vector<Projection> shadow_rows_;
  RowDiff result_;
  bool left_out_ = false;  // some sampled row could not be judged
};

}  // namespace

std::string_view to_string(RowChange change) {
  switch (change) {
    case RowChange::kChanged: return "changed";
    case RowChange::kBaselineOnly: return "baseline_only";
    case RowChange::kShadowOnly: return "shadow_only";
  }
  return "changed";
}

RowDiff diff_rows(const ResultSignature& baseline, const ResultSignature& shadow, bool ordered,
                  std::size_t max_rows) {
  return RowDiffer(baseline, shadow).diff(ordered, max_rows);
}

}  // namespace pgshadow::compare
