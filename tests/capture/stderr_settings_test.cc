// Reading log_line_prefix from what a user can get out of the server.
#include <catch2/catch.hpp>

#include "../../src/capture/stderr_settings.h"
#include "capture_test_support.h"

using namespace pgshadow::capture;
using namespace pgshadow::capture::testing;

namespace {
constexpr const char* kRecordedPrefix = "%m [%p] %q%c %u@%d app=%a %e %i: ";
}

TEST_CASE("psql's SHOW log_line_prefix output, recorded from a real server", "[stderr]") {
  auto prefix = read_log_line_prefix_setting(data_path("stderr/session.show.txt"));
  REQUIRE(prefix.ok());
  CHECK(*prefix == kRecordedPrefix);
}

TEST_CASE("postgres -C log_line_prefix output keeps the trailing space", "[stderr]") {
  auto prefix = read_log_line_prefix_setting(data_path("stderr/session.conf-C.txt"));
  REQUIRE(prefix.ok());
  CHECK(*prefix == kRecordedPrefix);
}

TEST_CASE("postgresql.conf: the last uncommented setting, with the server's quoting", "[stderr]") {
  const std::string conf =
      "#log_line_prefix = '%m [%p] '\n"
      "log_line_prefix = '%t '\n"
      "  log_line_prefix='%m [%p] it''s \\'q\\' %u\\t'   # comment\n"
      "log_destination = 'stderr'\n";
  auto prefix = log_line_prefix_from_settings(conf, "postgresql.conf");
  REQUIRE(prefix.ok());
  CHECK(*prefix == "%m [%p] it's 'q' %u\t");
  CHECK(*log_line_prefix_from_settings("log_line_prefix %m\n", "c") == "%m");
}

TEST_CASE("settings errors name the file", "[stderr]") {
  CHECK(log_line_prefix_from_settings("log_line_prefix = '%m [%p] \n", "pg.conf").error().message ==
        "pg.conf:1: unterminated quoted value of log_line_prefix");
  CHECK(log_line_prefix_from_settings("work_mem = 4MB\nshared_buffers = 1GB\n", "pg.conf").error().message ==
        "pg.conf: no log_line_prefix setting found (expected a postgresql.conf line \"log_line_prefix = "
        "'...'\", the output of SHOW log_line_prefix, or the output of postgres -C log_line_prefix)");
  CHECK(read_log_line_prefix_setting("/nonexistent/pg.conf").error().message ==
        "cannot read settings file /nonexistent/pg.conf");
}
