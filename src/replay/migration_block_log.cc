#include "migration_block_log.h"

#include <algorithm>

namespace pgshadow::replay {

void MigrationBlockLog::observe(bool blocked, Clock::time_point now) {
  if (blocked && !open_) {
    open_ = true;
    opened_at_ = now;
  } else if (!blocked && open_) {
    open_ = false;
    closed_.push_back({opened_at_, now});
  }
}

Clock::duration MigrationBlockLog::overlap(Clock::time_point from, Clock::time_point to) const {
  Clock::duration total{};
  if (to <= from) return total;
  const auto add = [&](Clock::time_point start, Clock::time_point end) {
    const auto lo = std::max(from, start);
    const auto hi = std::min(to, end);
    if (hi > lo) total += hi - lo;
  };
  // Newest first: a late statement is rarely late by more than the last few stretches.
  for (auto it = closed_.rbegin(); it != closed_.rend() && it->to > from; ++it) add(it->from, it->to);
  if (open_) add(opened_at_, to);
  return total;
}

}  // namespace pgshadow::replay
