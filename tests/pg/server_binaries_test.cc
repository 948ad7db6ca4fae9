#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include <catch2/catch.hpp>

#include "pg_test_support.h"
#include "pgshadow/pg/embedded_server.h"

using pgshadow::pg::find_server_binaries;
using pgshadow::pg::testing::ScratchDir;

namespace {

constexpr const char* kInstalled = "/usr/lib/postgresql/15/bin";

// A directory with executable stand-ins for the given programs.
void add_programs(const ScratchDir& dir, std::initializer_list<const char*> programs) {
  for (const char* program : programs) {
    auto path = dir.file(program, "#!/bin/sh\nexit 0\n");
    chmod(path.c_str(), 0755);
  }
}

}  // namespace

TEST_CASE("find_server_binaries takes an explicit directory that holds the server programs") {
  auto found = find_server_binaries(kInstalled);
  REQUIRE(found.ok());
  CHECK(*found == kInstalled);
}

TEST_CASE("find_server_binaries never falls back from an explicit directory missing postgres") {
  ScratchDir dir;
  add_programs(dir, {"initdb", "pg_ctl", "psql", "pg_restore"});
  auto found = find_server_binaries(dir.path());
  REQUIRE_FALSE(found.ok());
  CHECK(found.error().kind == pgshadow::ErrorKind::kInfrastructure);
  CHECK(found.error().message ==
        "cannot find the PostgreSQL server programs (initdb, pg_ctl, postgres, psql, "
        "pg_restore); looked in:\n  " + dir.path() + " (given explicitly): missing postgres");
}

TEST_CASE("find_server_binaries reads $PGSHADOW_PG_BIN and names it when it is wrong") {
  setenv("PGSHADOW_PG_BIN", "/nonexistent/bin", 1);
  auto wrong = find_server_binaries("");
  setenv("PGSHADOW_PG_BIN", kInstalled, 1);
  auto right = find_server_binaries("");
  unsetenv("PGSHADOW_PG_BIN");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().message ==
        "cannot find the PostgreSQL server programs (initdb, pg_ctl, postgres, psql, "
        "pg_restore); looked in:\n  /nonexistent/bin ($PGSHADOW_PG_BIN): missing initdb, "
        "pg_ctl, postgres, psql, pg_restore");
  REQUIRE(right.ok());
  CHECK(*right == kInstalled);
}

TEST_CASE("find_server_binaries skips a client-only pg_config and finds the installed server") {
  // Debian's /usr/bin/pg_config may be the client-only wrapper; either way the result is a
  // directory with the server programs.
  unsetenv("PGSHADOW_PG_BIN");
  auto found = find_server_binaries("");
  REQUIRE(found.ok());
  CHECK(*found == kInstalled);
}
