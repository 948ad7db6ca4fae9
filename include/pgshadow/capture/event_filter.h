#pragma once
// Which captured events a run uses: by database, user, application, time window, a
// reproducible sample of whole sessions, and a shard of the sessions (--shard i/n, for N
// replays side by side). Whole sessions are kept or dropped together by the sample and the
// shard, so a kept session is always replayed complete.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgshadow/capture/event_source.h"
#include "pgshadow/util/result.h"

namespace pgshadow::capture {

struct EventFilter {
  std::vector<std::string> databases;     // empty: any
  std::vector<std::string> users;         // empty: any
  std::vector<std::string> applications;  // empty: any
  std::optional<std::int64_t> since_us;   // keep events starting at or after
  std::optional<std::int64_t> until_us;   // keep events starting before
  std::optional<double> sessions_sample;  // fraction of sessions kept, (0, 1]
  std::uint64_t seed = 0;                 // for the sample: same seed, same sessions
  std::uint32_t shard_index = 0;          // with shard_count > 1: keep sessions of this shard
  std::uint32_t shard_count = 1;

  bool empty() const;
  // Why the event is left out ("database", "user", "application", "before --since",
  // "after --until", "not in the session sample", "other shard"), or nullopt to keep it.
  std::optional<std::string> reason_to_drop(const Event& event) const;
};

// A session's position in [0, 1) for the sample (kept when below sessions_sample), the same on
// every run and machine for a given seed.
double session_sample_position(std::string_view session_id, std::uint64_t seed);
// The sessions_sample that keeps exactly `kept` of the sessions at these positions (the sample
// of a few sessions by fraction alone keeps any number of them).
double sample_keeping(std::vector<double> positions, std::size_t kept);

// "2026-11-23T10:00:00Z", "2026-11-23T10:00:00.5Z" or "2026-11-23 10:00:00 UTC" (csvlog's form)
// to microseconds since the epoch. Error names the value.
Result<std::int64_t> parse_time_bound(std::string_view text);
// "i/n" with 0 <= i < n. Error names the value.
Result<std::pair<std::uint32_t, std::uint32_t>> parse_shard(std::string_view text);

// Passes on the events the filter keeps; counts the others by reason.
class FilteredEventSource final : public EventSource {
 public:
  FilteredEventSource(std::unique_ptr<EventSource> inner, EventFilter filter);

  Result<std::optional<Event>> next() override;
  const InputAccounting& accounting() const override { return inner_->accounting(); }
  const InputProblems& problems() const override { return inner_->problems(); }
  std::string description() const override { return inner_->description(); }
  std::optional<ReadProgress> read_progress() const override { return inner_->read_progress(); }

  std::uint64_t filtered() const { return filtered_; }
  const std::map<std::string, std::uint64_t>& filtered_by_reason() const { return by_reason_; }

 private:
  std::unique_ptr<EventSource> inner_;
  EventFilter filter_;
  std::uint64_t filtered_ = 0;
  std::map<std::string, std::uint64_t> by_reason_;
};

}  // namespace pgshadow::capture
