// Two versions' captures as the traffic of one step: aligned to the step's start, merged by
// offset, each session named by its version, each fate counted in its version's cell.
#include <catch2/catch.hpp>

#include "../support/memory_event_source.h"
#include "pgshadow/rollout/interleaved_traffic.h"

using pgshadow::Event;
using pgshadow::rollout::AppVersion;
using pgshadow::rollout::InterleavedTraffic;
using pgshadow::rollout::VersionRouter;
using pgshadow::testing::MemoryEventSource;

namespace {

constexpr std::int64_t kHour = 3'600'000'000;

Event event_at(std::int64_t start_us, const std::string& session, const std::string& sql) {
  Event event;
  event.start_us = start_us;
  event.session_id = session;
  event.sql = sql;
  return event;
}

std::vector<Event> drain(InterleavedTraffic& traffic) {
  std::vector<Event> events;
  for (;;) {
    auto next = traffic.next();
    REQUIRE(next);
    if (!next->has_value()) return events;
    events.push_back(std::move(**next));
  }
}

class Recorder final : public pgshadow::replay::ReplayObserver {
 public:
  void on_compared(const pgshadow::replay::ComparedStatement& statement) override { seen.push_back(statement.event.sql); }
  void on_skipped(const Event& event, const std::string&) override { seen.push_back("skipped " + event.sql); }
  void on_failed(const Event& event, const std::string&) override { seen.push_back("failed " + event.sql); }
  std::vector<std::string> seen;
};

}  // namespace

TEST_CASE("captures recorded an hour apart interleave by their offsets from their own starts") {
  InterleavedTraffic traffic;
  // The old application recorded at 10:00, the new one at 11:00: each serves from the step's start.
  traffic.add(AppVersion::kOld, std::make_unique<MemoryEventSource>(std::vector<Event>{
                                    event_at(10 * kHour, "s1", "old 0s"), event_at(10 * kHour + 2'000'000, "s1", "old 2s"),
                                    event_at(10 * kHour + 4'000'000, "s2", "old 4s")}));
  traffic.add(AppVersion::kNew, std::make_unique<MemoryEventSource>(std::vector<Event>{
                                    event_at(11 * kHour + 1'000'000, "s1", "new 1s"),
                                    event_at(11 * kHour + 4'000'000, "s1", "new 4s")}));
  const auto events = drain(traffic);
  REQUIRE(events.size() == 5);
  std::vector<std::string> order;
  for (const Event& event : events) order.push_back(event.sql);
  // new's first statement is its start (offset 0), a tie with old's: old, added first, goes first.
  CHECK(order == std::vector<std::string>{"old 0s", "new 1s", "old 2s", "new 4s", "old 4s"});
  CHECK(events[0].start_us == 10 * kHour);
  CHECK(events[1].start_us == 10 * kHour);            // new's start, on the step's clock
  CHECK(events[3].start_us == 10 * kHour + 3'000'000);  // three seconds after new's start
  // The same session id in both captures is two sessions.
  CHECK(events[0].session_id == "old/s1");
  CHECK(events[1].session_id == "new/s1");
  CHECK(InterleavedTraffic::version_of(events[1]) == AppVersion::kNew);
  CHECK(InterleavedTraffic::version_of(events[4]) == AppVersion::kOld);
  for (std::size_t i = 0; i < events.size(); ++i) CHECK(events[i].sequence == i);
  CHECK(traffic.accounting().events == 5);
  CHECK(traffic.description() == "old: test events interleaved with new: test events");
}

TEST_CASE("an empty capture leaves the other version's traffic as it is, on its own clock") {
  InterleavedTraffic traffic;
  traffic.add(AppVersion::kOld, std::make_unique<MemoryEventSource>(std::vector<Event>{}));
  traffic.add(AppVersion::kNew, std::make_unique<MemoryEventSource>(std::vector<Event>{
                                    event_at(kHour, "a", "first"), event_at(kHour + 5, "a", "second")}));
  const auto events = drain(traffic);
  REQUIRE(events.size() == 2);
  CHECK(events[0].start_us == kHour);
  CHECK(events[1].start_us == kHour + 5);
  CHECK(events[1].session_id == "new/a");
}

TEST_CASE("the inputs' problems are summed") {
  auto old_source = std::make_unique<MemoryEventSource>(std::vector<Event>{});
  auto new_source = std::make_unique<MemoryEventSource>(std::vector<Event>{});
  old_source->problem_sink().report({"old.csv", 3}, "not a statement");
  new_source->problem_sink().report({"new.csv", 7}, "not a statement");
  new_source->problem_sink().report({"new.csv", 9}, "time zone not known");
  InterleavedTraffic traffic;
  traffic.add(AppVersion::kOld, std::move(old_source));
  traffic.add(AppVersion::kNew, std::move(new_source));
  CHECK(traffic.problems().total() == 3);
  CHECK(traffic.problems().count_by_reason().at("not a statement") == 2);
  REQUIRE(traffic.problems().kept().size() == 3);
  CHECK(traffic.problems().kept()[1].where.to_string() == "new.csv:7");
}

TEST_CASE("each fate goes to its version's observers, and an event of no version is counted") {
  VersionRouter router;
  Recorder old_cell, old_failures, new_cell;
  router.route(AppVersion::kOld, old_cell);
  router.route(AppVersion::kOld, old_failures);
  router.route(AppVersion::kNew, new_cell);
  router.on_skipped(event_at(0, "old/s1", "a"), "empty");
  router.on_failed(event_at(0, "new/s9", "b"), "lost");
  router.on_skipped(event_at(0, "s1", "c"), "empty");  // not from an InterleavedTraffic
  CHECK(old_cell.seen == std::vector<std::string>{"skipped a"});
  CHECK(old_failures.seen == std::vector<std::string>{"skipped a"});
  CHECK(new_cell.seen == std::vector<std::string>{"failed b"});
  CHECK(router.unrouted() == 1);
}
