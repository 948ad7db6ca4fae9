#pragma once
// The outermost SELECT's LIMIT without ORDER BY (StatementFacts::unordered_limit). Private to sql.
#include <optional>

#include "parse_tree.h"
#include "pgshadow/sql/query_shape.h"

namespace pgshadow::sql::detail {

std::optional<RowLimit> find_unordered_limit(const json& statement);

}  // namespace pgshadow::sql::detail
