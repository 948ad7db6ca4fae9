#include "answer_deadline.h"

#include <charconv>
#include <string>

namespace pgshadow::replay {

std::optional<std::chrono::microseconds> parse_postgres_duration(std::string_view text) {
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  double amount = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), amount);
  if (error != std::errc() || amount < 0) return std::nullopt;
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  while (!unit.empty() && blank(unit.front())) unit.remove_prefix(1);
  double micros_per_unit = 0;
  if (unit.empty() || unit == "ms") {
    micros_per_unit = 1e3;
  } else if (unit == "us") {
    micros_per_unit = 1;
  } else if (unit == "s") {
    micros_per_unit = 1e6;
  } else if (unit == "min") {
    micros_per_unit = 60e6;
  } else if (unit == "h") {
    micros_per_unit = 3600e6;
  } else if (unit == "d") {
    micros_per_unit = 86400e6;
  } else {
    return std::nullopt;
  }
  return std::chrono::microseconds(static_cast<std::int64_t>(amount * micros_per_unit));
}

std::optional<std::chrono::milliseconds> answer_deadline(std::string_view statement_timeout) {
  const auto timeout = parse_postgres_duration(statement_timeout);
  if (!timeout || timeout->count() == 0) return std::nullopt;
  return std::chrono::ceil<std::chrono::milliseconds>(*timeout) + std::chrono::milliseconds(kAnswerGrace);
}

}  // namespace pgshadow::replay
