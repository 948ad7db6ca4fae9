#pragma once
// The replay's trace: printf-style lines to the injected ReplayTrace, each prefixed with the
// seconds since the replay started. Without a sink nothing is formatted, so a replay without
// a trace pays one branch per call.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "pgshadow/replay/replay.h"

namespace pgshadow::replay {

class Tracer {
 public:
  Tracer(ReplayTrace* sink, const ReplayClock& clock) : sink_(sink), clock_(clock), started_(clock.now()) {}

  bool on() const { return sink_ != nullptr; }

  template <class... Args>
  void operator()(const char* format, Args... args) const {
    if (sink_ == nullptr) return;
    char prefix[32];
    std::snprintf(prefix, sizeof prefix, "[%9.3f] ",
                  std::chrono::duration<double>(clock_.now() - started_).count());
    std::string text(prefix);
    if constexpr (sizeof...(Args) == 0) {
      // A message without arguments is not run through printf: its '%' stays as written (and
      // no format string that is not a literal reaches snprintf).
      text += format;
    } else {
      const int length = std::snprintf(nullptr, 0, format, args...);
      const std::size_t at = text.size();
      text.resize(at + static_cast<std::size_t>(std::max(length, 0)) + 1);
      std::snprintf(text.data() + at, text.size() - at, format, args...);
      text.pop_back();  // snprintf's NUL
    }
    sink_->line(text);
  }

 private:
  ReplayTrace* sink_;
  const ReplayClock& clock_;
  ReplayClock::Clock::time_point started_;
};

}  // namespace pgshadow::replay
