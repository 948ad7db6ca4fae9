// The canonical capture format: what CaptureWriter writes, the reader reads back unchanged, and
// bad lines are reported with file:line while reading goes on.
#include <sstream>

#include <catch2/catch.hpp>

#include "capture_test_support.h"
#include "pgshadow/capture/capture_writer.h"

using namespace pgshadow;
using namespace pgshadow::capture;
using namespace pgshadow::capture::testing;

namespace {

Event sample_event() {
  Event e;
  e.session_id = "6b042224.1cc7";
  e.user = "alice";
  e.database = "shop";
  e.application = "checkout";
  e.start_us = 1795428000LL * 1'000'000 + 123'456;
  e.duration_ms = 0.25;
  e.sql = "SELECT $1::text,\n  $2 -- \"quoted\" ✓";
  e.protocol = Protocol::kExtended;
  e.statement_name = "by_id";
  e.parameters = {"it's", std::nullopt, "line1\nline2"};
  e.outcome = {false, "42703"};
  return e;
}

const char* const kHeader = "{\"pgshadow_capture\":1}\n";
const char* const kGoodEvent =
    R"({"session":"s","user":"u","database":"d","application":"a","start":"2026-11-23T10:00:00.000000Z","sql":"SELECT 1","protocol":"simple","parameters":[],"outcome":{"ok":true}})"
    "\n";

}  // namespace

TEST_CASE("CaptureWriter writes the header, then one documented line per event", "[jsonl]") {
  std::ostringstream out;
  CaptureWriter writer(out);
  writer.write(sample_event());
  CHECK(out.str() ==
        "{\"pgshadow_capture\":1,\"written_by\":\"pgshadow " PGSHADOW_VERSION "\"}\n"
        R"({"session":"6b042224.1cc7","user":"alice","database":"shop","application":"checkout",)"
        R"("start":"2026-11-23T10:00:00.123456Z","duration_ms":0.25,)"
        R"("sql":"SELECT $1::text,\n  $2 -- \"quoted\" ✓","protocol":"extended",)"
        R"("statement_name":"by_id","parameters":["it's",null,"line1\nline2"],)"
        R"("outcome":{"ok":false,"sqlstate":"42703"}})"
        "\n");
}

TEST_CASE("a written capture reads back to the same events", "[jsonl]") {
  std::ostringstream out;
  CaptureWriter writer(out);
  Event simple;
  simple.session_id = "s2";
  simple.sql = "BEGIN";
  writer.write(sample_event());
  writer.write(simple);
  TempDir dir;
  const std::string file = dir.write("capture.jsonl", out.str());
  const ReadAll all = read_all({file});
  REQUIRE(all.events.size() == 2);
  const Event& e = all.events[0];
  const Event expected = sample_event();
  CHECK(e.session_id == expected.session_id);
  CHECK(e.user == expected.user);
  CHECK(e.database == expected.database);
  CHECK(e.application == expected.application);
  CHECK(e.start_us == expected.start_us);
  CHECK(e.duration_ms == expected.duration_ms);
  CHECK(e.sql == expected.sql);
  CHECK(e.protocol == expected.protocol);
  CHECK(e.statement_name == expected.statement_name);
  CHECK(e.parameters == expected.parameters);
  CHECK(e.outcome.succeeded == false);
  CHECK(e.outcome.sqlstate == "42703");
  CHECK(e.source.to_string() == file + ":2");
  CHECK_FALSE(all.events[1].duration_ms);
  CHECK(all.events[1].outcome.succeeded);
  CHECK(all.events[1].sequence == 1);
  check_accounting_invariant(all);
  CHECK(all.accounting.not_statement_by_kind.at("header") == 1);
}

TEST_CASE("a failed outcome without a SQLSTATE (a stderr log without %e) reads and writes as unknown", "[jsonl]") {
  TempDir dir;
  const std::string file = dir.write(
      "unknown.jsonl", std::string(kHeader) +
                           R"({"session":"s","user":"u","database":"d","application":"a","start":"2026-11-23T10:00:00Z","sql":"X","protocol":"simple","parameters":[],"outcome":{"ok":false}})" "\n");
  const ReadAll all = read_all({file});
  REQUIRE(all.events.size() == 1);
  CHECK_FALSE(all.events[0].outcome.succeeded);
  CHECK(all.events[0].outcome.sqlstate.empty());
  CHECK(all.problem_total == 0);
}

TEST_CASE("malformed capture lines are reported with file:line and reading continues", "[jsonl]") {
  TempDir dir;
  const std::string bad_start = R"({"session":"s","user":"u","database":"d","application":"a","start":"yesterday","sql":"SELECT 1","protocol":"simple","parameters":[],"outcome":{"ok":true}})";
  const std::string file = dir.write(
      "bad.jsonl", std::string(kHeader) + kGoodEvent + "{not json\n" +
                       R"({"session":"s","user":"u","database":"d","application":"a","start":"2026-11-23T10:00:00Z","protocol":"simple","parameters":[],"outcome":{"ok":true}})" "\n" +
                       R"({"session":"s","user":"u","database":"d","application":"a","start":"2026-11-23T10:00:00Z","sql":42,"protocol":"simple","parameters":[],"outcome":{"ok":true}})" "\n" +
                       "[1,2]\n" + bad_start + "\n" +
                       R"({"session":"s","user":"u","database":"d","application":"a","start":"2026-11-23T10:00:00Z","sql":"X","protocol":"simple","parameters":[],"outcome":{"ok":false,"sqlstate":"427"}})" "\n" +
                       "\n" + kGoodEvent);
  const ReadAll all = read_all({file});
  CHECK(all.events.size() == 2);
  CHECK(all.events[1].source.to_string() == file + ":10");
  REQUIRE(all.problem_total == 6);
  CHECK(all.problems[0].where.to_string() == file + ":3");
  CHECK(all.problems[0].reason == "not JSON");
  CHECK(all.problems[1].where.to_string() == file + ":4");
  CHECK(all.problems[1].reason == "missing field");
  CHECK(all.problems[1].detail == "field 'sql' is missing");
  CHECK(all.problems[2].where.to_string() == file + ":5");
  CHECK(all.problems[2].reason == "wrong field type");
  CHECK(all.problems[2].detail == "field 'sql' must be a string");
  CHECK(all.problems[3].reason == "not a JSON object");
  CHECK(all.problems[4].where.to_string() == file + ":7");
  CHECK(all.problems[4].reason == "bad field value");
  CHECK(all.problems[5].detail == "field 'outcome.sqlstate' must have 5 characters");
  check_accounting_invariant(all);
  CHECK(all.accounting.lines_read == 10);
}

TEST_CASE("unknown fields are ignored", "[jsonl]") {
  TempDir dir;
  const ReadAll all = read_all({dir.write(
      "future.jsonl",
      R"({"pgshadow_capture":1,"written_by":"pgshadow 9","new_header_field":true})" "\n"
      R"({"session":"s","user":"u","database":"d","application":"a","start":"2026-11-23T10:00:00Z","sql":"SELECT 1","protocol":"simple","parameters":null,"outcome":{"ok":true,"rows":3},"tags":["x"]})" "\n")});
  REQUIRE(all.events.size() == 1);
  CHECK(all.problem_total == 0);
}

TEST_CASE("a field given twice counts as its last, a whole-number duration reads, escapes and bad UTF-8 are told apart",
          "[jsonl]") {
  TempDir dir;
  const std::string file = dir.write(
      "edges.jsonl",
      std::string(kHeader) +
          R"({"session":"first","session":"s2","user":"u","database":"d","application":"a","start":"2026-11-23T10:00:00Z","duration_ms":3,"sql":"SELECT '\u00e9\n'","protocol":"extended","statement_name":"p1","parameters":["x",null,"\ud83d\ude00"],"outcome":{"ok":false,"sqlstate":"23505"}})" "\n" +
          "{\"session\":\"s\",\"user\":\"\xff\"}\n" + "{\"pgshadow_capture\":1} trailing\n");
  const ReadAll all = read_all({file});
  REQUIRE(all.events.size() == 1);
  const Event& event = all.events[0];
  CHECK(event.session_id == "s2");
  REQUIRE(event.duration_ms.has_value());
  CHECK(*event.duration_ms == 3.0);
  CHECK(event.sql == "SELECT '\u00e9\n'");
  CHECK(event.statement_name == "p1");
  REQUIRE(event.parameters.size() == 3);
  CHECK_FALSE(event.parameters[1].has_value());
  CHECK(*event.parameters[2] == "\U0001F600");
  CHECK(event.outcome.sqlstate == "23505");
  REQUIRE(all.problem_total == 2);
  CHECK(all.problems[0].where.to_string() == file + ":3");
  CHECK(all.problems[0].reason == "not JSON");
  CHECK(all.problems[0].detail.find("invalid string: ill-formed UTF-8 byte") != std::string::npos);
  CHECK(all.problems[1].where.to_string() == file + ":4");
  CHECK(all.problems[1].reason == "not JSON");
  CHECK(all.problems[1].detail.find("line 1, column 26: syntax error while parsing value - invalid literal") != std::string::npos);
  check_accounting_invariant(all);
}

TEST_CASE("an unknown format version is an error, not a guess", "[jsonl]") {
  TempDir dir;
  const std::string file = dir.write("v2.jsonl", std::string("{\"pgshadow_capture\":2}\n") + kGoodEvent);
  auto source = open_capture({file});
  REQUIRE(source.ok());
  auto next = (*source)->next();
  REQUIRE_FALSE(next.ok());
  CHECK(next.error().message == file + ":1: unsupported capture format version 2 (this pgshadow reads version 1)");
}

TEST_CASE("a .jsonl file without the header is not read as a capture", "[jsonl]") {
  TempDir dir;
  const std::string file = dir.write("headless.jsonl", kGoodEvent);
  auto source = open_capture({file});
  REQUIRE(source.ok());
  auto next = (*source)->next();
  REQUIRE_FALSE(next.ok());
  CHECK(next.error().message == file +
                                    ":1: not a pgshadow capture file: the first line must be the "
                                    "header {\"pgshadow_capture\":1,...}");
}
