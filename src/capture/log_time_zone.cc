#include "log_time_zone.h"

#include <cstdio>
#include <exception>

#include <date/tz.h>

#include "timestamp.h"

namespace pgshadow::capture {
namespace {

constexpr std::int64_t kMicros = 1'000'000;

std::string offset_text(std::int64_t seconds) {
  char text[48];
  const std::int64_t magnitude = seconds < 0 ? -seconds : seconds;
  std::snprintf(text, sizeof text, "%c%02lld:%02lld", seconds < 0 ? '-' : '+',
                static_cast<long long>(magnitude / 3600), static_cast<long long>(magnitude / 60 % 60));
  return text;
}

}  // namespace

// Abbreviations the IANA tzdata uses today for zones with many servers, with their offsets.
// Where tzdata gives one abbreviation to several offsets, the reading is that of the zone with
// the most servers, and `stands_for` names the others (they need --log-timezone).
const std::map<std::string_view, DefaultAbbreviation>& default_abbreviations() {
  static const std::map<std::string_view, DefaultAbbreviation> table = [] {
    const DefaultAbbreviation entries[] = {
        {"UTC", 0, "UTC"},
        {"GMT", 0, "Greenwich Mean Time (Europe/London in winter)"},
        {"UCT", 0, "UTC"},
        {"Z", 0, "UTC"},
        {"WET", 0, "Western European Time (Europe/Lisbon in winter)"},
        {"WEST", 3600, "Western European Summer Time"},
        {"BST", 3600, "British Summer Time (Europe/London)"},
        {"IST", 19800, "India Standard Time (Asia/Kolkata); also Irish Standard Time (+01:00) and Israel Standard Time (+02:00)"},
        {"CET", 3600, "Central European Time (Europe/Berlin, Paris, ... in winter)"},
        {"CEST", 7200, "Central European Summer Time"},
        {"MET", 3600, "Middle European Time"},
        {"MEST", 7200, "Middle European Summer Time"},
        {"EET", 7200, "Eastern European Time (Europe/Helsinki, Athens, Kyiv in winter)"},
        {"EEST", 10800, "Eastern European Summer Time"},
        {"MSK", 10800, "Moscow Time (Europe/Moscow)"},
        {"WAT", 3600, "West Africa Time (Africa/Lagos)"},
        {"CAT", 7200, "Central Africa Time"},
        {"SAST", 7200, "South Africa Standard Time (Africa/Johannesburg)"},
        {"EAT", 10800, "East Africa Time (Africa/Nairobi)"},
        {"IDT", 10800, "Israel Daylight Time (Asia/Jerusalem)"},
        {"PKT", 18000, "Pakistan Standard Time (Asia/Karachi)"},
        {"WIB", 25200, "Western Indonesia Time (Asia/Jakarta)"},
        {"WITA", 28800, "Central Indonesia Time"},
        {"WIT", 32400, "Eastern Indonesia Time"},
        {"HKT", 28800, "Hong Kong Time (Asia/Hong_Kong)"},
        {"AWST", 28800, "Australian Western Standard Time (Australia/Perth)"},
        {"JST", 32400, "Japan Standard Time (Asia/Tokyo)"},
        {"KST", 32400, "Korea Standard Time (Asia/Seoul)"},
        {"ACST", 34200, "Australian Central Standard Time"},
        {"ACDT", 37800, "Australian Central Daylight Time"},
        {"AEST", 36000, "Australian Eastern Standard Time (Australia/Sydney in winter)"},
        {"AEDT", 39600, "Australian Eastern Daylight Time"},
        {"ChST", 36000, "Chamorro Standard Time (Pacific/Guam)"},
        {"NZST", 43200, "New Zealand Standard Time (Pacific/Auckland)"},
        {"NZDT", 46800, "New Zealand Daylight Time"},
        {"HST", -36000, "Hawaii Standard Time (Pacific/Honolulu)"},
        {"HDT", -32400, "Hawaii-Aleutian Daylight Time"},
        {"AKST", -32400, "Alaska Standard Time (America/Anchorage)"},
        {"AKDT", -28800, "Alaska Daylight Time"},
        {"PST", -28800, "Pacific Standard Time (America/Los_Angeles); also Philippine Standard Time (+08:00)"},
        {"PDT", -25200, "Pacific Daylight Time (America/Los_Angeles)"},
        {"MST", -25200, "Mountain Standard Time (America/Denver, America/Phoenix)"},
        {"MDT", -21600, "Mountain Daylight Time (America/Denver)"},
        {"CST", -21600, "Central Standard Time (America/Chicago); also China Standard Time (+08:00) and Cuba (-05:00)"},
        {"CDT", -18000, "Central Daylight Time (America/Chicago); also Cuba Daylight Time (-04:00)"},
        {"EST", -18000, "Eastern Standard Time (America/New_York)"},
        {"EDT", -14400, "Eastern Daylight Time (America/New_York)"},
        {"AST", -14400, "Atlantic Standard Time (America/Halifax in winter, America/Puerto_Rico)"},
        {"ADT", -10800, "Atlantic Daylight Time (America/Halifax)"},
        {"NST", -12600, "Newfoundland Standard Time (America/St_Johns)"},
        {"NDT", -9000, "Newfoundland Daylight Time"},
        {"SST", -39600, "Samoa Standard Time (Pacific/Pago_Pago)"},
    };
    std::map<std::string_view, DefaultAbbreviation> by_name;
    for (const auto& entry : entries) by_name.emplace(entry.abbreviation, entry);
    return by_name;
  }();
  return table;
}

Result<LogTimeZone> LogTimeZone::named(const std::string& iana_name, const std::string& origin) {
  LogTimeZone zone;
  try {
    zone.zone_ = date::locate_zone(iana_name);
  } catch (const std::exception&) {
    return Error::bad_input(origin + ": unknown time zone '" + iana_name +
                            "' (an IANA name such as Europe/Berlin, as in /usr/share/zoneinfo)");
  }
  zone.name_ = iana_name;
  zone.origin_ = origin;
  return zone;
}

std::string LogTimeZone::unknown_zone_message(std::string_view log_time, std::string_view zone) {
  return "log_time '" + std::string(log_time) + "' has time zone '" + std::string(zone) +
         "', which is not in pgshadow's table of abbreviations: give the server's log_timezone "
         "with --log-timezone NAME (an IANA name such as Europe/Berlin) or --log-settings "
         "postgresql.conf";
}

Result<LogTimeZone::Reading> LogTimeZone::read_zone(std::string_view zone, std::int64_t wall_us,
                                                    std::string_view& reason) const {
  Reading reading;
  if (const auto offset = parse_numeric_zone(zone)) {
    reading.offset_seconds = *offset;
    reading.how = offset_text(*offset);
    return reading;
  }
  if (zone_ == nullptr) {
    const auto& table = default_abbreviations();
    const auto it = table.find(zone);
    if (it == table.end()) {
      reason = kUnknownZone;
      return Error::bad_input(std::string(zone));
    }
    reading.offset_seconds = it->second.offset_seconds;
    reading.how = offset_text(it->second.offset_seconds) + " (the default table: " +
                  std::string(it->second.stands_for) + "; --log-timezone for another zone)";
    return reading;
  }
  using namespace std::chrono;
  const date::local_seconds local{seconds{wall_us / kMicros - (wall_us % kMicros < 0 ? 1 : 0)}};
  const date::local_info info = zone_->get_info(local);
  const date::sys_info* candidates[] = {&info.first, info.result == date::local_info::ambiguous ? &info.second : nullptr};
  for (const date::sys_info* period : candidates) {
    if (period == nullptr || period->abbrev != zone || info.result == date::local_info::nonexistent) continue;
    reading.offset_seconds = period->offset.count();
    reading.begin_us = duration_cast<microseconds>(period->begin.time_since_epoch()).count();
    reading.end_us = duration_cast<microseconds>(period->end.time_since_epoch()).count();
    reading.how = offset_text(reading.offset_seconds) + " (" + name_ + ", " + origin_ + ")";
    return reading;
  }
  if (info.result == date::local_info::nonexistent) {
    reason = kBadTime;
    return Error::bad_input("does not exist in " + name_ + " (" + origin_ +
                            "): it falls in the hour skipped when summer time starts");
  }
  reason = kZoneMismatch;
  return Error::bad_input("has time zone '" + std::string(zone) + "', which " + name_ + " (" + origin_ +
                          ") does not use at that time; give the server's log_timezone with --log-timezone NAME");
}

Result<std::int64_t> LogTimeReader::read(std::string_view log_time) {
  std::int64_t wall_us = 0;
  std::string_view zone;
  if (!split_log_time(log_time, wall_us, zone)) {
    reason_ = LogTimeZone::kBadTime;
    return Error::bad_input("malformed log_time '" + std::string(log_time) + "'");
  }
  if (has_cache_ && zone == cached_zone_) {
    const std::int64_t utc = wall_us - cached_.offset_seconds * kMicros;
    if (utc >= cached_.begin_us && utc < cached_.end_us) return utc;
  }
  std::string_view reason;
  auto reading = zone_->read_zone(zone, wall_us, reason);
  if (!reading) {
    reason_ = reason;
    if (reason == LogTimeZone::kUnknownZone) {
      return Error::bad_input(LogTimeZone::unknown_zone_message(log_time, zone));
    }
    return Error::bad_input("log_time '" + std::string(log_time) + "' " + reading.error().message);
  }
  if (!has_cache_ || cached_zone_ != zone) new_reading_.emplace(std::string(zone), reading->how);
  cached_zone_.assign(zone);
  cached_ = std::move(*reading);
  has_cache_ = true;
  return wall_us - cached_.offset_seconds * kMicros;
}

std::optional<std::pair<std::string, std::string>> LogTimeReader::take_new_reading() {
  auto taken = std::move(new_reading_);
  new_reading_.reset();
  return taken;
}

}  // namespace pgshadow::capture
