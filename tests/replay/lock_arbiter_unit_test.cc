// The lock arbiter's timing and run-ahead, and the statement feed's lookahead, on an injected
// clock and events from memory: no server.
#include <catch2/catch.hpp>

#include "../support/memory_event_source.h"
#include "../support/trace_recorder.h"
#include "../../src/replay/dispatch_rule.h"
#include "../../src/replay/lock_arbiter.h"

namespace pgshadow::replay {
namespace {

// Time moves only when the test says so.
class ManualClock final : public ReplayClock {
 public:
  Clock::time_point now() const override { return now_; }
  void sleep_for(Clock::duration duration) const override { now_ += duration; }
  void advance(Clock::duration duration) { now_ += duration; }

 private:
  mutable Clock::time_point now_{};
};

using MemorySource = pgshadow::testing::MemoryEventSource;

class SkipRecorder final : public ReplayObserver {
 public:
  void on_compared(const ComparedStatement&) override {}
  void on_skipped(const Event& event, const std::string& reason) override { skipped.emplace_back(event.sql, reason); }
  void on_failed(const Event&, const std::string&) override {}
  std::vector<std::pair<std::string, std::string>> skipped;
};

const LockArbiter::MayRunAhead kAlways = [](const SessionRun&, Pending&) -> const char* { return nullptr; };

Event statement(const std::string& session, const std::string& sql) {
  Event event;
  event.session_id = session;
  event.sql = sql;
  return event;
}

struct Fixture {
  ManualClock clock;
  StageClock stages{clock};
  pgshadow::testing::TraceRecorder trace_lines;
  Tracer trace{&trace_lines, clock};
  LockArbiter arbiter{{nullptr, nullptr}, {}, stages, clock, trace, [](int) {}};

  // Session b's write, started at 1 s in production where it waited 5 ms, now in flight on the
  // baseline since this instant.
  SideRun& send_waiting_write(SessionRun& session, const std::string& sql, LockArbiter::WaitOutlook outlook) {
    session.id = "b";
    session.event = statement("b", sql);
    session.event->start_us = 1'000'000;
    session.event->duration_ms = 5.0;
    SideRun& side = session.sides[kBaselineSide];
    side.in_flight = true;
    side.sent_at = clock.now();
    arbiter.sent(side, outlook);
    return side;
  }
};

}  // namespace

TEST_CASE("lock checks back off from 0.5 ms to 50 ms, and come every 10 ms while a side waits", "[replay][locks]") {
  Clock::duration interval = kFirstLockCheck;
  std::vector<std::int64_t> micros;
  for (int i = 0; i < 9; ++i) {
    interval = next_lock_check_interval(interval, false);
    micros.push_back(std::chrono::duration_cast<std::chrono::microseconds>(interval).count());
  }
  CHECK(micros == std::vector<std::int64_t>{1000, 2000, 4000, 8000, 16000, 32000, 50000, 50000, 50000});
  CHECK(next_lock_check_interval(std::chrono::milliseconds(50), true) == std::chrono::milliseconds(10));
  CHECK(next_lock_check_interval(std::chrono::milliseconds(10), false) == std::chrono::milliseconds(20));
}

TEST_CASE("a stalled replay asks for lock holders at once, then not before the retry interval", "[replay][locks]") {
  Fixture f;
  CHECK(f.arbiter.stall_check_due(true));
  CHECK_FALSE(f.arbiter.stall_check_due(true));
  f.clock.advance(kStallRetryAfter - std::chrono::microseconds(1));
  CHECK_FALSE(f.arbiter.stall_check_due(true));
  f.clock.advance(std::chrono::microseconds(1));
  CHECK(f.arbiter.stall_check_due(true));
  // No longer stalled: the next stall is asked about at once.
  CHECK_FALSE(f.arbiter.stall_check_due(false));
  CHECK_FALSE(f.arbiter.stall_retry_at().has_value());
  CHECK(f.arbiter.stall_check_due(true));
  // A statement ran ahead: the holders are asked afresh at once.
  f.arbiter.stall_resolved();
  CHECK(f.arbiter.stall_check_due(true));
}

TEST_CASE("an idle lock holder's next statement runs ahead of its turn: the rest keep capture order",
          "[replay][locks]") {
  Fixture f;
  MemorySource source({statement("a", "SELECT 1"), statement("b", " ;"), statement("b", "SELECT 2"),
                       statement("c", "UPDATE users SET name = 'c'"), statement("a", "SELECT 3")});
  SkipRecorder observer;
  const ReplaySettings settings;
  StatementFeed feed(source, settings, observer, f.stages);
  SessionRun holder;
  holder.id = "c";
  SessionRun busy_holder;
  busy_holder.id = "a";
  busy_holder.event = statement("a", "SELECT 0");  // busy: its next statement cannot start

  auto ahead = f.arbiter.run_ahead({&busy_holder, &holder}, feed, kAlways);
  REQUIRE(ahead.ok());
  REQUIRE(ahead->has_value());
  CHECK((*ahead)->holder == &holder);
  CHECK((*ahead)->pending.event.sql == "UPDATE users SET name = 'c'");
  CHECK((*ahead)->pending.analysis.facts.may_write);
  REQUIRE_FALSE(f.trace_lines.lines.empty());
  CHECK_THAT(f.trace_lines.lines.back(),
             Catch::Matches(R"(\[ +0\.000\] stalled: c runs ahead of its turn \(it holds a lock others wait for\))"));

  std::vector<std::string> rest;
  for (;;) {
    auto next = feed.next();
    REQUIRE(next.ok());
    if (!next->has_value()) break;
    rest.push_back((*next)->event.sql);
  }
  CHECK(rest == std::vector<std::string>{"SELECT 1", "SELECT 2", "SELECT 3"});
  // Every event counted once: four handed out, one skipped with its reason.
  CHECK(feed.events() == 5);
  CHECK(feed.skipped() == 1);
  REQUIRE(observer.skipped.size() == 1);
  CHECK(observer.skipped[0].second == "empty statement");
}

TEST_CASE("a holder whose statement may not run yet keeps its place, and so do its later statements",
          "[replay][locks]") {
  Fixture f;
  MemorySource source({statement("c", "COMMIT"), statement("d", "UPDATE t SET n = 1"), statement("c", "SELECT 9")});
  SkipRecorder observer;
  const ReplaySettings settings;
  StatementFeed feed(source, settings, observer, f.stages);
  SessionRun waits_for_its_time;
  waits_for_its_time.id = "c";
  SessionRun other;
  other.id = "d";
  const LockArbiter::MayRunAhead not_c = [&](const SessionRun& holder, Pending&) -> const char* {
    return &holder == &waits_for_its_time ? "it waits for its time" : nullptr;
  };

  // c's COMMIT may not run yet, nor may its later SELECT 9 overtake it: d's UPDATE goes.
  auto ahead = f.arbiter.run_ahead({&waits_for_its_time, &other}, feed, not_c);
  REQUIRE(ahead.ok());
  REQUIRE(ahead->has_value());
  CHECK((*ahead)->holder == &other);
  CHECK((*ahead)->pending.event.sql == "UPDATE t SET n = 1");
  // With c alone, nothing runs ahead.
  auto none = f.arbiter.run_ahead({&waits_for_its_time}, feed, not_c);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  auto first = feed.next();
  REQUIRE(first.ok());
  REQUIRE(first->has_value());
  CHECK((*first)->event.sql == "COMMIT");
}

TEST_CASE("no holder with a statement in the capture: nothing runs ahead and nothing is lost", "[replay][locks]") {
  Fixture f;
  MemorySource source({statement("a", "SELECT 1"), statement("b", "SELECT 2")});
  SkipRecorder observer;
  const ReplaySettings settings;
  StatementFeed feed(source, settings, observer, f.stages);
  SessionRun holder;
  holder.id = "z";
  auto ahead = f.arbiter.run_ahead({&holder}, feed, kAlways);
  REQUIRE(ahead.ok());
  CHECK_FALSE(ahead->has_value());
  auto none = f.arbiter.run_ahead({}, feed, kAlways);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  auto first = feed.next();
  REQUIRE(first.ok());
  REQUIRE(first->has_value());
  CHECK((*first)->event.sql == "SELECT 1");
  CHECK(feed.events() == 2);
}

TEST_CASE("the search for a holder's statement reads the capture no further than it must", "[replay][locks]") {
  Fixture f;
  std::vector<Event> events = {statement("a", "SELECT 1"), statement("c", "COMMIT"), statement("d", "SELECT 2")};
  for (int i = 0; i < 1000; ++i) events.push_back(statement("b", "SELECT 3"));
  events.push_back(statement("busy", "SELECT 4"));
  MemorySource source(events);
  SkipRecorder observer;
  const ReplaySettings settings;
  StatementFeed feed(source, settings, observer, f.stages);
  SessionRun busy_holder;
  busy_holder.id = "busy";
  busy_holder.event = statement("busy", "SELECT 0");
  SessionRun waits_for_its_time;
  waits_for_its_time.id = "c";
  const LockArbiter::MayRunAhead not_c = [&](const SessionRun& holder, Pending&) -> const char* {
    return &holder == &waits_for_its_time ? "it waits for its time" : nullptr;
  };

  // Only busy's statement, 1,004 events on, could match, and busy cannot run ahead: nothing is read.
  auto none = f.arbiter.run_ahead({&busy_holder}, feed, kAlways);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  CHECK(feed.events() == 0);
  // c's COMMIT is found and may not run yet; nothing later of c could overtake it: the search
  // stops there, two events in.
  auto still_none = f.arbiter.run_ahead({&busy_holder, &waits_for_its_time}, feed, not_c);
  REQUIRE(still_none.ok());
  CHECK_FALSE(still_none->has_value());
  CHECK(feed.events() == 2);
}


TEST_CASE("a write sent to wait on a predicted holder progresses until a check sees the wait, and is checked soon",
          "[replay][locks]") {
  Fixture f;
  SessionRun waiting;
  SideRun& side = f.send_waiting_write(waiting, "DELETE FROM users WHERE id = 7", LockArbiter::WaitOutlook::kPossible);
  f.arbiter.sent_to_wait(side, 4242, /*assume=*/false);
  CHECK(side.predicted_blocker == 4242);
  CHECK_FALSE(side.waiting_on_lock);
  CHECK(waiting.progressing());
  // So the holder's commit stays behind the commit barrier until the server shows the wait.
  Event commit = statement("a", "COMMIT");
  commit.start_us = 1'002'000;
  const dispatch::Candidate holder_commit{&commit, false, false, true};
  const dispatch::Running delete_in_flight{&*waiting.event, true, false, waiting.progressing()};
  CHECK(dispatch::hold_for(holder_commit, {&delete_in_flight, 1}, {}) == dispatch::Hold::kCommitBarrier);
  // First asked as soon as a likely wait is.
  f.clock.advance(kFirstLockCheckLikelyWait - std::chrono::microseconds(1));
  CHECK_FALSE(f.arbiter.check_due(side));
  f.clock.advance(std::chrono::microseconds(1));
  CHECK(f.arbiter.check_due(side));
  // The holder's transaction ended before any check: nothing was counted as a wait.
  f.arbiter.prediction_over(side, kBaselineSide);
  CHECK(side.predicted_blocker == 0);
  CHECK_FALSE(side.waiting_on_lock);
  CHECK(waiting.progressing());
}

TEST_CASE("a write whose result no commit it waits behind can change counts as waiting at once, and a commit that "
          "could change it waits for a check",
          "[replay][locks]") {
  Fixture f;
  SessionRun waiting;
  SideRun& side = f.send_waiting_write(waiting, "UPDATE branches SET balance = balance + 5 WHERE id = 3",
                                       LockArbiter::WaitOutlook::kLikely);
  f.arbiter.sent_to_wait(side, 4242, /*assume=*/true);
  CHECK(side.waiting_on_lock);
  CHECK(side.blockers == std::vector<int>{4242});
  CHECK(waiting.wait_assumed());
  CHECK_FALSE(waiting.progressing());
  CHECK(side.waits_as_predicted());
  // Checked as a side known to wait, not as soon as a likely wait: nothing waits for the check.
  f.clock.advance(kFirstLockCheckLikelyWait);
  CHECK_FALSE(f.arbiter.check_due(side));
  f.clock.advance(kWaitingLockCheckInterval);
  CHECK(f.arbiter.check_due(side));
  // A commit that waits for the check has it sooner.
  side.lock_checked_at = f.clock.now();
  LockArbiter::check_soon(side);
  f.clock.advance(kFirstLockCheckLikelyWait);
  CHECK(f.arbiter.check_due(side));

  // The holder's commit passes when it changed only another column of the row; one that inserted
  // into the table waits for the check.
  const std::set<std::string> where_columns{"id"};
  dispatch::Footprint written;
  dispatch::TableLocks& branch = written.tables["branches"];
  branch.any_row = false;
  branch.found.push_back({{"id", "3"}});
  branch.assigned = {"balance"};
  const dispatch::Footprint& wanted = written;
  dispatch::Running in_flight{&*waiting.event, true, false, waiting.progressing(), &wanted};
  in_flight.wait_assumed = waiting.wait_assumed();
  in_flight.where_columns = &where_columns;
  Event commit = statement("a", "COMMIT");
  commit.start_us = 1'002'000;
  dispatch::Candidate holder_commit{&commit, false, false, true};
  CHECK(dispatch::hold_for(holder_commit, {&in_flight, 1}, {}) == dispatch::Hold::kAssumedWait);  // unknown
  holder_commit.published = &written;
  CHECK(dispatch::hold_for(holder_commit, {&in_flight, 1}, {}) == dispatch::Hold::kNone);
  dispatch::Footprint reinserted = written;
  reinserted.tables["branches"].inserted.push_back({{"id", "3"}});
  holder_commit.published = &reinserted;
  CHECK(dispatch::hold_for(holder_commit, {&in_flight, 1}, {}) == dispatch::Hold::kAssumedWait);
  // A statement that publishes nothing starts beside it as beside any wait.
  const Event read = statement("c", "SELECT 1");
  CHECK(dispatch::hold_for({&read, false, false, false}, {&in_flight, 1}, {}) == dispatch::Hold::kNone);

  // The holder's transaction ended: the assumed wait is over, and the write progresses.
  f.arbiter.prediction_over(side, kBaselineSide);
  CHECK_FALSE(side.waiting_on_lock);
  CHECK_FALSE(waiting.wait_assumed());
  CHECK(waiting.progressing());
}

TEST_CASE("a backend pg_blocking_pids saw blocked and pg_locks no longer saw waiting has no wait", "[replay][locks]") {
  // 101 waits on 7 and 8 for a tuple lock; 102's wait (a relation's extension, seen in a 64-client
  // pgbench replay) ended between the two reads of the lock table: no lock type, no age.
  const auto waits = LockArbiter::read_waits({{"101", "7", "0.004", "tuple"},
                                              {"101", "8", "0.004", "tuple"},
                                              {"102", "9", "", ""},
                                              {"103", "x", "0.1", "transactionid"}});
  REQUIRE(waits.size() == 1);
  CHECK(waits[0].first == 101);
  CHECK(waits[0].second.blockers == std::vector<int>{7, 8});
  CHECK(waits[0].second.lock_type == "tuple");
  REQUIRE(waits[0].second.waiting_s.has_value());
  CHECK(*waits[0].second.waiting_s == Approx(0.004));
}

}  // namespace pgshadow::replay
