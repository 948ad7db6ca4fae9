#include "pgshadow/util/utc_time.h"

#include <ctime>

namespace pgshadow {

std::string iso8601_utc(std::int64_t unix_seconds) {
  const std::time_t seconds = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

std::string iso8601_utc_now() { return iso8601_utc(std::time(nullptr)); }

}  // namespace pgshadow
