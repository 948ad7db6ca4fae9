// Where --migrate-during applies the migration by default: before the first statement of the
// window of kBusiestStretchWindow holding the most statement starts.
#include <catch2/catch.hpp>

#include "pgshadow/replay/busiest_stretch.h"

namespace pgshadow::replay {
namespace {

constexpr std::int64_t kSecond = 1'000'000;

TEST_CASE("the busiest stretch begins at the first statement of the window with the most starts") {
  BusiestStretch stretch(std::chrono::seconds(5));
  const std::int64_t first = 1'700'000'000 * kSecond;  // capture times are epoch microseconds
  // One statement a second for 20 s, then ten in the second from 20 s, then one a second again.
  for (int second = 0; second < 20; ++second) stretch.add(first + second * kSecond);
  for (int tenth = 0; tenth < 10; ++tenth) stretch.add(first + 20 * kSecond + tenth * kSecond / 10);
  for (int second = 21; second < 40; ++second) stretch.add(first + second * kSecond);
  // The window [16 s, 21 s] holds 16..19, the ten of second 20 and 21: 15 statements; so does
  // none that begins earlier, and one beginning later holds fewer than 16.
  CHECK(stretch.statements() == 15);
  CHECK(stretch.offset() == std::chrono::seconds(16));
  CHECK(stretch.window() == std::chrono::seconds(5));
}

TEST_CASE("of equally busy stretches the earliest is taken, and no statement gives offset 0") {
  BusiestStretch empty;
  CHECK(empty.offset() == std::chrono::microseconds(0));
  CHECK(empty.statements() == 0);

  BusiestStretch even(std::chrono::seconds(1));
  for (int second = 0; second < 10; ++second) even.add(second * 3 * kSecond);  // one every 3 s
  CHECK(even.statements() == 1);
  CHECK(even.offset() == std::chrono::microseconds(0));
}

TEST_CASE("a start that steps back counts as the latest one seen") {
  BusiestStretch stretch(std::chrono::seconds(1));
  stretch.add(10 * kSecond);
  stretch.add(20 * kSecond);
  stretch.add(19 * kSecond);  // from another file of a merged capture: counts as 20 s
  stretch.add(20 * kSecond + kSecond / 2);
  CHECK(stretch.statements() == 3);
  CHECK(stretch.offset() == std::chrono::seconds(10));
}

}  // namespace
}  // namespace pgshadow::replay
