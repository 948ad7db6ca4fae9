#pragma once
// A replay trace kept in memory, line by line: for tests that assert what the replay did in
// which order (a wait seen before the commit that ends it).
#include <string>
#include <string_view>
#include <vector>

#include "pgshadow/replay/replay.h"

namespace pgshadow::testing {

class TraceRecorder final : public replay::ReplayTrace {
 public:
  void line(std::string_view text) override { lines.emplace_back(text); }
  std::vector<std::string> lines;
};

}  // namespace pgshadow::testing
