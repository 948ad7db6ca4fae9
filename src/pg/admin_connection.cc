#include "admin_connection.h"

#include "pgshadow/pg/conninfo.h"

namespace pgshadow::pg {

Result<std::unique_ptr<AdminConnection>> connect_admin(const std::string& conninfo,
                                                       std::string_view purpose) {
  try {
    return std::make_unique<AdminConnection>(conninfo);
  } catch (const std::exception& error) {
    // libpq's connection messages name host, port and user, never the password.
    return Error::infrastructure("cannot connect to " + redact(conninfo) + " to " +
                                 std::string(purpose) + ": " + primary_message(error));
  }
}

std::string primary_message(const std::exception& error) {
  std::string_view text = error.what();
  text = text.substr(0, text.find('\n'));
  // libpq writes "SEVERITY:  primary" (two spaces) for server errors.
  if (auto colon = text.find(":  "); colon != std::string_view::npos) {
    auto severity = text.substr(0, colon);
    if (severity.find(' ') == std::string_view::npos) text.remove_prefix(colon + 3);
  }
  return std::string(text);
}

}  // namespace pgshadow::pg
