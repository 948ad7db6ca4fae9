#pragma once
// The stretch of a capture where the most statements start: where `--migrate-during` applies
// the migration by default (AT `busiest`), so that its locks meet the most traffic a migration
// window of a few seconds could. A window of kBusiestStretchWindow slides over the statements'
// start times, in capture order; the busiest is the one holding the most starts, the earliest
// of equals, and the migration starts before its first statement. Memory: the starts of one
// window.
#include <chrono>
#include <cstdint>
#include <deque>

namespace pgshadow::replay {

// About the lock window the lock impact calls long (--max-blocked defaults to 3 s).
inline constexpr std::chrono::seconds kBusiestStretchWindow{5};

class BusiestStretch {
 public:
  explicit BusiestStretch(std::chrono::microseconds window = kBusiestStretchWindow) : window_us_(window.count()) {}

  // A statement that started at `start_us` (a start earlier than one added before counts as
  // that one: captures merged from several files may step back a little).
  void add(std::int64_t start_us);
  // From the first start to the first statement of the busiest window; 0 when none was added.
  std::chrono::microseconds offset() const;
  // How many statements started in the busiest window.
  std::uint64_t statements() const { return best_count_; }
  std::chrono::microseconds window() const { return std::chrono::microseconds(window_us_); }

 private:
  std::int64_t window_us_;
  std::deque<std::int64_t> in_window_;
  std::int64_t first_us_ = 0;
  std::int64_t latest_us_ = 0;
  std::int64_t best_begin_us_ = 0;
  std::uint64_t best_count_ = 0;
};

}  // namespace pgshadow::replay
