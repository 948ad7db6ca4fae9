// InputAccounting's arithmetic: the sums a merge of inputs (or of rotated files) needs.
#include "pgshadow/capture/event_source.h"

namespace pgshadow::capture {

std::uint64_t InputAccounting::unusable_statement_count() const {
  std::uint64_t total = 0;
  for (const auto& [reason, unusable] : unusable_statements) total += unusable.count;
  return total;
}

void InputAccounting::add_unusable_statement(const SourceLocation& where, const std::string& reason,
                                             const std::string& detail) {
  UnusableStatements& unusable = unusable_statements[reason];
  if (unusable.count++ == 0) {
    unusable.first = where;
    unusable.first_detail = detail;
  }
}

void InputAccounting::add(const InputAccounting& other) {
  lines_read += other.lines_read;
  lines_in_events += other.lines_in_events;
  lines_not_statements += other.lines_not_statements;
  events += other.events;
  for (const auto& [kind, count] : other.not_statement_by_kind) not_statement_by_kind[kind] += count;
  for (const auto& [reason, unusable] : other.unusable_statements) {
    UnusableStatements& sum = unusable_statements[reason];
    if (sum.count == 0) {
      sum.first = unusable.first;
      sum.first_detail = unusable.first_detail;
    }
    sum.count += unusable.count;
  }
  time_zones.insert(other.time_zones.begin(), other.time_zones.end());
}

}  // namespace pgshadow::capture
