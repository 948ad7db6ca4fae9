#pragma once
// Which tables' row locks a statement may take, from its parse tree: what the replay's write rule
// needs to tell two writes that can contend for a lock from two that cannot. Private to sql.
#include <optional>
#include <set>
#include <string>

#include "parse_tree.h"

namespace pgshadow::sql::detail {

// Adds the statement's tables (unqualified relation names) to `footprint`, or resets it to
// nullopt when the text cannot tell (see StatementFacts::lock_footprint). A nullopt footprint
// stays nullopt.
void add_lock_footprint(const json& statement, std::optional<std::set<std::string>>& footprint);

}  // namespace pgshadow::sql::detail
