// scenarios/rename-column-breaking's traffic, re-recorded by a real server under
// log_timezone = 'Europe/Berlin' (tests/data/capture/wild/record rename_column): times in CET.
// Read in any of the three formats the server wrote, the migration is breaking (exit 1); with
// the times made unreadable, the run refuses the capture (exit 2), never "safe".
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "run_support.h"

using namespace pgshadow::e2e;

namespace {

const std::string kScenario = std::string(PGSHADOW_SOURCE_DIR) + "/scenarios/rename-column-breaking";
const std::string kTraffic = std::string(PGSHADOW_TEST_DATA_DIR) + "/capture/wild/rename_column/";

RunOutput verify_with(const std::string& capture) {
  return run_pgshadow({"verify", "--baseline", kScenario + "/baseline.sql", "--migration",
                       kScenario + "/migrations/001_rename_name_to_full_name.sql", "--capture", capture,
                       "--no-color"});
}

}  // namespace

TEST_CASE("rename-column-breaking recorded in Europe/Berlin is breaking in stderr, csvlog and jsonlog",
          "[e2e][server][wild]") {
  for (const char* file : {"postgresql.log", "postgresql.csv", "postgresql.json"}) {
    const RunOutput run = verify_with(kTraffic + file);
    INFO(file << ": " << run.out << run.err);
    CHECK(run.exit_status == 1);
    CHECK_THAT(run.out, Catch::Contains("BREAKING"));
    CHECK_THAT(run.out, Catch::Contains("error_shadow_only"));
  }
}

TEST_CASE("the same traffic with unreadable times is refused with the zone and the option, exit 2",
          "[e2e][server][wild]") {
  const RunOutput run = verify_with(kTraffic + "unreadable-times.csv");
  INFO(run.out << run.err);
  CHECK(run.exit_status == 2);
  CHECK_THAT(run.err, Catch::Contains("pgshadow: no statement could be read from the capture: 293 statement records "
                                      "could not be used; the main reason: time zone not known (293 records, the first at " +
                                      kTraffic + "unreadable-times.csv:"));
  CHECK_THAT(run.err, Catch::Contains("has time zone 'XYZ', which is not in pgshadow's table of abbreviations: give "
                                      "the server's log_timezone with --log-timezone NAME"));
  CHECK_THAT(run.out, !Catch::Contains("SAFE"));
}

TEST_CASE("capture -o of unreadable times exits 2 and leaves no capture file", "[e2e][wild]") {
  TempDir dir;
  const RunOutput run = run_pgshadow({"capture", kTraffic + "unreadable-times.csv", "-o", dir.file("out.jsonl")});
  CHECK(run.exit_status == 2);
  CHECK_THAT(run.err, Catch::StartsWith("pgshadow: no statement could be read from the capture: 293 statement records"));
  CHECK_FALSE(std::ifstream(dir.file("out.jsonl")).good());
}

TEST_CASE("a filter that matches nothing is refused, naming what the filters left out", "[e2e][wild]") {
  TempDir dir;
  const RunOutput run = run_pgshadow({"capture", kTraffic + "postgresql.csv", "--database", "nosuchdb", "-o",
                                      dir.file("out.jsonl")});
  CHECK(run.exit_status == 2);
  CHECK(run.err == "pgshadow: nothing to compare: the filters left out all 293 events of the capture (293 database)\n");
}

TEST_CASE("a wrong --log-line-prefix is refused with the main reason and its first line", "[e2e][wild]") {
  const RunOutput run = run_pgshadow({"capture", kTraffic + "postgresql.log", "--log-line-prefix", "%t <%p> ", "--stats"});
  CHECK(run.exit_status == 2);
  CHECK_THAT(run.err, Catch::StartsWith("pgshadow: no statement could be read from the capture: "));
  CHECK_THAT(run.err, Catch::Contains("statement records could not be used; the main reason: line without "
                                      "log_line_prefix ("));
  // The first statement line, named by file:line, quoted only up to its message's first word.
  CHECK_THAT(run.err, Catch::Contains("the first at " + kTraffic + "postgresql.log:32: does not start with "
                                      "log_line_prefix '%t <%p> ' and a severity: '"));
  CHECK_THAT(run.err, Catch::EndsWith("postgres@app LOG:  statement: ...')\n"));
}
