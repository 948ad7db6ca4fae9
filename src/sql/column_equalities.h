#pragma once
// The `column = value` conjuncts of a WHERE clause: what pins the rows a statement reaches to
// column values (a LIMIT that cannot cut, the rows a write locks). Private to sql.
#include <functional>
#include <string>

#include "parse_tree.h"

namespace pgshadow::sql::detail {

// A constant or a bound parameter, possibly cast (`$1::int8`, `'7'::int`): the node without its
// cast, and the cast's type name ("" without one); nullptr for anything else.
const json* value_node(const json& node, std::string* cast);

// Calls found(column, value) for every conjunct of the AND at the top of `where` that compares
// a column (the last field of its name) with a value (value_node), either way round, by a plain
// `=`. Anything under an OR or NOT is not a conjunct: it pins nothing.
void for_each_equality(const json& where,
                       const std::function<void(const std::string& column, const json& value)>& found);

}  // namespace pgshadow::sql::detail
