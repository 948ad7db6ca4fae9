#include "pgshadow/capture/peeking_event_source.h"

namespace pgshadow::capture {

Result<const std::deque<Event>*> PeekingEventSource::peek(std::size_t max_events, std::size_t max_sql_bytes) {
  std::size_t bytes = 0;
  for (const Event& event : held_) bytes += event.sql.size();
  while (!ended_ && held_.size() < max_events && bytes < max_sql_bytes) {
    auto next = source_->next();
    if (!next) return next.error();
    if (!next->has_value()) {
      ended_ = true;
      break;
    }
    bytes += (*next)->sql.size();
    held_.push_back(std::move(**next));
  }
  return &held_;
}

Result<std::optional<Event>> PeekingEventSource::next() {
  if (!held_.empty()) {
    Event event = std::move(held_.front());
    held_.pop_front();
    return std::optional<Event>(std::move(event));
  }
  if (ended_) return std::optional<Event>();
  return source_->next();
}

}  // namespace pgshadow::capture
