#pragma once
// The statements to replay, in capture order: each event read and parsed once, what is not
// replayed (empty, a NUL byte, COPY FROM STDIN, outside its database, a write under
// --read-only, values cut by the log) skipped with its reason to the observer.
//
// Invariant: every event read from the capture is counted in events() exactly once, and either
// skipped here (counted in skipped()) or handed out by next(), take_ahead() or take_lookahead()
// exactly once, in
// capture order except for what the lock arbiter takes ahead of its turn. The lookahead holds
// at most kMaxLookahead statements (a bound on memory for a stall no holder can break).
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "footprint.h"
#include "pgshadow/capture/event_source.h"
#include "pgshadow/replay/replay.h"
#include "stage_clock.h"
#include "statement_analyzer.h"

namespace pgshadow::replay {

// An event read from the capture and to be replayed, with what the parser said of it.
struct Pending {
  Event event;
  StatementAnalysis analysis;
  bool as_production_error = false;  // see production_error.h
  // A write's footprint (footprint.h, write_contention.h), once the engine asked; nullopt: any
  // lock. Asked again when the catalog's generation moved on.
  std::optional<dispatch::Footprint> footprint;
  // The rows its result depends on (WriteContention::reads_of), asked with the footprint.
  std::optional<dispatch::Footprint> reads;
  std::optional<std::uint64_t> footprint_generation;
};

inline constexpr std::size_t kMaxLookahead = 100'000;  // events read ahead to find a lock holder's next

class StatementFeed {
 public:
  StatementFeed(capture::EventSource& source, const ReplaySettings& settings, ReplayObserver& observer,
                StageClock& stages)
      : source_(source), settings_(settings), observer_(observer), stages_(stages) {}

  // The next statement: the first read ahead, else the next from the capture; nullopt at its end.
  Result<std::optional<Pending>> next();
  // The statement `index` places ahead in the lookahead (reading more as needed); nullptr at the
  // end of the capture or past kMaxLookahead.
  Result<Pending*> ahead(std::size_t index);
  // Takes the statement at `index` out of the lookahead, ahead of its turn.
  Pending take_ahead(std::size_t index);
  // Everything read ahead and not yet handed out, for a replay that stops before running it.
  std::deque<Pending> take_lookahead() { return std::exchange(lookahead_, {}); }

  std::uint64_t events() const { return events_; }
  std::uint64_t skipped() const { return skipped_; }
  std::uint64_t events_without_duration() const { return events_without_duration_; }
  std::int64_t first_capture_us() const { return first_capture_us_; }
  std::int64_t current_capture_us() const { return current_capture_us_; }
  capture::EventSource& source() { return source_; }

 private:
  Result<std::optional<Pending>> read();
  void skip(const Event& event, const std::string& reason);

  capture::EventSource& source_;
  const ReplaySettings& settings_;
  ReplayObserver& observer_;
  StageClock& stages_;
  StatementAnalyzer analyzer_;
  std::deque<Pending> lookahead_;
  std::uint64_t events_ = 0;
  std::uint64_t skipped_ = 0;
  std::uint64_t events_without_duration_ = 0;
  std::int64_t first_capture_us_ = 0;
  std::int64_t current_capture_us_ = 0;
};

}  // namespace pgshadow::replay
