#pragma once
// Where the replay thread's time goes. Every moment is charged to exactly one stage: entering
// a stage pauses the one it was entered from, so the stages add up to the replay's wall time
// and a nested stage (the parse inside a compare) is not counted twice.
#include <array>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "pgshadow/replay/replay.h"

namespace pgshadow::replay {

class StageClock {
 public:
  explicit StageClock(const ReplayClock& clock) : clock_(clock), since_(clock.now()) {}

  enum Stage {
    kScheduling,       // deciding what may run next, and everything not charged elsewhere
    kReadCapture,      // reading and decoding the capture
    kParseSql,         // libpg_query: statement facts and query shapes
    kWaitForServers,   // blocked in poll() on both sides' sockets
    kSendReceiveHash,  // libpq sending statements and reading results, and hashing every value
    kCompareAndJudge,  // classifying, the isolation and nondeterminism probes, the observers
    kLockChecks,       // asking the servers who waits on whom
    kConnect,          // opening connections (libpq's steps; waiting for the answers is kWaitForServers)
    kPacing,           // --order timed: waiting for a statement's production time
    kStageCount
  };

  class Scope {
   public:
    Scope(StageClock& clock, Stage previous) : clock_(clock), previous_(previous) {}
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    ~Scope() { clock_.switch_to(previous_); }

   private:
    StageClock& clock_;
    Stage previous_;
  };

  [[nodiscard]] Scope enter(Stage stage) {
    const Stage previous = current_;
    switch_to(stage);
    return Scope(*this, previous);
  }

  // Seconds per stage, by name, in the order of the enum.
  std::vector<std::pair<std::string, double>> seconds() {
    switch_to(current_);
    static constexpr const char* kNames[kStageCount] = {
        "scheduling", "read_capture",      "parse_sql",   "wait_for_servers", "send_receive_hash",
        "compare_and_judge", "lock_checks", "connect", "pacing"};
    std::vector<std::pair<std::string, double>> named;
    for (int stage = 0; stage < kStageCount; ++stage) named.emplace_back(kNames[stage], seconds_[stage]);
    return named;
  }

 private:
  using Clock = ReplayClock::Clock;

  void switch_to(Stage stage) {
    const Clock::time_point now = clock_.now();
    seconds_[current_] += std::chrono::duration<double>(now - since_).count();
    since_ = now;
    current_ = stage;
  }

  const ReplayClock& clock_;
  std::array<double, kStageCount> seconds_{};
  Stage current_ = kScheduling;
  Clock::time_point since_;
};

}  // namespace pgshadow::replay
