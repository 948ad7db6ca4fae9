#include "pgshadow/pg/server_identity.h"

#include <pqxx/nontransaction>
#include <pqxx/result>

#include "admin_connection.h"
#include "pgshadow/pg/conninfo.h"

namespace pgshadow::pg {

Result<ServerIdentity> identify_server(const std::string& conninfo, std::string_view option) {
  if (!parses(conninfo)) {
    return Error::bad_input(std::string(option) + ": cannot parse the connection string (neither a valid URI nor "
                                                  "key=value pairs)");
  }
  auto connection = connect_admin(conninfo, "ask which server it is (" + std::string(option) + ")");
  if (!connection) return connection.error();
  try {
    pqxx::nontransaction work((*connection)->get());
    const pqxx::row row = work.exec1(
        "SELECT (SELECT system_identifier::text FROM pg_catalog.pg_control_system()), d.oid::text, d.datname, "
        "pg_catalog.pg_postmaster_start_time()::text, session_user, "
        "(SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user) "
        "FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()");
    return ServerIdentity{row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].c_str(), row[4].c_str(),
                          row[5].as<bool>(false)};
  } catch (const std::exception& error) {
    return Error::infrastructure(std::string(option) + " (" + redact(conninfo) +
                                 "): cannot tell which server it is: " + primary_message(error));
  }
}

bool same_database(const ServerIdentity& a, const ServerIdentity& b) {
  return a.system_identifier == b.system_identifier && a.database_oid == b.database_oid;
}

bool same_server_database(const ServerIdentity& a, const ServerIdentity& b) {
  return same_database(a, b) && a.started_at == b.started_at;
}

}  // namespace pgshadow::pg
