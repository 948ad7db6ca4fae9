#include "merged_event_source.h"

#include <utility>

namespace pgshadow::capture {

void MergedEventSource::add_input(std::unique_ptr<EventSource> input) {
  inputs_.push_back({std::move(input), std::nullopt, false});
}

Result<std::optional<Event>> MergedEventSource::next() {
  Input* earliest = nullptr;
  for (Input& input : inputs_) {
    if (!input.head && !input.exhausted) {
      auto event = input.source->next();
      if (!event) return event.error();
      input.head = std::move(*event);
      input.exhausted = !input.head;
    }
    // Strictly earlier only: on a tie the earlier input wins.
    if (input.head && (earliest == nullptr || input.head->start_us < earliest->head->start_us)) {
      earliest = &input;
    }
  }
  sum_accounting();
  if (earliest == nullptr) return std::optional<Event>{};
  Event event = std::move(*earliest->head);
  earliest->head.reset();
  event.sequence = next_sequence_++;
  accounting_.events = next_sequence_;
  return std::optional<Event>{std::move(event)};
}

void MergedEventSource::sum_accounting() {
  InputAccounting sum;
  for (const Input& input : inputs_) sum.add(input.source->accounting());
  sum.events = next_sequence_;
  accounting_ = std::move(sum);
}

std::string MergedEventSource::description() const {
  std::string text;
  for (const Input& input : inputs_) {
    if (!text.empty()) text += "; ";
    text += input.source->description();
  }
  return text;
}

std::optional<ReadProgress> MergedEventSource::read_progress() const {
  ReadProgress total;
  for (const Input& input : inputs_) {
    const auto progress = input.source->read_progress();
    if (!progress) return std::nullopt;
    total.bytes_read += progress->bytes_read;
    total.bytes_total += progress->bytes_total;
  }
  return total;
}

}  // namespace pgshadow::capture
