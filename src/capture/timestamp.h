#pragma once
// Timestamps as capture reads and writes them. All results are microseconds since the Unix
// epoch, UTC. Pure functions, thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include "pgshadow/util/result.h"

namespace pgshadow::capture {

// csvlog's log_time: "2026-11-23 10:00:00.123 UTC" (fraction optional, any number of digits up
// to six). The zone is what the server's log_timezone prints: "UTC"/"GMT"/"UCT"/"Z", or a numeric
// offset "+03", "-0330", "+05:30" (zones without an abbreviation). Other abbreviations ("IST",
// "CET") are ambiguous without the zone database and are an error naming them.
Result<std::int64_t> parse_log_time(std::string_view text);

// The capture format's "2026-11-23T10:00:00.123456Z": always UTC ("Z"), fraction optional.
Result<std::int64_t> parse_iso8601_utc(std::string_view text);

// Formats with exactly six fraction digits, e.g. "2026-11-23T10:00:00.123456Z".
std::string format_iso8601_utc(std::int64_t unix_us);

}  // namespace pgshadow::capture
