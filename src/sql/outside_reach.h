#pragma once
// Statements whose effect reaches outside the database they run in. Private to sql.
#include <optional>

#include "parse_tree.h"
#include "pgshadow/sql/query_shape.h"

namespace pgshadow::sql::detail {

// The first such reach in the statement, nullopt when it stays inside its database.
std::optional<OutsideReach> find_outside_reach(const json& statement);

}  // namespace pgshadow::sql::detail
