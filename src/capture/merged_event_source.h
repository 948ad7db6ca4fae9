#pragma once
// Several inputs as one capture: events are merged by start time (ties keep the order of the
// inputs), and Event::sequence is assigned here, after merging, so it is gapless across inputs.
// Owns the inputs and the one problem sink they all report to. Not thread-safe.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "log_event_assembler.h"
#include "pgshadow/capture/event_source.h"

namespace pgshadow::capture {

class MergedEventSource final : public EventSource {
 public:
  // The sink each input must be constructed with, before add_input().
  InputProblems& problem_sink() { return problems_; }
  // What is known of how the server wrote the logs: set before the inputs are made, which borrow it.
  ServerLogSettings& server_settings() { return settings_; }
  void add_input(std::unique_ptr<EventSource> input);

  Result<std::optional<Event>> next() override;
  const InputAccounting& accounting() const override { return accounting_; }
  const InputProblems& problems() const override { return problems_; }
  std::string description() const override;
  std::optional<ReadProgress> read_progress() const override;

 private:
  struct Input {
    std::unique_ptr<EventSource> source;
    std::optional<Event> head;  // its next event, read ahead to compare start times
    bool exhausted = false;
  };

  void sum_accounting();

  InputProblems problems_;
  ServerLogSettings settings_;
  std::vector<Input> inputs_;
  InputAccounting accounting_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace pgshadow::capture
