#include "sequence_realignment.h"

#include <algorithm>
#include <map>

namespace pgshadow::replay {

std::uint64_t realign_sequences(pg::SessionConnection& baseline, pg::SessionConnection& shadow) {
  const std::string listing =
      "SELECT string_agg(format('%I.%I', schemaname, sequencename) || chr(2) || coalesce(last_value::text, ''), "
      "chr(1) ORDER BY schemaname, sequencename) FROM pg_sequences";
  auto on_baseline = baseline.query_scalar(listing);
  auto on_shadow = shadow.query_scalar(listing);
  if (!on_baseline || !on_shadow || *on_baseline == *on_shadow) return 0;
  const auto parse = [](const std::string& text) {
    std::map<std::string, std::string> values;
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = std::min(text.find('\x01', start), text.size());
      const std::string entry = text.substr(start, end - start);
      const std::size_t mark = entry.find('\x02');
      if (mark != std::string::npos) values[entry.substr(0, mark)] = entry.substr(mark + 1);
      start = end + 1;
    }
    return values;
  };
  const auto baseline_values = parse(*on_baseline);
  const auto shadow_values = parse(*on_shadow);
  std::uint64_t realigned = 0;
  for (const auto& [sequence, value] : baseline_values) {
    const auto found = shadow_values.find(sequence);
    if (found == shadow_values.end() || found->second == value) continue;
    // An empty value: never drawn from on the baseline, so the next nextval gives the start.
    const std::string set = value.empty()
                                ? "SELECT setval(" + shadow.quote_literal(sequence) + ", (SELECT start_value FROM pg_sequences "
                                  "WHERE format('%I.%I', schemaname, sequencename) = " + shadow.quote_literal(sequence) +
                                  "), false)"
                                : "SELECT setval(" + shadow.quote_literal(sequence) + ", " + value + ")";
    if (shadow.query_scalar(set).ok()) ++realigned;
  }
  return realigned;
}

}  // namespace pgshadow::replay
