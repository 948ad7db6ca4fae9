// clone_database: CREATE DATABASE ... TEMPLATE ..., so both sides start byte-identical.
#include "pgshadow/pg/database_setup.h"
#include "pgshadow/pg/session_connection.h"

namespace pgshadow::pg {
Status clone_database(const std::string& admin_conninfo, const std::string& name,
                      const std::string& template_name, const std::atomic<bool>* interrupted) {
  auto connection = SessionConnection::open(admin_conninfo, {}, interrupted, "create database \"" + name + "\"");
  if (!connection) return connection.error();
  SessionConnection& admin = **connection;
  // CREATE DATABASE refuses a transaction: the connection is in autocommit. Copying a large
  // template takes a while: no deadline, but an interrupt cancels it.
  const std::string statement = "CREATE DATABASE " + admin.quote_identifier(name) + " TEMPLATE " +
                                admin.quote_identifier(template_name);
  DiscardingSink discard;
  auto done = admin.run({statement, false, "", nullptr}, discard, {std::chrono::milliseconds(0), interrupted});
  if (!done) return Error{done.error().kind, "cannot create database \"" + name + "\": " + done.error().message};
  if (done->succeeded) return {};
  std::string message = "cannot create database \"" + name + "\" from template \"" + template_name +
                        "\": " + done->message + " (SQLSTATE " + done->sqlstate + ")";
  // A name that exists already or a template that does not is the user's to fix; anything
  // else (template busy, out of space) is the server's.
  const bool users_fault = done->sqlstate == "42P04" || done->sqlstate == "3D000";
  return users_fault ? Error::bad_input(message) : Error::infrastructure(message);
}

}  // namespace pgshadow::pg
