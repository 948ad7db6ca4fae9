// --migrate-during's AT, and the names of a statement's place against the migration.
#include <charconv>
#include <string>

#include "pgshadow/replay/replay.h"

namespace pgshadow::replay {

const char* name_of(MigrationPhase phase) {
  switch (phase) {
    case MigrationPhase::kNone: return "none";
    case MigrationPhase::kBefore: return "before";
    case MigrationPhase::kDuring: return "during";
    case MigrationPhase::kAfter: return "after";
  }
  return "none";
}

Result<CapturePoint> parse_capture_point(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  if (text == "busiest") return CapturePoint{std::nullopt, std::nullopt, true};
  if (!text.empty() && text.back() == '%') {
    double percent = -1;
    const std::string_view number = text.substr(0, text.size() - 1);
    const auto parsed = std::from_chars(number.data(), number.data() + number.size(), percent);
    if (parsed.ec != std::errc() || parsed.ptr != number.data() + number.size() || percent < 0 || percent > 100) {
      return Error::bad_input("--migrate-during: " + quoted + " is not a share of the capture (0% to 100%)");
    }
    return CapturePoint{std::nullopt, percent / 100.0};
  }
  if (const auto offset = parse_postgres_duration(text)) return CapturePoint{*offset, std::nullopt};
  return Error::bad_input("--migrate-during: " + quoted +
                          " is neither a time into the capture (30s, 1.5min, 250ms), a share of it (50%), nor busiest");
}

}  // namespace pgshadow::replay
