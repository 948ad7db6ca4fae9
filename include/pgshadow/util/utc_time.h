#pragma once
// Times as every report and run id writes them: UTC, to the second, "2026-11-23T10:00:00Z".
#include <cstdint>
#include <string>

namespace pgshadow {

std::string iso8601_utc(std::int64_t unix_seconds);
// The current time, as iso8601_utc.
std::string iso8601_utc_now();

}  // namespace pgshadow
