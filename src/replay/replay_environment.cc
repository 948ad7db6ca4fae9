#include <cstdio>
#include <thread>

#include "pgshadow/replay/replay.h"

namespace pgshadow::replay {

ReplayClock::Clock::time_point SteadyReplayClock::now() const { return Clock::now(); }

void SteadyReplayClock::sleep_for(Clock::duration duration) const { std::this_thread::sleep_for(duration); }

void StderrReplayTrace::line(std::string_view text) {
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fputc('\n', stderr);
}

}  // namespace pgshadow::replay
