#include "../../src/capture/timestamp.h"

#include <catch2/catch.hpp>

using pgshadow::capture::format_iso8601_utc;
using pgshadow::capture::parse_iso8601_utc;
using pgshadow::capture::parse_log_time;

namespace {
constexpr std::int64_t k2026_11_23_10h = 1795428000LL * 1'000'000;  // 2026-11-23T10:00:00Z
}

TEST_CASE("a csvlog time in UTC reads as microseconds since the epoch", "[timestamp]") {
  auto t = parse_log_time("2026-11-23 10:00:00.123 UTC");
  REQUIRE(t.ok());
  CHECK(*t == k2026_11_23_10h + 123'000);
  CHECK(*parse_log_time("2026-11-23 10:00:00 GMT") == k2026_11_23_10h);
}

TEST_CASE("a csvlog time with a numeric offset is converted to UTC", "[timestamp]") {
  CHECK(*parse_log_time("2026-11-23 13:00:00.000 +03") == k2026_11_23_10h);
  CHECK(*parse_log_time("2026-11-23 06:30:00.000 -0330") == k2026_11_23_10h);
  CHECK(*parse_log_time("2026-11-23 15:30:00.000 +05:30") == k2026_11_23_10h);
}

TEST_CASE("a log time in a zone abbreviation of the default table reads with its offset", "[timestamp]") {
  CHECK(*parse_log_time("2026-11-23 11:00:00.000 CET") == k2026_11_23_10h);
  CHECK(*parse_log_time("2026-11-23 05:00:00.000 EST") == k2026_11_23_10h);
  CHECK(*parse_log_time("2026-11-23 13:00:00.000 MSK") == k2026_11_23_10h);
  CHECK(*parse_log_time("2026-11-23 15:30:00.000 IST") == k2026_11_23_10h);  // India, by default
}

TEST_CASE("a log time in a zone no table knows is an error that names it and the options", "[timestamp]") {
  auto t = parse_log_time("2026-11-23 15:30:00.000 XYZ");
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().message ==
        "log_time '2026-11-23 15:30:00.000 XYZ' has time zone 'XYZ', which is not in pgshadow's table of "
        "abbreviations: give the server's log_timezone with --log-timezone NAME (an IANA name such as "
        "Europe/Berlin) or --log-settings postgresql.conf");
}

TEST_CASE("malformed csvlog times are rejected", "[timestamp]") {
  CHECK_FALSE(parse_log_time("2026-13-01 00:00:00 UTC").ok());
  CHECK_FALSE(parse_log_time("2026-02-30 00:00:00 UTC").ok());
  CHECK_FALSE(parse_log_time("2026-11-23T10:00:00 UTC").ok());
  CHECK_FALSE(parse_log_time("").ok());
}

TEST_CASE("ISO-8601 times round-trip with microseconds", "[timestamp]") {
  const std::int64_t us = k2026_11_23_10h + 123'456;
  CHECK(format_iso8601_utc(us) == "2026-11-23T10:00:00.123456Z");
  CHECK(*parse_iso8601_utc("2026-11-23T10:00:00.123456Z") == us);
  CHECK(*parse_iso8601_utc("2026-11-23T10:00:00Z") == k2026_11_23_10h);
  CHECK(format_iso8601_utc(-1) == "1969-12-31T23:59:59.999999Z");
}

TEST_CASE("ISO-8601 times must be UTC with a Z", "[timestamp]") {
  CHECK_FALSE(parse_iso8601_utc("2026-11-23T10:00:00.123456+01:00").ok());
  CHECK_FALSE(parse_iso8601_utc("2026-11-23 10:00:00Z").ok());
  CHECK_FALSE(parse_iso8601_utc("2026-11-23T10:00:00.1234567Z").ok());
}
