#include "libpq_support.h"

#include <cstdlib>
#include <cstring>

#include "pgshadow/pg/session_connection.h"

namespace pgshadow::pg::libpq {

std::string connection_error(PGconn* conn) {
  std::string message = PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

std::string seconds_text(Clock::duration duration) {
  return std::to_string(std::chrono::ceil<std::chrono::seconds>(duration).count()) + " s";
}

Clock::duration connect_timeout_of(const std::string& conninfo) {
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &message);
  PQfreemem(message);
  Clock::duration timeout = kDefaultConnectTimeout;
  for (const PQconninfoOption* option = options; option != nullptr && option->keyword != nullptr; ++option) {
    if (std::strcmp(option->keyword, "connect_timeout") == 0 && option->val != nullptr && std::atoi(option->val) > 0) {
      timeout = std::chrono::seconds(std::max(2, std::atoi(option->val)));
    }
  }
  PQconninfoFree(options);
  return timeout;
}

}  // namespace pgshadow::pg::libpq
