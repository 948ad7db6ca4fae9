#pragma once
// The outermost SELECT's ORDER BY mapped onto the result's columns (StatementFacts::sort_order).
// Private to sql.
#include <optional>

#include "parse_tree.h"
#include "pgshadow/sql/query_shape.h"

namespace pgshadow::sql::detail {

std::optional<SortOrder> find_sort_order(const json& statement);

}  // namespace pgshadow::sql::detail
