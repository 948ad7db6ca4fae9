#include "pgshadow/pg/embedded_server.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "pg_test_support.h"

using pgshadow::ErrorKind;
using pgshadow::pg::EmbeddedServer;
using pgshadow::pg::EmbeddedServerOptions;
using pgshadow::pg::testing::processes_mentioning;
using pgshadow::pg::testing::rows_of;
using pgshadow::pg::testing::ScratchDir;
namespace fs = std::filesystem;

TEST_CASE("an embedded server starts, answers over its conninfo, stops and leaves nothing") {
  ScratchDir parent;
  EmbeddedServerOptions options;
  options.parent_dir = parent.path();
  auto started = EmbeddedServer::start(options);
  REQUIRE(started.ok());
  auto& server = **started;
  std::string directory = server.directory();

  CHECK(fs::path(directory).parent_path() == parent.path());
  CHECK(fs::path(directory).filename().string().rfind("pgshadow-", 0) == 0);
  CHECK(server.port() > 0);
  CHECK(server.conninfo("postgres") == "host=" + directory + "/socket port=" +
                                           std::to_string(server.port()) +
                                           " user=pgshadow_admin dbname=postgres");
  CHECK(rows_of(server.conninfo("postgres"),
                "SELECT current_user, current_setting('fsync'), "
                "current_setting('listen_addresses'), "
                "current_setting('max_connections')::int >= 200") ==
        "pgshadow_admin|off|127.0.0.1|t\n");
  // Not over TCP on 127.0.0.1: trust is for the private socket alone, or any local user could
  // log in as the superuser.
  try {
    rows_of("host=127.0.0.1 port=" + std::to_string(server.port()) + " user=pgshadow_admin dbname=postgres", "SELECT 1");
    FAIL("a TCP connection to the embedded server was accepted");
  } catch (const std::exception& error) {
    CHECK_THAT(error.what(), Catch::Contains("pg_hba.conf rejects connection"));
  }
  if (geteuid() == 0) {
    // Run as root, the server and its directory belong to the unprivileged server user.
    // The connection stays open while its backend is looked at: a closed one's backend exits.
    pqxx::connection held(server.conninfo("postgres"));
    pqxx::nontransaction work(held);
    const std::string backend = work.exec1("SELECT pg_backend_pid()")[0].c_str();
    struct stat info {};
    REQUIRE(stat(("/proc/" + backend).c_str(), &info) == 0);
    CHECK(info.st_uid != 0);
    REQUIRE(stat(directory.c_str(), &info) == 0);
    CHECK(info.st_uid != 0);
  }
  CHECK(processes_mentioning(directory) >= 1);

  server.stop();
  CHECK_FALSE(fs::exists(directory));
  CHECK(processes_mentioning(directory) == 0);
  server.stop();  // idempotent
}

TEST_CASE("a server rejecting a setting fails with kInfrastructure, its log, and no directory") {
  ScratchDir parent;
  EmbeddedServerOptions options;
  options.parent_dir = parent.path();
  options.settings = {"shared_buffers = 'plenty'"};
  auto started = EmbeddedServer::start(options);
  REQUIRE_FALSE(started.ok());
  CHECK(started.error().kind == ErrorKind::kInfrastructure);
  CHECK_THAT(started.error().message,
             Catch::StartsWith("the PostgreSQL server in " + parent.path() + "/pgshadow-") &&
                 Catch::Contains("did not start (pg_ctl exited with status 1); the end of its "
                                 "log:\n") &&
                 Catch::Contains("invalid value for parameter \"shared_buffers\": \"plenty\""));
  CHECK(parent.empty());
  CHECK(processes_mentioning(parent.path()) == 0);
}

TEST_CASE("a bin dir without postgres fails with kInfrastructure before making a directory") {
  ScratchDir parent;
  ScratchDir bin;
  EmbeddedServerOptions options;
  options.parent_dir = parent.path();
  options.bin_dir = bin.path();
  auto started = EmbeddedServer::start(options);
  REQUIRE_FALSE(started.ok());
  CHECK(started.error().kind == ErrorKind::kInfrastructure);
  CHECK_THAT(started.error().message,
             Catch::EndsWith(bin.path() + " (given explicitly): missing initdb, pg_ctl, "
                                          "postgres, psql, pg_restore"));
  CHECK(parent.empty());
}

TEST_CASE("a parent directory that does not exist fails with kInfrastructure naming it") {
  EmbeddedServerOptions options;
  options.parent_dir = "/nonexistent/parent";
  auto started = EmbeddedServer::start(options);
  REQUIRE_FALSE(started.ok());
  CHECK(started.error().kind == ErrorKind::kInfrastructure);
  CHECK(started.error().message ==
        "cannot create a private directory in /nonexistent/parent: No such file or directory");
}

TEST_CASE("a kept server outlives its EmbeddedServer and says how to connect and stop it") {
  ScratchDir parent;
  EmbeddedServerOptions options;
  options.parent_dir = parent.path();
  options.keep = true;
  std::string directory;
  std::string conninfo;
  std::string hint;
  {
    auto started = EmbeddedServer::start(options);
    REQUIRE(started.ok());
    directory = (*started)->directory();
    conninfo = (*started)->conninfo("postgres");
    hint = (*started)->connect_hint("baseline");
    std::string stop = "/usr/lib/postgresql/15/bin/pg_ctl stop -D " + directory + "/data";
    if (geteuid() == 0) stop = "runuser -u postgres -- " + stop;
    CHECK(hint == "The PostgreSQL server in " + directory + " keeps running (port " +
                      std::to_string((*started)->port()) + " on 127.0.0.1).\n" +
                      "  connect: psql 'host=" + directory + "/socket port=" +
                      std::to_string((*started)->port()) +
                      " user=pgshadow_admin dbname=baseline'\n  stop:    " + stop +
                      " && rm -rf " + directory);
  }
  CHECK(rows_of(conninfo, "SELECT 42") == "42\n");
  // Clean up the way the hint says.
  auto stop_command = hint.substr(hint.find("stop:    ") + 9);
  CHECK(std::system(("(" + stop_command + ") >/dev/null").c_str()) == 0);
  CHECK_FALSE(fs::exists(directory));
  CHECK(processes_mentioning(directory) == 0);
}
