#pragma once
// The time zone of a server log's times. PostgreSQL writes log times (%m, %t, csvlog's and
// jsonlog's timestamps) in log_timezone, with the zone as the server's zone database names it:
// "UTC", a numeric offset ("+03", "-0330") for zones without an abbreviation, or an
// abbreviation ("CET", "CEST", "EDT", "IST"). An abbreviation alone is ambiguous (IST is India,
// Ireland and Israel), so it is read:
// - with the server's log_timezone known (--log-timezone, or log_timezone in --log-settings):
//   by the IANA zone database (Howard Hinnant's date/tz over the system's tzdata), which also
//   says which of the two readings of a wall time in the repeated hour at the end of summer
//   time the abbreviation means (02:30 CEST or 02:30 CET);
// - otherwise by a table of common abbreviations (default_abbreviations()), each read as the
//   offset it has in the zone most servers writing it run in; the ambiguous ones say so.
// LogTimeZone is immutable (thread-safe); LogTimeReader caches one zone period and is not.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "pgshadow/util/result.h"

namespace date {
class time_zone;
}

namespace pgshadow::capture {

struct DefaultAbbreviation {
  std::string_view abbreviation;
  std::int32_t offset_seconds;  // east of UTC
  std::string_view stands_for;  // "Europe/Berlin in winter"; for an ambiguous one, the others too
};

// The table used when log_timezone is not known, sorted by abbreviation.
const std::map<std::string_view, DefaultAbbreviation>& default_abbreviations();

class LogTimeZone {
 public:
  // Why a log time could not be read: the problem reasons of the capture accounting.
  static constexpr std::string_view kUnknownZone = "time zone not known";
  static constexpr std::string_view kZoneMismatch = "time zone not of log_timezone";
  static constexpr std::string_view kBadTime = "bad log_time";

  // Log times read by the default table.
  LogTimeZone() = default;
  // `origin` names where the name came from, for messages: "--log-timezone", "log_timezone in
  // FILE". Error (kBadInput): "ORIGIN: unknown time zone 'NAME' (an IANA name such as
  // Europe/Berlin, as in /usr/share/zoneinfo)".
  static Result<LogTimeZone> named(const std::string& iana_name, const std::string& origin);

  bool known() const { return zone_ != nullptr; }
  const std::string& name() const { return name_; }
  const std::string& origin() const { return origin_; }

  struct Reading {
    std::int64_t offset_seconds = 0;
    // The period the offset holds for (UTC µs, [begin, end)); the whole line of time for a
    // fixed offset.
    std::int64_t begin_us = INT64_MIN;
    std::int64_t end_us = INT64_MAX;
    std::string how;  // "+01:00 (Europe/Berlin, --log-timezone)", "+05:30 (default table: India...)"
  };
  // How `zone` (the text after the wall time) is read at wall time `wall_us` (µs, as if UTC).
  // Error: the reason (kUnknownZone, kZoneMismatch, kBadTime) and the message, in `reason`.
  Result<Reading> read_zone(std::string_view zone, std::int64_t wall_us, std::string_view& reason) const;

  // The message for a zone the default table does not hold, naming the options that fix it.
  static std::string unknown_zone_message(std::string_view log_time, std::string_view zone);

 private:
  const date::time_zone* zone_ = nullptr;
  std::string name_;
  std::string origin_;
};

// Reads whole log times ("2026-11-23 10:00:00.123 CET") with one LogTimeZone, caching the zone
// period of the last time read (a log's times are in one or two periods). Not thread-safe;
// borrows the zone.
class LogTimeReader {
 public:
  explicit LogTimeReader(const LogTimeZone& zone) : zone_(&zone) {}

  // Microseconds since the epoch, UTC. On error, reason() says which kind it was.
  Result<std::int64_t> read(std::string_view log_time);
  std::string_view reason() const { return reason_; }
  // Set by read() when it met a zone text it had not cached: the zone and how it was read.
  std::optional<std::pair<std::string, std::string>> take_new_reading();

 private:
  const LogTimeZone* zone_;
  std::string cached_zone_;
  LogTimeZone::Reading cached_;
  bool has_cache_ = false;
  std::string_view reason_;
  std::optional<std::pair<std::string, std::string>> new_reading_;
};

}  // namespace pgshadow::capture
