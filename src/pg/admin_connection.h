#pragma once
// A libpqxx connection for shadow preparation (CREATE DATABASE, migrations), with errors
// turned into values: no exception leaves the pg module.
#include <memory>
#include <string>
#include <string_view>

#include <pqxx/connection>
#include <pqxx/errorhandler>
#include <pqxx/except>

#include "pgshadow/util/result.h"

namespace pgshadow::pg {

// A connection whose notices (NOTICE: ... skipping) are dropped instead of printed.
class AdminConnection {
 public:
  explicit AdminConnection(const std::string& conninfo) : connection_(conninfo), quiet_(connection_) {}
  pqxx::connection& get() { return connection_; }

 private:
  pqxx::connection connection_;
  pqxx::quiet_errorhandler quiet_;
};

// Error kInfrastructure naming the (redacted) server when the connection cannot be made.
Result<std::unique_ptr<AdminConnection>> connect_admin(const std::string& conninfo,
                                                       std::string_view purpose);

// The server's primary message from a libpqxx error ("ERROR:  relation \"t\" does not
// exist\nLINE 1: ..." gives "relation \"t\" does not exist").
std::string primary_message(const std::exception& error);

}  // namespace pgshadow::pg
