#include "result_nondeterminism.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace pgshadow::replay {
namespace {

// A count written as a constant or bound as a parameter; nullopt when pgshadow cannot read it.
std::optional<std::int64_t> count_value(const std::optional<std::int64_t>& constant, int parameter, const Event& event) {
  if (constant) return constant;
  const auto index = static_cast<std::size_t>(parameter);
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
  const auto value = count_value(limit.count, limit.count_parameter, event);
  if (!value) return "LIMIT without ORDER BY (the limit is not a number pgshadow can read)";
  const auto cut_at = static_cast<std::uint64_t>(std::max<std::int64_t>(*value, 0));
  if (baseline_rows < cut_at && shadow_rows < cut_at) return {};
  return "LIMIT without ORDER BY cut the result (" + std::to_string(cut_at) + " rows): which rows come back is unspecified";
}

compare::TieCuts tie_cuts(const sql::SortOrder& order, const Event& event, std::uint64_t baseline_rows,
                          std::uint64_t shadow_rows) {
  compare::TieCuts cuts;
  if (order.offset) {
    const auto offset = count_value(order.offset->constant, order.offset->parameter, event);
    cuts.first_run = !offset || *offset > 0;
  }
  if (order.limit) {
    const auto limit = count_value(order.limit->constant, order.limit->parameter, event);
    const auto cut_at = limit ? static_cast<std::uint64_t>(std::max<std::int64_t>(*limit, 0)) : 0;
    cuts.last_run = !limit || baseline_rows >= cut_at || shadow_rows >= cut_at;
  }
  return cuts;
}

std::string tie_reason(compare::TieExplanation explanation, const compare::TieCuts& cuts) {
  switch (explanation) {
    case compare::TieExplanation::kNone:
      return {};
    case compare::TieExplanation::kOrderUnderKeysNotShown:
      return "ORDER BY keys not all in the result: rows that tie on the keys it shows came back in another order, "
             "which the keys not shown may decide either way";
    case compare::TieExplanation::kMembersOfCutTie:
      break;
  }
  const char* cut = cuts.first_run && cuts.last_run ? "LIMIT or OFFSET" : cuts.first_run ? "OFFSET" : "LIMIT";
  return std::string(cut) + " cuts through rows tied on the ORDER BY keys: which of the tied rows come back is unspecified";
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
