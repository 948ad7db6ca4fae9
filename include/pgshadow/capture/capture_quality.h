#pragma once
// Whether what was read from a capture can stand for the traffic: a run that read no event, or
// whose capture was mostly unusable, must never end in "safe" (a log whose times say CET read
// as nothing, then "no statement broke"). The one rule that `verify`, `capture -o` and
// `capture --stats` apply, through CheckedEventSource or check_capture_quality.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "pgshadow/capture/event_filter.h"
#include "pgshadow/capture/event_source.h"
#include "pgshadow/util/result.h"

namespace pgshadow::capture {

// The largest share of the records that look like statements that may be unusable before the
// capture is refused (--max-unusable).
inline constexpr double kDefaultMaxUnusableShare = 0.01;

struct CaptureReadFigures {
  const InputAccounting& accounting;  // of the whole capture, before filters
  const InputProblems& problems;
  std::uint64_t events_kept = 0;      // after the filters
  const std::map<std::string, std::uint64_t>* filtered_by_reason = nullptr;  // null: no filter
  std::string description;            // of the capture, for "the capture is empty"
};

// Once the capture has been read to its end: an Error (kBadInput) when no event was kept (the
// capture is empty, holds no statement, none could be read, or the filters left none), or when
// more than `max_unusable_share` of its statement records could not be used. The message names
// the main reason, its count and its first file:line (for a time zone: the zone and the option
// that fixes it).
Status check_capture_quality(const CaptureReadFigures& figures, double max_unusable_share = kDefaultMaxUnusableShare);

// A capture whose end is checked: passes the events of `inner` on, and where `inner` ends,
// returns check_capture_quality's Error instead when it fails. `filter` is the
// FilteredEventSource inside `inner`, if any (borrowed; owned by `inner`). Not thread-safe.
class CheckedEventSource final : public EventSource {
 public:
  CheckedEventSource(std::unique_ptr<EventSource> inner, const FilteredEventSource* filter,
                     double max_unusable_share = kDefaultMaxUnusableShare);

  // Reads ahead to the first event (kept for next()): the capture's Error when it has none, so
  // that nothing is started for a capture that holds nothing.
  Status read_first_event();

  Result<std::optional<Event>> next() override;
  const InputAccounting& accounting() const override { return inner_->accounting(); }
  const InputProblems& problems() const override { return inner_->problems(); }
  std::string description() const override { return inner_->description(); }
  std::optional<ReadProgress> read_progress() const override { return inner_->read_progress(); }

 private:
  std::unique_ptr<EventSource> inner_;
  const FilteredEventSource* filter_;
  double max_unusable_share_;
  std::optional<Event> ahead_;
  std::uint64_t passed_ = 0;
};

}  // namespace pgshadow::capture
