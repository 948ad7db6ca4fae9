#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "pgshadow/core/sqlstate.h"

namespace pgshadow {

TEST_CASE("every SQLSTATE of PostgreSQL's errcodes.txt has its condition name", "[core]") {
  std::ifstream in(PGSHADOW_ERRCODES_TXT);
  REQUIRE(in);
  std::size_t named = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#' || line.starts_with("Section:")) continue;
    std::istringstream fields(line);
    std::string code, kind, macro, name;
    fields >> code >> kind >> macro >> name;
    if (name.empty()) continue;  // an alias of a code listed with its name
    INFO(line);
    CHECK(sqlstate_name(code) == name);
    ++named;
  }
  CHECK(named >= 260);  // PostgreSQL 15 names 260 conditions
}

TEST_CASE("SQLSTATE names beyond the ones a migration usually provokes", "[core]") {
  CHECK(sqlstate_name("53100") == "disk_full");
  CHECK(sqlstate_name("54001") == "statement_too_complex");
  CHECK(sqlstate_name("57P01") == "admin_shutdown");
  CHECK(sqlstate_name("P0001") == "raise_exception");
  CHECK(sqlstate_name("00000") == "successful_completion");
  CHECK(sqlstate_name("XX002") == "index_corrupted");
  CHECK(sqlstate_name("4270").empty());
  CHECK(sqlstate_name("ZZZZZ").empty());
}

}  // namespace pgshadow
