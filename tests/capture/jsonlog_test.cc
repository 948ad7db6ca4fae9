// jsonlog lines the server would not write, or that arrive damaged: each is accounted for, and a
// line that is not usable is a problem with file:line and an exact reason; reading continues.
#include <map>

#include <catch2/catch.hpp>

#include "capture_test_support.h"

using namespace pgshadow;
using namespace pgshadow::capture;
using namespace pgshadow::capture::testing;

namespace {

std::string record(const std::string& session, const std::string& message,
                   const std::string& extra = {}) {
  return R"({"timestamp":"2026-11-23 10:00:00.000 UTC","user":"alice","dbname":"shop","pid":7,)"
         R"("session_id":")" + session + R"(","error_severity":"LOG","message":)" + message + extra +
         R"(,"application_name":"app","query_id":0})" + "\n";
}

}  // namespace

TEST_CASE("a jsonlog line that is not JSON or not an object is a problem with file:line",
          "[jsonlog]") {
  TempDir dir;
  const std::string file = dir.write(
      "postgresql.json", record("s1", R"("statement: SELECT 1")") + "{\"timestamp\": \"2026-11-23\n" +
                             "[1, 2]\n" + "\n" + record("s1", R"("statement: SELECT 2")"));
  const ReadAll all = read_all({file});
  REQUIRE(all.events.size() == 2);
  CHECK(all.events[0].sql == "SELECT 1");
  CHECK(all.events[0].user == "alice");
  CHECK(all.events[0].application == "app");
  CHECK(all.events[1].sql == "SELECT 2");
  CHECK(all.events[1].source.to_string() == file + ":5");
  REQUIRE(all.problem_total == 2);
  CHECK(all.problems[0].where.to_string() == file + ":2");
  CHECK(all.problems[0].reason == "not JSON");
  CHECK(all.problems[0].detail ==
        "[json.exception.parse_error.101] parse error at line 1, column 26: syntax error while "
        "parsing value - invalid string: missing closing quote; last read: '\"2026-11-23'");
  CHECK(all.problems[1].where.to_string() == file + ":3");
  CHECK(all.problems[1].reason == "not a JSON object");
  CHECK(all.problems[1].detail == "a jsonlog line must be a JSON object");
  CHECK(all.accounting.lines_read == 5);
  CHECK(all.accounting.lines_in_events == 2);
  CHECK(all.accounting.not_statement_by_kind == std::map<std::string, std::uint64_t>{{"blank_line", 1}});
  check_accounting_invariant(all);
}

TEST_CASE("a jsonlog field of the wrong type is a problem naming the field", "[jsonlog]") {
  TempDir dir;
  const std::string file = dir.write("postgresql.json", record("s1", "42"));
  const ReadAll all = read_all({file});
  CHECK(all.events.empty());
  REQUIRE(all.problem_total == 1);
  CHECK(all.problems[0].reason == "wrong field type");
  CHECK(all.problems[0].detail == "field 'message' must be a string");
  check_accounting_invariant(all);
}

TEST_CASE("invalid UTF-8 inside a jsonlog line is read with U+FFFD, not dropped", "[jsonlog]") {
  TempDir dir;
  const std::string file =
      dir.write("postgresql.json", record("s1", "\"statement: SELECT 'caf\xe9'\"") +
                                       record("s1", "\"statement: SELECT 2\""));
  const ReadAll all = read_all({file});
  REQUIRE(all.events.size() == 2);
  CHECK(all.events[0].sql == "SELECT 'caf\xef\xbf\xbd'");
  CHECK(all.problem_total == 0);
  check_accounting_invariant(all);
}

TEST_CASE("absent jsonlog keys are empty fields", "[jsonlog]") {
  TempDir dir;
  // No user, dbname, application_name, state_code: the server leaves out empty values.
  const std::string file = dir.write(
      "postgresql.json",
      R"({"timestamp":"2026-11-23 10:00:00.000 UTC","session_id":"s","error_severity":"LOG","message":"statement: SELECT 1"})"
      "\n"
      R"({"timestamp":"2026-11-23 10:00:00.001 UTC","session_id":"s","error_severity":"ERROR","state_code":"42P01","message":"relation \"t\" does not exist","statement":"SELECT 1"})"
      "\n");
  const ReadAll all = read_all({file});
  REQUIRE(all.events.size() == 1);
  CHECK(all.events[0].user.empty());
  CHECK(all.events[0].application.empty());
  CHECK(all.events[0].outcome.sqlstate == "42P01");
  CHECK(all.accounting.lines_in_events == 2);
  check_accounting_invariant(all);
}
