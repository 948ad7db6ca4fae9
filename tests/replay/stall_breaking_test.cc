// A stall (every statement in flight waits on a lock) broken against real servers: the holder's
// statement run ahead of its turn is one clear of the writes in flight. Run ahead, a holder's
// write of a row another write already waits for would wait beside it for that row, each server
// could grant the row to either, and the sessions would wait on each other across the sides until
// lock_timeout: a false alarm seen on recorded pgbench traffic (two UPDATEs of one branch behind a
// third session's transaction; 1 replay in 6 breaking on a no-op migration).
#include "../support/trace_recorder.h"
#include "replay_harness.h"

namespace pgshadow::replay {
namespace {

// Production, pgbench's way, within a millisecond or two (so every statement finished before the
// next one started, as far as the log can tell): a holds row 2, c holds row 8; b's update of row 2
// waits for a, d's update of row 8 waits for c, then c's update of row 2 queues behind b's. a's
// commit gives row 2 to b, b's to c, c's gives row 8 to d.
std::vector<Event> queued_rows_traffic() {
  std::vector<Event> events = {
      statement("a", 1000, "BEGIN"),
      statement("a", 1001, "UPDATE users SET name = name || ' a' WHERE id = 2"),
      statement("c", 1002, "BEGIN"),
      statement("c", 1003, "UPDATE users SET name = name || ' c' WHERE id = 8"),
      statement("b", 1004, "BEGIN"),
      statement("b", 1005, "UPDATE users SET name = name || ' b' WHERE id = 2"),
      statement("d", 1006, "BEGIN"),
      statement("d", 1007, "UPDATE users SET name = name || ' d' WHERE id = 8"),
      statement("c", 1008, "UPDATE users SET name = name || ' c' WHERE id = 2"),
      statement("a", 1009, "COMMIT"),
      statement("b", 1010, "COMMIT"),
      statement("c", 1011, "COMMIT"),
      statement("d", 1012, "COMMIT"),
      statement("e", 1013, "SELECT name FROM users WHERE id = 2"),
      statement("e", 1014, "SELECT name FROM users WHERE id = 8"),
  };
  for (Event& event : events) event.duration_ms = 0.3;
  return events;
}

// As queued_rows_traffic, but a's next statement is an UPDATE whose WHERE pins no row: it may lock
// any row of users, so it may want the rows b and d wait for (it found none in production), and c's
// update surely wants the row b waits for. Every holder's statement may wait beside a write in
// flight; the one that only may runs first.
std::vector<Event> every_holder_contends_traffic() {
  std::vector<Event> events = queued_rows_traffic();
  events.insert(events.begin() + 9, statement("a", 1008, "UPDATE users SET email = 'none' WHERE name = 'nobody'"));
  for (std::size_t at = 10; at < events.size(); ++at) events[at].start_us += 1000;  // starts stay apart
  for (Event& event : events) event.duration_ms = 0.3;
  return events;
}

// Replays `traffic` three times on fresh pairs, traced: every statement must match, a's third
// statement must start before c's third, and the reads at `row_2_read_ms` and the next must show
// production's order of the row locks.
void replay_three_times(const std::vector<Event>& traffic, std::int64_t row_2_read_ms) {
  for (int attempt = 1; attempt <= 3; ++attempt) {
    INFO("attempt " << attempt);
    RecordingObserver observed;
    pgshadow::testing::TraceRecorder trace;
    const ReplayTargets targets = cluster().fresh_pair("");
    VectorSource source(traffic);
    REQUIRE(replay(source, targets, test_settings(), observed, nullptr, {nullptr, &trace}).ok());
    INFO(trace.text());
    REQUIRE(observed.compared.size() == traffic.size());
    for (const Recorded& statement : observed.compared) {
      INFO(statement.session << " " << statement.sql);
      CHECK(statement.divergence == DivergenceClass::kMatch);
    }
    const std::size_t third_of_a = trace.nth_line("dispatch a ", 3);
    CHECK(third_of_a < trace.lines.size());
    CHECK(third_of_a < trace.nth_line("dispatch c ", 3));
    // As in production: row 2 went to a, then b, then c; row 8 to c, then d.
    CHECK(observed.at(row_2_read_ms).baseline_first_value == "user2 a b c");
    CHECK(observed.at(row_2_read_ms + 1).baseline_first_value == "user8 c d");
  }
}

}  // namespace

TEST_CASE("when every holder's statement may wait beside a write in flight, one that surely wants the row that "
          "write waits for goes last",
          "[replay][locks]") {
  // a's update (its third statement), which locks no row, runs ahead before c's update of row 2
  // (c's third), which would wait beside b's for that row.
  replay_three_times(every_holder_contends_traffic(), 1014);
}

TEST_CASE("a stall is broken by the holder whose statement waits beside no write: a's commit before c's update of "
          "the row b waits for",
          "[replay][locks]") {
  // c's update of row 2 (its third statement) starts only after a's commit (a's third) released
  // the row b waited for, so it queues behind b's on both servers, as in production.
  replay_three_times(queued_rows_traffic(), 1013);
}

}  // namespace pgshadow::replay
