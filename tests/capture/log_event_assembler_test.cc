// How log records of interleaved sessions become events: ordering, outcomes, durations and the
// accounting of every record. The assembler is format-neutral; the inputs are small csvlog files
// written by the test, csvlog being the simplest format to write.
#include <catch2/catch.hpp>

#include "capture_test_support.h"

using namespace pgshadow;
using namespace pgshadow::capture::testing;

namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

struct LogLine {
  std::string time = "2026-11-23 10:00:00.000 UTC";
  std::string session = "s1";
  std::string severity = "LOG";
  std::string message;
  std::string detail;
  std::string query;
  std::string sqlstate = "00000";
  std::string command_tag = "idle";
};

// One PostgreSQL 15 csvlog record (26 columns).
std::string csv(const LogLine& l) {
  return l.time + ",\"alice\",\"shop\",4242,\"[local]\"," + l.session + ",1," + quoted(l.command_tag) +
         ",2026-11-23 09:00:00 UTC,3/1,0," + l.severity + "," + l.sqlstate + "," + quoted(l.message) +
         "," + (l.detail.empty() ? "" : quoted(l.detail)) + ",,,,," +
         (l.query.empty() ? "" : quoted(l.query)) + ",,,\"app\",\"client backend\",,0\n";
}

LogLine statement(std::string session, std::string sql, std::string time = "2026-11-23 10:00:00.000 UTC") {
  LogLine l;
  l.session = std::move(session);
  l.message = "statement: " + sql;
  l.time = std::move(time);
  return l;
}

LogLine error(std::string session, std::string sqlstate, std::string query) {
  LogLine l;
  l.session = std::move(session);
  l.severity = "ERROR";
  l.sqlstate = std::move(sqlstate);
  l.message = "something failed";
  l.query = std::move(query);
  l.command_tag = "SELECT";
  return l;
}

LogLine log(std::string session, std::string message, std::string detail = {}) {
  LogLine l;
  l.session = std::move(session);
  l.message = std::move(message);
  l.detail = std::move(detail);
  return l;
}

ReadAll read_csvlog(const std::vector<LogLine>& lines) {
  TempDir dir;
  std::string text;
  for (const LogLine& l : lines) text += csv(l);
  return read_all({dir.write("t.csv", text)});
}

}  // namespace

TEST_CASE("events come out in statement order although a later session finishes first",
          "[assembler]") {
  const ReadAll all = read_csvlog({
      statement("a", "SELECT 'a1'"),
      statement("b", "SELECT 'b1'"),
      statement("b", "SELECT 'b2'"),
      error("a", "57014", "SELECT 'a1'"),  // a1 fails after b1 was logged
      log("a", "disconnection: session time: 0:00:01.000"),
  });
  REQUIRE(all.events.size() == 3);
  CHECK(all.events[0].sql == "SELECT 'a1'");
  CHECK(all.events[0].outcome.sqlstate == "57014");
  CHECK(all.events[1].sql == "SELECT 'b1'");
  CHECK(all.events[2].sql == "SELECT 'b2'");
  CHECK(all.events[1].outcome.succeeded);
  check_accounting_invariant(all);
  CHECK(all.accounting.lines_in_events == 4);
  CHECK(all.accounting.not_statement_by_kind.at("disconnection") == 1);
}

TEST_CASE("an error naming another query is a failed event of its own", "[assembler]") {
  const ReadAll all = read_csvlog({
      statement("a", "SELECT 1"),
      error("a", "42601", "SELEC 2"),
  });
  REQUIRE(all.events.size() == 2);
  CHECK(all.events[0].outcome.succeeded);
  CHECK(all.events[1].sql == "SELEC 2");
  CHECK(all.events[1].outcome.sqlstate == "42601");
  check_accounting_invariant(all);
}

TEST_CASE("a FATAL without a query does not fail the session's last statement",
          "[assembler]") {
  LogLine fatal = error("a", "57P01", "");
  fatal.severity = "FATAL";
  const ReadAll all = read_csvlog({statement("a", "SELECT 1"), fatal});
  REQUIRE(all.events.size() == 1);
  CHECK(all.events[0].outcome.succeeded);
  CHECK(all.accounting.not_statement_by_kind.at("error_without_statement") == 1);
  check_accounting_invariant(all);
}

TEST_CASE("fetches from a portal add to the execute they continue", "[assembler]") {
  const ReadAll all = read_csvlog({
      log("a", "duration: 1.0 ms  execute <unnamed>/C_1: SELECT * FROM big", "parameters: $1 = '7'"),
      log("a", "duration: 2.0 ms  execute fetch from <unnamed>/C_1: SELECT * FROM big",
          "parameters: $1 = '7'"),
      log("a", "execute S_1/C_2: SELECT * FROM other"),
      log("a", "duration: 0.5 ms"),
      log("a", "execute fetch from S_1/C_2: SELECT * FROM other"),
      log("a", "duration: 0.25 ms"),
  });
  REQUIRE(all.events.size() == 2);
  CHECK(*all.events[0].duration_ms == Approx(3.0));
  CHECK(all.events[0].parameters == std::vector<ParameterValue>{"7"});
  CHECK(all.events[1].statement_name == "S_1");
  CHECK(*all.events[1].duration_ms == Approx(0.75));
  CHECK(all.accounting.lines_in_events == 6);
  check_accounting_invariant(all);
}

TEST_CASE("lines that cannot be placed are problems with file and line, never dropped",
          "[assembler]") {
  LogLine bad_time = statement("a", "SELECT 2", "2026-11-23 10:00:00.000 XYZ");
  const ReadAll all = read_csvlog({
      log("a", "duration: 0.5 ms"),                           // no statement waiting: not a problem
      log("a", "a message nobody has seen before"),           // unrecognised
      log("a", "execute <unnamed>: SELECT $1", "parameters: $1 = 'open"),  // bad detail
      bad_time,
      statement("a", "SELECT 3"),
  });
  REQUIRE(all.events.size() == 1);
  CHECK(all.events[0].sql == "SELECT 3");
  REQUIRE(all.problem_total == 3);
  CHECK(all.accounting.not_statement_by_kind.at("duration_without_statement") == 1);
  CHECK(all.problems[0].where.line == 2);
  CHECK(all.problems[0].reason == "unrecognised log message");
  CHECK(all.problems[0].detail == "LOG message starting 'a message nobody has seen before'");
  CHECK(all.problems[1].reason == "malformed parameters detail");
  CHECK(all.problems[2].where.line == 4);
  CHECK(all.problems[2].reason == "time zone not known");
  // The two records that carried statements are what the capture quality check weighs.
  CHECK(all.accounting.unusable_statement_count() == 2);
  check_accounting_invariant(all);
}

TEST_CASE("a record with too few columns is a problem", "[assembler]") {
  TempDir dir;
  const std::string file = dir.write("short.csv", "2026-11-23 10:00:00.000 UTC,a,b\n" + csv(statement("a", "SELECT 1")));
  const ReadAll all = read_all({file});
  REQUIRE(all.problem_total == 1);
  CHECK(all.problems[0].where.to_string() == file + ":1");
  CHECK(all.problems[0].reason == "wrong number of columns");
  CHECK(all.problems[0].detail == "3 columns; a PostgreSQL csvlog record has 23 to 26");
  CHECK(all.events.size() == 1);
  check_accounting_invariant(all);
}
