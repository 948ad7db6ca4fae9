#pragma once
// Timestamps as capture reads and writes them. All results are microseconds since the Unix
// epoch, UTC. Pure functions, thread-safe.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pgshadow/util/result.h"

namespace pgshadow::capture {

// A server log time: "2026-11-23 10:00:00.123 CET" (fraction optional, up to six digits). The
// zone is read as LogTimeZone's default table does (log_time_zone.h: UTC, numeric offsets, common
// abbreviations); readers that know the server's log_timezone use a LogTimeReader instead.
Result<std::int64_t> parse_log_time(std::string_view text);

// Splits a log time into its wall clock (µs since the epoch, as if UTC) and its zone text;
// false when it is not "YYYY-MM-DD HH:MM:SS[.f] ZONE".
bool split_log_time(std::string_view text, std::int64_t& wall_us, std::string_view& zone);

// "UTC", "GMT", "UCT", "Z" or a numeric offset ("+03", "-0330", "+05:30"): seconds east of UTC.
std::optional<std::int64_t> parse_numeric_zone(std::string_view zone);

// The capture format's "2026-11-23T10:00:00.123456Z": always UTC ("Z"), fraction optional.
Result<std::int64_t> parse_iso8601_utc(std::string_view text);

// Formats with exactly six fraction digits, e.g. "2026-11-23T10:00:00.123456Z".
std::string format_iso8601_utc(std::int64_t unix_us);

}  // namespace pgshadow::capture
