#pragma once
// Which rows a write locks, narrowed by column values from its parse tree
// (StatementFacts::row_pins). Private to sql.
#include <map>
#include <string>

#include "parse_tree.h"
#include "pgshadow/sql/query_shape.h"

namespace pgshadow::sql::detail {

// The row pins of the one statement of `sql` (its parse tree `statement`); empty when it pins
// nothing. A pinned number counts the text's number constants before it, so the text is scanned
// when one is pinned.
std::map<std::string, RowPins> find_row_pins(const json& statement, const std::string& sql);

}  // namespace pgshadow::sql::detail
