// read_progress: how far through its files a capture is, for the progress line and the time left.
#include <sstream>

#include <catch2/catch.hpp>

#include "capture_test_support.h"
#include "pgshadow/capture/capture_writer.h"

using namespace pgshadow;
using namespace pgshadow::capture;
using namespace pgshadow::capture::testing;

namespace {

// A capture big enough (about 400 kB) that reading it takes many buffer fills.
std::string capture_of(int events, const std::string& session) {
  std::ostringstream out;
  CaptureWriter writer(out);
  for (int i = 0; i < events; ++i) {
    Event e;
    e.session_id = session;
    e.sql = "SELECT id, name, email FROM users WHERE id = " + std::to_string(i) + " AND status = 'active'";
    e.start_us = 1'700'000'000'000'000 + i * 1000;
    writer.write(e);
  }
  return out.str();
}

// Reads `count` events and returns the fraction read then.
double fraction_after(EventSource& source, int count) {
  for (int i = 0; i < count; ++i) {
    auto next = source.next();
    REQUIRE(next.ok());
    REQUIRE(next->has_value());
  }
  const auto progress = source.read_progress();
  REQUIRE(progress.has_value());
  REQUIRE(progress->bytes_total > 0);
  return static_cast<double>(progress->bytes_read) / static_cast<double>(progress->bytes_total);
}

}  // namespace

TEST_CASE("the share of a capture read grows with the events read and ends at one", "[read_progress]") {
  TempDir dir;
  const std::string file = dir.write("capture.jsonl", capture_of(2000, "a"));
  auto source = open_capture({file});
  REQUIRE(source.ok());
  const double quarter = fraction_after(**source, 500);
  const double three_quarters = fraction_after(**source, 1000);
  CHECK(quarter > 0.15);
  CHECK(quarter < 0.35);
  CHECK(three_quarters > 0.65);
  CHECK(three_quarters < 0.85);
  auto end = (*source)->next();
  for (int i = 0; i < 500; ++i) end = (*source)->next();
  REQUIRE(end.ok());
  CHECK_FALSE(end->has_value());
  const auto done = (*source)->read_progress();
  REQUIRE(done.has_value());
  CHECK(done->bytes_read == done->bytes_total);
}

TEST_CASE("several inputs read side by side add up their bytes", "[read_progress]") {
  TempDir dir;
  const std::string first = dir.write("first.jsonl", capture_of(1000, "a"));
  const std::string second = dir.write("second.jsonl", capture_of(1000, "b"));
  auto source = open_capture({first, second});
  REQUIRE(source.ok());
  // Merged by start time, the two inputs are read alike: half the events is half the bytes.
  const double half = fraction_after(**source, 1000);
  CHECK(half > 0.35);
  CHECK(half < 0.65);
  const auto progress = (*source)->read_progress();
  CHECK(progress->bytes_total == std::filesystem::file_size(first) + std::filesystem::file_size(second));
}

TEST_CASE("rotated files read one after the other count the closed ones whole", "[read_progress]") {
  TempDir dir;
  // Two csvlog files of one server, the second starting where the first ends.
  std::string rows_a, rows_b;
  for (int i = 0; i < 3000; ++i) {
    const std::string row = "2026-11-23 10:00:0" + std::string(i < 1500 ? "1" : "2") + ".000 UTC,\"app\",\"shop\",100,"
                            "\"[local]\",6560f0d0.64," + std::to_string(i + 1) + ",\"SELECT\",2026-11-23 10:00:00 UTC,"
                            "3/0,0,LOG,00000,\"duration: 0.100 ms  statement: SELECT " + std::to_string(i) +
                            "\",,,,,,,,,\"psql\",client backend,,0\n";
    (i < 1500 ? rows_a : rows_b) += row;
  }
  dir.write("logs/postgresql-1.csv", rows_a);
  dir.write("logs/postgresql-2.csv", rows_b);
  auto source = open_capture({dir.path("logs")});
  REQUIRE(source.ok());
  const double past_first = fraction_after(**source, 2250);
  CHECK(past_first > 0.6);
  CHECK(past_first < 0.9);
}
