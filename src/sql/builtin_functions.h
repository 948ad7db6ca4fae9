#pragma once
// What a function call in a parse tree may do, for the built-ins the replay can reason about.
// Private to sql.
#include "parse_tree.h"

namespace pgshadow::sql::detail {

// A built-in that is a pure function of its arguments, the clock and the session's sequence
// values (currval): it reads no table and takes no lock another session's write could hold.
// Unqualified or in pg_catalog. Any other call may be the application's own function, which can
// read or write any table, or take an advisory lock.
bool is_pure_builtin(const json& func_call);

// nextval or setval: draws from the sequence its argument names (see lock_footprint.cc).
bool draws_from_sequence(const json& func_call);

}  // namespace pgshadow::sql::detail
