#pragma once
// Helpers shared by the report tests (a header, not a test: the glob only builds *_test.cc).
#include <cstddef>
#include <string>

namespace pgshadow::report::testing {

// How many times `what` occurs in text (overlapping occurrences each count).
inline std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace pgshadow::report::testing
