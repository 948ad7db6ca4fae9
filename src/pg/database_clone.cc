// clone_database: CREATE DATABASE ... TEMPLATE ..., so both sides start byte-identical.
#include <pqxx/nontransaction>

#include "admin_connection.h"
#include "pgshadow/pg/database_setup.h"

namespace pgshadow::pg {

Status clone_database(const std::string& admin_conninfo, const std::string& name,
                      const std::string& template_name) {
  auto connection = connect_admin(admin_conninfo, "create database \"" + name + "\"");
  if (!connection) return connection.error();
  try {
    pqxx::nontransaction work((*connection)->get());  // CREATE DATABASE refuses a transaction
    work.exec0("CREATE DATABASE " + work.quote_name(name) + " TEMPLATE " +
               work.quote_name(template_name));
    return {};
  } catch (const pqxx::sql_error& error) {
    std::string message = "cannot create database \"" + name + "\" from template \"" +
                          template_name + "\": " + primary_message(error) + " (SQLSTATE " +
                          error.sqlstate() + ")";
    // A name that exists already or a template that does not is the user's to fix; anything
    // else (template busy, out of space) is the server's.
    bool users_fault = error.sqlstate() == "42P04" || error.sqlstate() == "3D000";
    return users_fault ? Error::bad_input(message) : Error::infrastructure(message);
  } catch (const std::exception& error) {
    return Error::infrastructure("cannot create database \"" + name + "\": " +
                                 primary_message(error));
  }
}

}  // namespace pgshadow::pg
