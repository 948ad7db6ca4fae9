#pragma once
// Events from memory, handed out in order as a capture reader would: for unit tests of what
// consumes an EventSource. Problems can be added to stand for unusable lines of the input.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pgshadow/capture/event_source.h"

namespace pgshadow::testing {

class MemoryEventSource final : public capture::EventSource {
 public:
  explicit MemoryEventSource(std::vector<Event> events, std::string description = "test events")
      : events_(std::move(events)), description_(std::move(description)) {}
  Result<std::optional<Event>> next() override {
    if (position_ == events_.size()) return std::optional<Event>();
    Event event = events_[position_];
    event.sequence = position_++;
    accounting_.events = position_;
    return std::optional<Event>(std::move(event));
  }
  const capture::InputAccounting& accounting() const override { return accounting_; }
  const InputProblems& problems() const override { return problems_; }
  std::string description() const override { return description_; }
  InputProblems& problem_sink() { return problems_; }

 private:
  std::vector<Event> events_;
  std::string description_;
  std::size_t position_ = 0;
  capture::InputAccounting accounting_;
  InputProblems problems_;
};

}  // namespace pgshadow::testing
