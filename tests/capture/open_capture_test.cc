// open_capture: what a user names on the command line, and the exact messages when it is wrong.
#include <sstream>

#include <catch2/catch.hpp>

#include "capture_test_support.h"
#include "pgshadow/capture/capture_writer.h"

using namespace pgshadow;
using namespace pgshadow::capture;
using namespace pgshadow::capture::testing;

namespace {

std::string open_error(const std::vector<std::string>& paths) {
  auto source = open_capture(paths);
  REQUIRE_FALSE(source.ok());
  CHECK(source.error().kind == ErrorKind::kBadInput);
  return source.error().message;
}

std::string capture_text(const std::vector<std::pair<std::string, std::int64_t>>& sql_and_start) {
  std::ostringstream out;
  CaptureWriter writer(out);
  for (const auto& [sql, start] : sql_and_start) {
    Event e;
    e.session_id = "s";
    e.sql = sql;
    e.start_us = start;
    writer.write(e);
  }
  return out.str();
}

}  // namespace

TEST_CASE("a path that does not exist is named in the error", "[open_capture]") {
  CHECK(open_error({"/nonexistent/traffic.csv"}) == "no such file or directory: /nonexistent/traffic.csv");
}

TEST_CASE("a file that is no log by its content nor by its name is an unknown format", "[open_capture]") {
  TempDir dir;
  const std::string file = dir.write("notes.txt", "x\n");
  CHECK(open_error({file}) == "unknown capture format: " + file +
                                  " (by its content, not a PostgreSQL log (csvlog, jsonlog, stderr, syslog) nor a "
                                  "pgshadow .jsonl capture; plain or .gz, .bz2, .xz; for a stderr log of an unusual "
                                  "prefix, give --log-line-prefix)");
}

TEST_CASE("a directory without log or capture files is an error", "[open_capture]") {
  TempDir dir;
  dir.write("notes.txt", "x\n");
  CHECK(open_error({dir.path()}) == "no log or capture files in " + dir.path() +
                                        " (PostgreSQL csvlog, jsonlog, stderr or syslog logs, or .jsonl captures, "
                                        "plain or .gz, .bz2, .xz)");
}

TEST_CASE("a .log file is read as a stderr log", "[open_capture]") {
  const ReadAll all = read_all({data_path("all_formats/postgresql.log")});
  CHECK(all.description ==
        "stderr: " + data_path("all_formats/postgresql.log") + " (guessed log_line_prefix '%m [%p] ')");
  CHECK_FALSE(all.events.empty());
  check_accounting_invariant(all);
}

TEST_CASE("no path at all is an error", "[open_capture]") {
  CHECK(open_error({}) == "no capture input given");
}

TEST_CASE("a csvlog cut inside a quoted statement keeps what came before and reports the cut",
          "[open_capture]") {
  // The first 10 lines of statement_all.csv: the multi-line statement starting on line 9 is cut.
  const std::string file = data_path("truncated.csv");
  const ReadAll all = read_all({file});
  REQUIRE(all.events.size() == 1);
  CHECK(all.events[0].sql == "INSERT INTO capture_t (id, v) VALUES (1, 'it''s'), (2, 'héllo ✓');");
  REQUIRE(all.problem_total == 1);
  CHECK(all.problems[0].where.to_string() == file + ":9");
  CHECK(all.problems[0].reason == "unterminated quoted field");
  CHECK(all.accounting.lines_read == 9);
  CHECK(all.accounting.lines_not_statements == 7);
  check_accounting_invariant(all);
}

TEST_CASE("a directory of captures is read in the order of first timestamps, not names",
          "[open_capture]") {
  TempDir dir;
  dir.write("b.jsonl", capture_text({{"first", 1'000}, {"second", 2'000}}));
  dir.write("a.jsonl", capture_text({{"third", 3'000}}));
  const ReadAll all = read_all({dir.path()});
  REQUIRE(all.events.size() == 3);
  CHECK(all.events[0].sql == "first");
  CHECK(all.events[2].sql == "third");
  CHECK(all.description == "capture: 2 files in " + dir.path());
}

TEST_CASE("merged inputs interleave by start time and keep input order on ties", "[open_capture]") {
  TempDir dir;
  const std::string one = dir.write("one.jsonl", capture_text({{"1a", 100}, {"1b", 300}}));
  const std::string two = dir.write("two.jsonl", capture_text({{"2a", 100}, {"2b", 200}}));
  const ReadAll all = read_all({one, two});
  std::vector<std::string> order;
  for (const Event& e : all.events) order.push_back(e.sql);
  CHECK(order == std::vector<std::string>{"1a", "2a", "2b", "1b"});
  check_accounting_invariant(all);
  CHECK(all.description == "capture: " + one + "; capture: " + two);
}

TEST_CASE("a directory mixing server logs and capture files is refused", "[open_capture]") {
  TempDir dir;
  dir.write("a.csv", "");
  dir.write("b.jsonl", "");
  CHECK(open_error({dir.path()}) == "both pgshadow captures (.jsonl) and server logs in " + dir.path() +
                                        "; name one kind at a time");
}
