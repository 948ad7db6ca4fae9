#pragma once
// Handing a connection to a child tool (psql, pg_restore) without putting the password on its
// command line, where any local user could read it in /proc.
#include <string>
#include <string_view>

#include "pgshadow/util/result.h"

namespace pgshadow::pg {

struct ConninfoForTool {
  std::string conninfo;  // key=value, without password
  std::string password;  // for PGPASSWORD; empty when the string had none
};

// Error kBadInput when libpq cannot parse the string (the message quotes none of it).
Result<ConninfoForTool> conninfo_for_tool(std::string_view conninfo);

}  // namespace pgshadow::pg
