#pragma once
// Why a statement cannot give the same result twice, from its parse tree. Private to sql.
#include <string>

#include "parse_tree.h"

namespace pgshadow::sql::detail {

// The first reason found anywhere in the statement (subqueries and CTEs included), "" when none:
// functions of time, randomness or the server process ("calls now()"), special date literals
// ("casts 'now' to timestamptz"), the replay setup showing through (a setting such as port, a
// statistics or activity view, a system column such as xmin), TABLESAMPLE, SKIP LOCKED, LIMIT
// or OFFSET without ORDER BY below the top, DISTINCT ON without ORDER BY. The outermost SELECT's
// own LIMIT without ORDER BY is not a reason here: whether it cut anything is known only from
// the result (StatementFacts::unordered_limit).
std::string find_nondeterminism(const json& statement);

}  // namespace pgshadow::sql::detail
