// The capture quality rule: a capture with nothing to compare, or mostly unusable, is refused
// with its main reason, count and first file:line.
#include "pgshadow/capture/capture_quality.h"

#include <catch2/catch.hpp>

using namespace pgshadow;
using namespace pgshadow::capture;

TEST_CASE("an empty capture is refused as empty", "[quality]") {
  InputAccounting accounting;
  InputProblems problems;
  const Status s = check_capture_quality({accounting, problems, 0, nullptr, "csvlog: empty.csv"});
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message == "the capture is empty: no line was read from csvlog: empty.csv");
}

TEST_CASE("a log without statements says which settings log them", "[quality]") {
  InputAccounting accounting;
  accounting.lines_read = accounting.lines_not_statements = 12;
  InputProblems problems;
  const Status s = check_capture_quality({accounting, problems, 0, nullptr, "stderr: a.log"});
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message ==
        "no statement in the capture: its 12 lines are other messages (connections, checkpoints, ...); the "
        "server logs statements with log_statement = 'all' or log_min_duration_statement = 0");
}

TEST_CASE("garbage lines: the main problem with its count and first place", "[quality]") {
  InputAccounting accounting;
  accounting.lines_read = 3;
  InputProblems problems;
  problems.report({"a.log", 1}, "line without log_line_prefix", "does not start with ...");
  problems.report({"a.log", 2}, "line without log_line_prefix", "does not start with ...");
  problems.report({"a.log", 3}, "truncated last line", "cut");
  const Status s = check_capture_quality({accounting, problems, 0, nullptr, "stderr: a.log"});
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message ==
        "no statement could be read from the capture: 3 lines could not be used; the main reason: line without "
        "log_line_prefix (2 lines, the first at a.log:1: does not start with ...)");
}

TEST_CASE("more unusable statements than --max-unusable allows are refused: up to it they pass", "[quality]") {
  InputAccounting accounting;
  accounting.events = 98;
  accounting.add_unusable_statement({"t.csv", 7}, "time zone not known", "zone 'XYZ'");
  accounting.add_unusable_statement({"t.csv", 9}, "time zone not known", "zone 'XYZ'");
  InputProblems problems;
  const Status refused = check_capture_quality({accounting, problems, 98, nullptr, "csvlog: t.csv"});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message ==
        "2 statement records of 100 (2.0%) could not be used, more than --max-unusable allows (1.0%); the main "
        "reason: time zone not known (2 records, the first at t.csv:7: zone 'XYZ')");
  CHECK(check_capture_quality({accounting, problems, 98, nullptr, "csvlog: t.csv"}, 0.02).ok());
}

TEST_CASE("filters that leave nothing are named with what they left out", "[quality]") {
  InputAccounting accounting;
  accounting.events = 5;
  InputProblems problems;
  const std::map<std::string, std::uint64_t> filtered{{"database", 3}, {"user", 2}};
  const Status s = check_capture_quality({accounting, problems, 0, &filtered, "csvlog: t.csv"});
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message == "nothing to compare: the filters left out all 5 events of the capture (3 database, 2 user)");
}
