#include "result_nondeterminism.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace pgshadow::replay {
namespace {

std::optional<std::int64_t> limit_value(const sql::RowLimit& limit, const Event& event) {
  if (limit.count) return limit.count;
  const auto index = static_cast<std::size_t>(limit.count_parameter);
  if (index == 0 || index > event.parameters.size() || !event.parameters[index - 1]) return std::nullopt;
  const std::string& text = *event.parameters[index - 1];
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string limit_reason(const sql::RowLimit& limit, const Event& event, std::uint64_t baseline_rows,
                         std::uint64_t shadow_rows, bool pinned_by_unique_key) {
  if (pinned_by_unique_key) return {};
  const auto value = limit_value(limit, event);
  if (!value) return "LIMIT without ORDER BY (the limit is not a number pgshadow can read)";
  const auto cut_at = static_cast<std::uint64_t>(std::max<std::int64_t>(*value, 0));
  if (baseline_rows < cut_at && shadow_rows < cut_at) return {};
  return "LIMIT without ORDER BY cut the result (" + std::to_string(cut_at) + " rows): which rows come back is unspecified";
}

std::string parameter_reason(const Event& event) {
  for (std::size_t i = 0; i < event.parameters.size(); ++i) {
    if (!event.parameters[i]) continue;
    std::string text;
    for (const char c : *event.parameters[i]) {
      if (!std::isspace(static_cast<unsigned char>(c))) text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (text == "now" || text == "today" || text == "tomorrow" || text == "yesterday") {
      return "parameter $" + std::to_string(i + 1) + " is '" + text + "', the clock when read as a date or time";
    }
  }
  return {};
}

}  // namespace pgshadow::replay
