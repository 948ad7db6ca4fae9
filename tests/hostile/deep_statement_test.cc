// A statement nested deeper than the parser's walks can go on a normal stack.
// Before: 30,000 chained "+ 1" overflowed the stack in pg_query_normalize (via sql::shape_of):
// SIGSEGV of `pgshadow capture --stats` and of `pgshadow verify`.
#include <catch2/catch.hpp>

#include "hostile_support.h"

namespace pgshadow::hostile {
namespace {

std::string chained_plus_ones(int count) {
  std::string sql = "SELECT 1";
  for (int i = 0; i < count; ++i) sql += " + 1";
  return sql;
}

}  // namespace

TEST_CASE("30,000 chained + 1: capture --stats counts the statement, no crash", "[deep]") {
  TempDir dir;
  dir.write("capture.jsonl", capture_header() + "\n" + capture_event(1, chained_plus_ones(30'000)) + "\n");
  const Outcome run = run_pgshadow({{"capture", dir.file("capture.jsonl"), "--stats", "--json"}});
  INFO(run.err);
  REQUIRE(run.exit_status == 0);
  const json stats = json::parse(run.out);
  CHECK(stats["statements"] == 1);
  CHECK(stats["shapes"] == 1);
  CHECK(stats["lines"]["balanced"] == true);
}

TEST_CASE("30,000 chained + 1: verify replays it, reports the shape as too deep, every event accounted", "[deep][server]") {
  TempDir dir;
  write_scenario(dir, "CREATE TABLE t (id int);\n", "ALTER TABLE t ADD COLUMN v int;\n",
                 {capture_event(1, chained_plus_ones(30'000)), capture_event(2, "SELECT count(*) FROM t")});
  const Outcome run = run_pgshadow({{"verify", dir.path(), "--report", dir.file("report.json")}});
  INFO(run.out << run.err);
  CHECK(run.exit_status == 0);
  const json report = json::parse(read_file(dir.file("report.json")));
  CHECK(report["accounting"]["events"] == 2);
  CHECK(report["accounting"]["compared"] == 2);
  CHECK(report["accounting"]["balanced"] == true);
  bool too_deep_shown = false;
  for (const json& shape : report["shapes"]) too_deep_shown |= shape["normalized"] == "<too deep to parse>";
  CHECK(too_deep_shown);
}

}  // namespace pgshadow::hostile
