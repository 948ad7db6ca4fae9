// One real PostgreSQL 15 run logged with log_destination = 'stderr,csvlog,jsonlog'
// (tests/data/capture/record.sh, all_formats/): the jsonlog must give exactly the events of the
// csvlog, a directory holding all three is read once from the csvlog, and a .gz file or standard
// input reads the same as the plain file.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <tuple>

#include <catch2/catch.hpp>

#include "capture_test_support.h"

using namespace pgshadow;
using namespace pgshadow::capture;
using namespace pgshadow::capture::testing;

namespace {

// Everything an event carries but where it was read from and its sequence number.
void check_same_events(const std::vector<Event>& actual, const std::vector<Event>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    INFO("event " << i << ": " << expected[i].sql);
    CHECK(actual[i].session_id == expected[i].session_id);
    CHECK(actual[i].user == expected[i].user);
    CHECK(actual[i].database == expected[i].database);
    CHECK(actual[i].application == expected[i].application);
    CHECK(actual[i].start_us == expected[i].start_us);
    CHECK(actual[i].duration_ms == expected[i].duration_ms);
    CHECK(actual[i].sql == expected[i].sql);
    CHECK(actual[i].protocol == expected[i].protocol);
    CHECK(actual[i].statement_name == expected[i].statement_name);
    CHECK(actual[i].parameters == expected[i].parameters);
    CHECK(actual[i].outcome.succeeded == expected[i].outcome.succeeded);
    CHECK(actual[i].outcome.sqlstate == expected[i].outcome.sqlstate);
  }
}

// The server writes each message to the csvlog and to the jsonlog separately, so two sessions
// logging in the same millisecond can interleave differently in the two files (this recording
// has one such pair). The order that both logs determine is by start time, and within a session;
// sorted that way (stably), the two event lists must be identical.
std::vector<Event> in_logged_time_order(std::vector<Event> events) {
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return std::tie(a.start_us, a.session_id) < std::tie(b.start_us, b.session_id);
  });
  return events;
}

// Reads `file` as standard input ("-"), by pointing file descriptor 0 at it for the read.
ReadAll read_as_standard_input(const std::string& file) {
  const int saved = ::dup(0);
  const int fd = ::open(file.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  REQUIRE(::dup2(fd, 0) == 0);
  ::close(fd);
  ReadAll all = read_all({"-"});
  ::dup2(saved, 0);
  ::close(saved);
  std::clearerr(stdin);
  return all;
}

}  // namespace

TEST_CASE("jsonlog gives exactly the events of the csvlog of the same run", "[jsonlog][recorded]") {
  const ReadAll csv = read_all({data_path("all_formats/postgresql.csv")});
  const ReadAll json = read_all({data_path("all_formats/postgresql.json")});
  REQUIRE(csv.events.size() == 149);
  check_same_events(in_logged_time_order(json.events), in_logged_time_order(csv.events));
  CHECK(json.problem_total == 0);
  CHECK(json.accounting.not_statement_by_kind == csv.accounting.not_statement_by_kind);
  CHECK(json.accounting.lines_in_events == csv.accounting.lines_in_events);
  check_accounting_invariant(json);
  // csvlog counts records (the file has more physical lines: multi-line statements); jsonlog lines.
  CHECK(json.accounting.lines_read == 499);
  CHECK(csv.accounting.lines_read == 499);
  CHECK(json.description == "jsonlog: " + data_path("all_formats/postgresql.json"));
  CHECK(json.events[0].source.to_string() == data_path("all_formats/postgresql.json") + ":7");
  CHECK(csv.events[0].source.to_string() == data_path("all_formats/postgresql.csv") + ":7");
}

TEST_CASE("a directory where the server wrote three formats is read once, from the csvlog",
          "[jsonlog][recorded][open_capture]") {
  const std::string dir = data_path("all_formats");
  const ReadAll all = read_all({dir});
  const ReadAll csv = read_all({data_path("all_formats/postgresql.csv")});
  CHECK(all.description ==
        "csvlog: 1 file in " + dir + " (also found 1 jsonlog and 1 stderr file: ignored, same traffic)");
  check_same_events(all.events, csv.events);
  CHECK(all.accounting.lines_read == csv.accounting.lines_read);  // nothing counted twice
  check_accounting_invariant(all);
}

TEST_CASE("without its csvlog, the same directory is read from the jsonlog", "[jsonlog][open_capture]") {
  TempDir dir;
  std::filesystem::copy_file(data_path("all_formats/postgresql.json"), dir.path("postgresql.json"));
  std::filesystem::copy_file(data_path("all_formats/postgresql.log"), dir.path("postgresql.log"));
  const ReadAll all = read_all({dir.path()});
  CHECK(all.description ==
        "jsonlog: 1 file in " + dir.path() + " (also found 1 stderr file: ignored, same traffic)");
  check_same_events(in_logged_time_order(all.events),
                    in_logged_time_order(read_all({data_path("all_formats/postgresql.csv")}).events));
}

TEST_CASE("a glob pattern is read like a directory of the files it matches", "[open_capture]") {
  const std::string pattern = data_path("all_formats/postgresql.*");
  const ReadAll all = read_all({pattern});
  CHECK(all.description == "csvlog: 1 file matching " + pattern +
                               " (also found 1 jsonlog and 1 stderr file: ignored, same traffic)");
  CHECK(all.events.size() == 149);
  auto none = open_capture({data_path("all_formats/nothing-*.csv")});
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message == "no file matches " + data_path("all_formats/nothing-*.csv"));
}

TEST_CASE("a .gz csvlog gives the same events and accounting as the plain file", "[gzip][recorded]") {
  const ReadAll plain = read_all({data_path("statement_all.csv")});
  const ReadAll gz = read_all({data_path("statement_all.csv.gz")});
  check_same_events(gz.events, plain.events);
  CHECK(gz.accounting.lines_read == 204);
  CHECK(gz.accounting.lines_in_events == 153);
  CHECK(gz.accounting.not_statement_by_kind == plain.accounting.not_statement_by_kind);
  CHECK(gz.events[2].source.to_string() == data_path("statement_all.csv.gz") + ":13");
  check_accounting_invariant(gz);
}

TEST_CASE("a .gz jsonlog reads the same as the plain file", "[gzip][jsonlog]") {
  TempDir dir;
  const std::string json = data_path("all_formats/postgresql.json");
  REQUIRE(std::system(("gzip -n -c " + json + " > " + dir.path("postgresql.json.gz")).c_str()) == 0);
  const ReadAll gz = read_all({dir.path("postgresql.json.gz")});
  check_same_events(gz.events, read_all({json}).events);
  CHECK(gz.accounting.lines_read == 499);
  check_accounting_invariant(gz);
}

TEST_CASE("a truncated .gz stops the read with an error naming the file", "[gzip]") {
  TempDir dir;
  std::ifstream in(data_path("statement_all.csv.gz"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string file = dir.write("cut.csv.gz", bytes.substr(0, bytes.size() / 2));
  auto source = open_capture({file});
  REQUIRE(source.ok());
  Result<std::optional<Event>> next = std::optional<Event>{};
  do {
    next = (*source)->next();
  } while (next.ok() && next->has_value());
  REQUIRE_FALSE(next.ok());
  CHECK(next.error().message == "cannot read " + file + ": corrupt or truncated gzip data");
}

TEST_CASE("standard input \"-\" is read in the format its first line shows", "[stdin]") {
  const ReadAll csv = read_all({data_path("all_formats/postgresql.csv")});
  const ReadAll from_csv = read_as_standard_input(data_path("all_formats/postgresql.csv"));
  CHECK(from_csv.description == "csvlog: standard input");
  check_same_events(from_csv.events, csv.events);
  CHECK(from_csv.accounting.lines_read == 499);
  CHECK(from_csv.events[0].source.to_string() == "<stdin>:7");

  const ReadAll from_json = read_as_standard_input(data_path("all_formats/postgresql.json"));
  CHECK(from_json.description == "jsonlog: standard input");
  check_same_events(from_json.events, read_all({data_path("all_formats/postgresql.json")}).events);

  const ReadAll from_gz = read_as_standard_input(data_path("statement_all.csv.gz"));
  CHECK(from_gz.description == "csvlog: standard input");
  CHECK(from_gz.events.size() == 149);
  check_accounting_invariant(from_gz);
}

TEST_CASE("standard input holding a stderr log goes to the stderr reader", "[stdin]") {
  const ReadAll all = read_as_standard_input(data_path("all_formats/postgresql.log"));
  CHECK(all.description == "stderr: standard input (guessed log_line_prefix '%m [%p] ')");
  CHECK(all.accounting.lines_read == 642);
  CHECK_FALSE(all.events.empty());
  check_accounting_invariant(all);
}
