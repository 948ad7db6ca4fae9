#pragma once
// A replay trace kept in memory, line by line: for tests that assert what the replay did in
// which order (a wait seen before the commit that ends it).
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "pgshadow/replay/replay.h"

namespace pgshadow::testing {

class TraceRecorder final : public replay::ReplayTrace {
 public:
  void line(std::string_view text) override { lines.emplace_back(text); }

  // The index of the n-th line (from 1) that holds `text`; the line count when there is none.
  std::size_t nth_line(const std::string& text, int n) const {
    for (std::size_t index = 0; index < lines.size(); ++index) {
      if (lines[index].find(text) != std::string::npos && --n == 0) return index;
    }
    return lines.size();
  }
  // Every line, for a failing test's INFO.
  std::string text() const {
    std::string all;
    for (const std::string& line : lines) all += line + "\n";
    return all;
  }

  std::vector<std::string> lines;
};

}  // namespace pgshadow::testing
