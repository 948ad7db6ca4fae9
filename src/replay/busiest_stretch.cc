#include "pgshadow/replay/busiest_stretch.h"

#include <algorithm>

namespace pgshadow::replay {

void BusiestStretch::add(std::int64_t start_us) {
  if (in_window_.empty() && best_count_ == 0) first_us_ = latest_us_ = start_us;
  latest_us_ = std::max(latest_us_, start_us);
  in_window_.push_back(latest_us_);
  while (in_window_.front() < latest_us_ - window_us_) in_window_.pop_front();
  if (in_window_.size() > best_count_) {
    best_count_ = in_window_.size();
    best_begin_us_ = in_window_.front();
  }
}

std::chrono::microseconds BusiestStretch::offset() const {
  return std::chrono::microseconds(best_count_ == 0 ? 0 : best_begin_us_ - first_us_);
}

}  // namespace pgshadow::replay
