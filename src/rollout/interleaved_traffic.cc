#include "pgshadow/rollout/interleaved_traffic.h"

#include <algorithm>
#include <utility>

namespace pgshadow::rollout {
namespace {

std::string prefix_of(AppVersion version) { return std::string(to_string(version)) + "/"; }

}  // namespace

void InterleavedTraffic::add(AppVersion version, std::unique_ptr<capture::EventSource> source) {
  inputs_.push_back({version, std::move(source), std::nullopt, std::nullopt, false});
}

Result<std::optional<Event>> InterleavedTraffic::next() {
  Input* earliest = nullptr;
  std::int64_t earliest_offset = 0;
  for (Input& input : inputs_) {
    if (!input.head && !input.exhausted) {
      auto event = input.source->next();
      if (!event) return event.error();
      input.head = std::move(*event);
      input.exhausted = !input.head;
      if (input.head && !input.first_start_us) input.first_start_us = input.head->start_us;
    }
    if (!input.head) continue;
    const std::int64_t offset = input.head->start_us - *input.first_start_us;
    // Strictly earlier only: on a tie the version added first goes first.
    if (earliest == nullptr || offset < earliest_offset) {
      earliest = &input;
      earliest_offset = offset;
    }
  }
  accounting_ = capture::InputAccounting{};
  for (const Input& input : inputs_) accounting_.add(input.source->accounting());
  accounting_.events = next_sequence_;
  if (earliest == nullptr) return std::optional<Event>{};
  Event event = std::move(*earliest->head);
  earliest->head.reset();
  // Every capture starts at the first capture's first moment: the replay's timing and its
  // happens-before order see one step, not two recordings hours apart.
  if (!origin_us_) origin_us_ = *earliest->first_start_us;
  event.start_us = *origin_us_ + earliest_offset;
  event.session_id = prefix_of(earliest->version) + event.session_id;
  event.sequence = next_sequence_++;
  accounting_.events = next_sequence_;
  return std::optional<Event>{std::move(event)};
}

const InputProblems& InterleavedTraffic::problems() const {
  // Summed on demand: each input's sink grows while it is read.
  problems_ = InputProblems{};
  for (const Input& input : inputs_) problems_.add(input.source->problems());
  return problems_;
}

std::string InterleavedTraffic::description() const {
  std::string text;
  for (const Input& input : inputs_) {
    text += (text.empty() ? "" : " interleaved with ") + std::string(to_string(input.version)) + ": " +
            input.source->description();
  }
  return text;
}

std::optional<AppVersion> InterleavedTraffic::version_of(const Event& event) {
  for (AppVersion version : kAppVersions) {
    if (event.session_id.starts_with(prefix_of(version))) return version;
  }
  return std::nullopt;
}

void VersionRouter::route(AppVersion version, replay::ReplayObserver& observer) { routes_.emplace_back(version, &observer); }

std::vector<replay::ReplayObserver*> VersionRouter::observers_for(const Event& event) {
  std::vector<replay::ReplayObserver*> found;
  const auto version = InterleavedTraffic::version_of(event);
  for (const auto& [routed, observer] : routes_) {
    if (version && routed == *version) found.push_back(observer);
  }
  if (found.empty()) ++unrouted_;
  return found;
}

void VersionRouter::on_compared(const replay::ComparedStatement& statement) {
  for (auto* observer : observers_for(statement.event)) observer->on_compared(statement);
}

void VersionRouter::on_skipped(const Event& event, const std::string& reason) {
  for (auto* observer : observers_for(event)) observer->on_skipped(event, reason);
}

void VersionRouter::on_failed(const Event& event, const std::string& reason) {
  for (auto* observer : observers_for(event)) observer->on_failed(event, reason);
}

}  // namespace pgshadow::rollout
