#include "server_version.h"

#include "interrupt.h"
#include "pgshadow/pg/session_connection.h"

namespace pgshadow::cli {

Result<std::string> server_version(const std::string& conninfo) {
  auto connection = pg::SessionConnection::open(conninfo, {}, &interrupt_requested());
  if (!connection) return connection.error();
  return (*connection)->query_scalar("SHOW server_version");
}

}  // namespace pgshadow::cli
