#pragma once
#include <string_view>

namespace pgshadow {

// PostgreSQL's condition name for a SQLSTATE ("42703" -> "undefined_column"), from the
// server's errcodes table; "" when unknown.
std::string_view sqlstate_name(std::string_view sqlstate);

// Whether the server's primary message for this SQLSTATE names only objects (columns,
// tables, constraints, types) and never a value from the data or the statement, so it may be
// shown in default reports. E.g. 42703 'column "name" does not exist' is; 22P02 'invalid
// input syntax for type integer: "abc"' is not.
bool sqlstate_message_is_data_free(std::string_view sqlstate);

}  // namespace pgshadow
