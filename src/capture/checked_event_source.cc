#include <utility>

#include "pgshadow/capture/capture_quality.h"

namespace pgshadow::capture {

CheckedEventSource::CheckedEventSource(std::unique_ptr<EventSource> inner, const FilteredEventSource* filter,
                                       double max_unusable_share)
    : inner_(std::move(inner)), filter_(filter), max_unusable_share_(max_unusable_share) {}

Status CheckedEventSource::read_first_event() {
  if (ahead_ || passed_ > 0) return Status::success();
  auto first = next();
  if (!first) return first.error();
  ahead_ = std::move(*first);
  if (ahead_) --passed_;  // counted again when next() hands it over
  return Status::success();
}

Result<std::optional<Event>> CheckedEventSource::next() {
  if (ahead_) {
    std::optional<Event> event = std::move(ahead_);
    ahead_.reset();
    ++passed_;
    return event;
  }
  auto event = inner_->next();
  if (!event) return event;
  if (event->has_value()) {
    ++passed_;
    return event;
  }
  const CaptureReadFigures figures{inner_->accounting(), inner_->problems(), passed_,
                                   filter_ != nullptr ? &filter_->filtered_by_reason() : nullptr,
                                   inner_->description()};
  if (Status checked = check_capture_quality(figures, max_unusable_share_); !checked) return checked.error();
  return event;
}

}  // namespace pgshadow::capture
