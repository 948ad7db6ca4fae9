#include "pgshadow/compare/object_ids.h"

#include <array>
#include <vector>

namespace pgshadow::compare {

bool is_object_id_type(std::uint32_t type_oid) {
  // oid, regproc, xid, cid, regprocedure, regoper, regoperator, regclass, regtype, regconfig,
  // regdictionary, regnamespace, regrole, regcollation.
  constexpr std::array<std::uint32_t, 14> kObjectIdTypes = {26,   24,   28,   29,   2202, 2203, 2204,
                                                            2205, 2206, 3734, 3769, 4089, 4096, 4191};
  for (const std::uint32_t known : kObjectIdTypes) {
    if (known == type_oid) return true;
  }
  return false;
}

bool differs_only_in_object_ids(const ResultSignature& baseline, const ResultSignature& shadow) {
  if (!baseline.succeeded || !shadow.succeeded || baseline.columns != shadow.columns) return false;
  if (baseline.row_count != shadow.row_count || !baseline.sample_complete || !shadow.sample_complete) return false;
  if (baseline.sample_rows.size() != shadow.sample_rows.size()) return false;
  std::vector<bool> object_id(baseline.columns.size());
  for (std::size_t column = 0; column < baseline.columns.size(); ++column) {
    object_id[column] = is_object_id_type(baseline.columns[column].type_oid);
  }
  bool differs = false;
  for (std::size_t row = 0; row < baseline.sample_rows.size(); ++row) {
    const SampleRow& a = baseline.sample_rows[row];
    const SampleRow& b = shadow.sample_rows[row];
    if (a.size() != b.size() || a.size() != object_id.size()) return false;
    for (std::size_t column = 0; column < a.size(); ++column) {
      if (a[column] == b[column]) continue;
      if (!object_id[column]) return false;
      differs = true;
    }
  }
  return differs;
}

}  // namespace pgshadow::compare
