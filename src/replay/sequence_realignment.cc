#include "sequence_realignment.h"

#include <algorithm>
#include <map>

namespace pgshadow::replay {

namespace {

struct SequenceState {
  std::string last_value;  // empty: never drawn from
  bool ascending = true;
};

// "schema.name" -> its state, from the listing query below.
std::map<std::string, SequenceState> parse_listing(const std::string& text) {
  std::map<std::string, SequenceState> values;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = std::min(text.find('\x01', start), text.size());
    const std::string entry = text.substr(start, end - start);
    const std::size_t first = entry.find('\x02');
    const std::size_t second = first == std::string::npos ? first : entry.find('\x02', first + 1);
    if (second != std::string::npos) {
      values[entry.substr(0, first)] = {entry.substr(first + 1, second - first - 1), entry.substr(second + 1) != "-"};
    }
    start = end + 1;
  }
  return values;
}

// Whether `a` is further along than `b` in the sequence's direction (never drawn from is the
// least far).
bool further_along(const SequenceState& a, const SequenceState& b) {
  if (a.last_value.empty() || b.last_value.empty()) return !a.last_value.empty() && b.last_value.empty();
  const long long x = std::stoll(a.last_value);
  const long long y = std::stoll(b.last_value);
  return a.ascending ? x > y : x < y;
}

}  // namespace

std::uint64_t realign_sequences(pg::SessionConnection& baseline, pg::SessionConnection& shadow) {
  const std::string listing =
      "SELECT string_agg(format('%I.%I', schemaname, sequencename) || chr(2) || coalesce(last_value::text, '') || "
      "chr(2) || CASE WHEN increment_by < 0 THEN '-' ELSE '+' END, chr(1) ORDER BY schemaname, sequencename) "
      "FROM pg_sequences";
  auto on_baseline = baseline.query_scalar(listing);
  auto on_shadow = shadow.query_scalar(listing);
  if (!on_baseline || !on_shadow || *on_baseline == *on_shadow) return 0;
  const auto baseline_values = parse_listing(*on_baseline);
  const auto shadow_values = parse_listing(*on_shadow);
  std::uint64_t realigned = 0;
  for (const auto& [sequence, on_base] : baseline_values) {
    const auto found = shadow_values.find(sequence);
    if (found == shadow_values.end() || found->second.last_value == on_base.last_value) continue;
    // The side behind moves up to the other: setting the one ahead back would hand out again the
    // ids its one-sided writes already hold (23505 on that side alone).
    const bool shadow_ahead = further_along(found->second, on_base);
    pg::SessionConnection& behind = shadow_ahead ? baseline : shadow;
    const std::string& value = shadow_ahead ? found->second.last_value : on_base.last_value;
    if (behind.query_scalar("SELECT setval(" + behind.quote_literal(sequence) + ", " + value + ")").ok()) ++realigned;
  }
  return realigned;
}

}  // namespace pgshadow::replay
