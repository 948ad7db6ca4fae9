#pragma once
// Reads the first events of a capture ahead and hands them out again, in order: a caller can see
// what the capture holds (its databases and users) before the replay consumes it, without
// reading the input twice (it may be a FIFO or standard input). Memory: at most the events
// peeked, bounded by count and by bytes of SQL.
#include <cstddef>
#include <deque>
#include <memory>

#include "pgshadow/capture/event_source.h"

namespace pgshadow::capture {

class PeekingEventSource final : public EventSource {
 public:
  explicit PeekingEventSource(std::unique_ptr<EventSource> source) : source_(std::move(source)) {}

  // Reads ahead until `max_events` events or `max_sql_bytes` bytes of their SQL are held, or the
  // capture ends; returns what is held (the first events, in order). Errors as next().
  Result<const std::deque<Event>*> peek(std::size_t max_events, std::size_t max_sql_bytes);
  // Whether the events held are the whole capture.
  bool peeked_to_end() const { return ended_; }
  // How many events read ahead are still held (not yet handed out by next()).
  std::size_t held() const { return held_.size(); }

  Result<std::optional<Event>> next() override;
  const InputAccounting& accounting() const override { return source_->accounting(); }
  const InputProblems& problems() const override { return source_->problems(); }
  std::string description() const override { return source_->description(); }
  std::optional<ReadProgress> read_progress() const override { return source_->read_progress(); }

 private:
  std::unique_ptr<EventSource> source_;
  std::deque<Event> held_;
  bool ended_ = false;
};

}  // namespace pgshadow::capture
