#pragma once
// The traffic of a step during which several application versions serve at once, as during a
// rolling update: their captures as one capture, each aligned to the step's start (a capture's
// first statement is the step's first moment: every version's pods serve from then on), merged
// by that offset, ties in version order. So old and new statements meet on the databases as
// they would in production, and a version's writes are seen by the other's reads.
//
// Session ids become "old/<id>" and "new/<id>": two captures recorded apart may reuse an id,
// and each event's version is told back from it (version_of), for the per-version cells.
// Event::sequence is assigned here, gapless across the versions. Not thread-safe.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pgshadow/capture/event_source.h"
#include "pgshadow/replay/replay.h"
#include "pgshadow/rollout/deploy_plan.h"

namespace pgshadow::rollout {

class InterleavedTraffic final : public capture::EventSource {
 public:
  // In version order (the plan's); each source at its start.
  void add(AppVersion version, std::unique_ptr<capture::EventSource> source);

  Result<std::optional<Event>> next() override;
  const capture::InputAccounting& accounting() const override { return accounting_; }
  const InputProblems& problems() const override;
  std::string description() const override;

  // The version whose capture the event (as this source gave it) came from; nullopt for an
  // event of no InterleavedTraffic.
  static std::optional<AppVersion> version_of(const Event& event);

 private:
  struct Input {
    AppVersion version;
    std::unique_ptr<capture::EventSource> source;
    std::optional<Event> head;
    std::optional<std::int64_t> first_start_us;  // the capture's first statement
    bool exhausted = false;
  };

  std::vector<Input> inputs_;
  capture::InputAccounting accounting_;
  mutable InputProblems problems_;  // the inputs' problems, summed when asked for
  std::optional<std::int64_t> origin_us_;  // the step's first moment: the first event's start
  std::uint64_t next_sequence_ = 0;
};

// Hands each event's fate to the observer of its version (InterleavedTraffic::version_of);
// an event of no version is a programming error, counted in unrouted().
class VersionRouter final : public replay::ReplayObserver {
 public:
  void route(AppVersion version, replay::ReplayObserver& observer);

  void on_compared(const replay::ComparedStatement& statement) override;
  void on_skipped(const Event& event, const std::string& reason) override;
  void on_failed(const Event& event, const std::string& reason) override;
  std::uint64_t unrouted() const { return unrouted_; }

 private:
  std::vector<replay::ReplayObserver*> observers_for(const Event& event);

  std::vector<std::pair<AppVersion, replay::ReplayObserver*>> routes_;
  std::uint64_t unrouted_ = 0;
};

}  // namespace pgshadow::rollout
