#include "timestamp.h"

#include <charconv>
#include <chrono>
#include <cstdio>

#include "log_time_zone.h"

namespace pgshadow::capture {
namespace {

using std::chrono::days;
using std::chrono::microseconds;

// Reads exactly `width` decimal digits at `pos`; false if they are not all digits.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t width, int& value) {
  if (pos + width > text.size()) return false;
  const char* first = text.data() + pos;
  auto [end, ec] = std::from_chars(first, first + width, value);
  if (ec != std::errc() || end != first + width) return false;
  pos += width;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

// "YYYY-MM-DD?HH:MM:SS[.f{1,6}]" where ? is `separator`; the wall-clock time in microseconds
// since the epoch as if it were UTC. Leaves `pos` after the fraction.
bool parse_wall_clock(std::string_view text, char separator, std::size_t& pos, std::int64_t& out) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, month) || !expect(text, pos, '-') ||
      !read_digits(text, pos, 2, day) || !expect(text, pos, separator) ||
      !read_digits(text, pos, 2, hour) || !expect(text, pos, ':') ||
      !read_digits(text, pos, 2, minute) || !expect(text, pos, ':') ||
      !read_digits(text, pos, 2, second)) {
    return false;
  }
  std::int64_t fraction_us = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    std::int64_t scale = 100000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (++digits > 6) return false;
      fraction_us += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (digits == 0) return false;
  }
  const std::chrono::year_month_day date{std::chrono::year{year},
                                         std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return false;
  const auto since_epoch = std::chrono::sys_days{date}.time_since_epoch();
  out = std::chrono::duration_cast<microseconds>(since_epoch).count() +
        ((hour * 60LL + minute) * 60LL + second) * 1'000'000LL + fraction_us;
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_numeric_zone(std::string_view zone) {
  if (zone == "UTC" || zone == "GMT" || zone == "UCT" || zone == "Z") return 0;
  if (zone.size() < 3 || (zone[0] != '+' && zone[0] != '-')) return std::nullopt;
  const int sign = zone[0] == '-' ? -1 : 1;
  std::size_t pos = 1;
  int hours = 0, minutes = 0;
  if (!read_digits(zone, pos, 2, hours)) return std::nullopt;
  if (pos < zone.size() && zone[pos] == ':') ++pos;
  if (pos < zone.size() && !read_digits(zone, pos, 2, minutes)) return std::nullopt;
  if (pos != zone.size() || hours > 15 || minutes > 59) return std::nullopt;
  return sign * (hours * 3600LL + minutes * 60LL);
}

bool split_log_time(std::string_view text, std::int64_t& wall_us, std::string_view& zone) {
  std::size_t pos = 0;
  if (!parse_wall_clock(text, ' ', pos, wall_us) || !expect(text, pos, ' ')) return false;
  zone = text.substr(pos);
  return !zone.empty() && zone.find(' ') == std::string_view::npos;
}

Result<std::int64_t> parse_log_time(std::string_view text) {
  const LogTimeZone default_table;
  LogTimeReader reader(default_table);
  return reader.read(text);
}

Result<std::int64_t> parse_iso8601_utc(std::string_view text) {
  std::size_t pos = 0;
  std::int64_t us = 0;
  if (!parse_wall_clock(text, 'T', pos, us) || !expect(text, pos, 'Z') || pos != text.size()) {
    // Appended in place rather than "'" + std::string(text): that form set off GCC 12's false
    // -Wrestrict at -O3 (GCC PR 105329), and it copies the text twice.
    std::string message = "'";
    message.append(text).append("' is not a UTC timestamp like 2026-11-23T10:00:00.123456Z");
    return Error::bad_input(std::move(message));
  }
  return us;
}

std::string format_iso8601_utc(std::int64_t unix_us) {
  const std::chrono::sys_time<microseconds> time{microseconds{unix_us}};
  const auto day_start = std::chrono::floor<days>(time);
  const std::chrono::year_month_day date{day_start};
  const std::chrono::hh_mm_ss clock{time - day_start};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%06lldZ",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<int>(clock.hours().count()),
                static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()),
                static_cast<long long>(clock.subseconds().count()));
  return buffer;
}

}  // namespace pgshadow::capture
