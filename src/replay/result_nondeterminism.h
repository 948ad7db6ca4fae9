#pragma once
// Reasons a statement's differing values are no finding that only its execution can tell (the
// parse tree's reasons are sql::StatementFacts::nondeterminism). Pure functions.
#include <cstdint>
#include <string>

#include "pgshadow/compare/ties.h"
#include "pgshadow/core/event.h"
#include "pgshadow/sql/query_shape.h"

namespace pgshadow::replay {

// An unordered LIMIT picks unspecified rows only when it cut the result: when a side returned
// as many rows as the limit (or the limit is not a number pgshadow can read) and no unique key
// pins the rows. Then "LIMIT without ORDER BY cut the result (10 rows)"; else "" (the rows that
// came back are every row that matched, and must agree).
std::string limit_reason(const sql::RowLimit& limit, const Event& event, std::uint64_t baseline_rows,
                         std::uint64_t shadow_rows, bool pinned_by_unique_key);

// Where an ordered statement may have cut a run of tied rows: an OFFSET that is not 0 (or not a
// number pgshadow can read) at the first run; a LIMIT that a side reached (or that is not
// readable) at the last one.
compare::TieCuts tie_cuts(const sql::SortOrder& order, const Event& event, std::uint64_t baseline_rows,
                          std::uint64_t shadow_rows);

// The reason for a difference that ties explain (compare::explain_by_ties), "" for kNone.
std::string tie_reason(compare::TieExplanation explanation, const compare::TieCuts& cuts);

// A bound parameter that is a special date literal ('now', 'today', ...: the clock at the moment
// the server reads it), as in INSERT ... VALUES ($1) with $1 = 'now'; else "".
std::string parameter_reason(const Event& event);

}  // namespace pgshadow::replay
