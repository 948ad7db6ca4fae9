// How the zone after a server log time is read: the IANA zone database with the server's
// log_timezone, the default table of abbreviations without it.
#include "../../src/capture/log_time_zone.h"

#include <catch2/catch.hpp>

using pgshadow::capture::LogTimeReader;
using pgshadow::capture::LogTimeZone;

namespace {
// 2026-10-25 01:00:00 UTC: Europe/Berlin goes from 03:00 CEST back to 02:00 CET.
constexpr std::int64_t kBerlinFallBackUs = 1792890000LL * 1'000'000;

LogTimeZone zone(const std::string& name) {
  auto named = LogTimeZone::named(name, "--log-timezone");
  REQUIRE(named.ok());
  return std::move(*named);
}
}  // namespace

TEST_CASE("in the hour that repeats at the end of summer time, the abbreviation says which one", "[zone]") {
  const LogTimeZone berlin = zone("Europe/Berlin");
  LogTimeReader reader(berlin);
  CHECK(*reader.read("2026-10-25 02:30:00 CEST") == kBerlinFallBackUs - 1800LL * 1'000'000);
  CHECK(*reader.read("2026-10-25 02:30:00 CET") == kBerlinFallBackUs + 1800LL * 1'000'000);
  CHECK(*reader.read("2026-10-25 02:30:00.5 CEST") == kBerlinFallBackUs - 1800LL * 1'000'000 + 500'000);
}

TEST_CASE("an abbreviation the named zone does not use then is an error naming both", "[zone]") {
  const LogTimeZone new_york = zone("America/New_York");
  LogTimeReader reader(new_york);
  CHECK(*reader.read("2026-12-01 04:00:00 EST") == *reader.read("2026-12-01 09:00:00 UTC"));
  auto wrong = reader.read("2026-12-01 10:00:00 CET");
  REQUIRE_FALSE(wrong.ok());
  CHECK(reader.reason() == LogTimeZone::kZoneMismatch);
  CHECK(wrong.error().message ==
        "log_time '2026-12-01 10:00:00 CET' has time zone 'CET', which America/New_York (--log-timezone) does "
        "not use at that time; give the server's log_timezone with --log-timezone NAME");
  auto summer = reader.read("2026-12-01 05:00:00 EDT");  // New York is on EST in December
  CHECK_FALSE(summer.ok());
}

TEST_CASE("a wall time skipped when summer time starts does not exist", "[zone]") {
  const LogTimeZone berlin = zone("Europe/Berlin");
  LogTimeReader reader(berlin);
  auto skipped = reader.read("2026-03-29 02:30:00 CET");
  REQUIRE_FALSE(skipped.ok());
  CHECK(reader.reason() == LogTimeZone::kBadTime);
  CHECK(skipped.error().message ==
        "log_time '2026-03-29 02:30:00 CET' does not exist in Europe/Berlin (--log-timezone): it falls in "
        "the hour skipped when summer time starts");
}

TEST_CASE("an unknown IANA name is refused with where it came from", "[zone]") {
  auto unknown = LogTimeZone::named("Europe/Atlantis", "log_timezone in postgresql.conf");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message ==
        "log_timezone in postgresql.conf: unknown time zone 'Europe/Atlantis' (an IANA name such as Europe/Berlin, "
        "as in /usr/share/zoneinfo)");
}

TEST_CASE("without the zone, the default table reads common abbreviations and says how", "[zone]") {
  const LogTimeZone table;
  LogTimeReader reader(table);
  CHECK(*reader.read("2026-12-01 10:00:00 CET") == *reader.read("2026-12-01 09:00:00 UTC"));
  CHECK(*reader.read("2026-07-01 11:00:00 CEST") == *reader.read("2026-07-01 09:00:00 UTC"));
  REQUIRE(reader.read("2026-12-01 14:30:00 IST").ok());
  const auto reading = reader.take_new_reading();
  REQUIRE(reading);
  CHECK(reading->first == "IST");
  CHECK(reading->second ==
        "+05:30 (the default table: India Standard Time (Asia/Kolkata); also Irish Standard Time (+01:00) and "
        "Israel Standard Time (+02:00); --log-timezone for another zone)");
  CHECK(*reader.read("2026-12-01 12:00:00 +03") == *reader.read("2026-12-01 09:00:00 UTC"));
}
