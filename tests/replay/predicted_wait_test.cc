// A write the footprints say will wait on another session's open transaction, against real
// servers: the holder's commit may go on only once both servers show that wait, when it could
// change the write's result. Sent on the
// prediction alone, the commit could reach a server before the write reached the row, and a
// DELETE of a row the holder deleted and inserted again then deletes it there (1 row) and waits
// for it elsewhere (0 rows): a divergence of the replay's making (seen in CI on sysbench traffic).
// Where no commit it waits behind can change its result (the holder only changed other columns
// of the row), the write counts as waiting at once and the holder goes on without a check.
#include <algorithm>
#include <regex>

#include "../support/trace_recorder.h"
#include "replay_harness.h"

namespace pgshadow::replay {
namespace {

const std::string kWaitingDelete = "DELETE FROM users WHERE id = 7";

// Production: a deletes row 7 and inserts it again; b's delete of row 7 starts before a's commit
// and waits for it, then finds the row it waited for gone (0 rows), and its insert of 7 meets the
// row a inserted (23505). c's commit, between them in the log, keeps b's delete from being
// overtaken by a's commit: the delete is sent first, to wait.
std::vector<Event> reinserted_row_traffic() {
  std::vector<Event> events = {
      statement("a", 1000, "BEGIN"),
      statement("a", 1001, "DELETE FROM users WHERE id = 7"),
      statement("a", 1002, "INSERT INTO users (id, name) VALUES (7, 'again')"),
      statement("c", 1003, "BEGIN"),
      statement("c", 1004, "SELECT count(*) FROM users"),
      statement("b", 1005, "BEGIN"),
      statement("b", 1006, kWaitingDelete),
      statement("c", 1007, "COMMIT"),
      statement("a", 1008, "COMMIT"),
      statement("b", 1012, "INSERT INTO users (id, name) VALUES (7, 'b')"),
      statement("b", 1013, "ROLLBACK"),
      // a's next transaction, read ahead while a's commit waits for the delete to be seen waiting:
      // none of it may overtake that commit.
      statement("a", 1014, "BEGIN"),
      statement("a", 1015, "SELECT name FROM users WHERE id = 7"),
      statement("a", 1016, "COMMIT"),
  };
  for (Event& event : events) event.duration_ms = 0.5;
  events[6].duration_ms = 4.0;  // b's delete waited for a's commit
  events[9].outcome.succeeded = false;
  events[9].outcome.sqlstate = "23505";
  return events;
}

// Production, pgbench's way: a changes row 7's name, b's update of row 7 starts before a's commit
// and waits for it, then appends to the name a committed. Whether a's commit reaches a server
// before b's update takes its snapshot or while it waits, b re-reads the row a committed: its
// result is the same, and it counts as waiting at once (no lock check holds a's commit back).
std::vector<Event> updated_row_traffic() {
  std::vector<Event> events = {
      statement("a", 1000, "BEGIN"),
      statement("a", 1001, "UPDATE users SET name = 'by a' WHERE id = 7"),
      statement("c", 1002, "BEGIN"),
      statement("c", 1003, "SELECT count(*) FROM users"),
      statement("b", 1004, "BEGIN"),
      statement("b", 1005, "UPDATE users SET name = name || ', then b' WHERE id = 7"),
      statement("c", 1006, "COMMIT"),
      statement("a", 1007, "COMMIT"),
      statement("b", 1010, "SELECT name FROM users WHERE id = 7"),
      statement("b", 1011, "COMMIT"),
  };
  for (Event& event : events) event.duration_ms = 0.5;
  events[5].duration_ms = 4.0;  // b's update waited for a's commit
  return events;
}

// Whether a trace line in [from, to) matches `pattern`.
bool any_line_matches(const std::vector<std::string>& lines, std::size_t from, std::size_t to,
                      const std::string& pattern) {
  const std::regex expression(pattern);
  return std::any_of(lines.begin() + static_cast<std::ptrdiff_t>(from),
                     lines.begin() + static_cast<std::ptrdiff_t>(std::min(to, lines.size())),
                     [&](const std::string& line) { return std::regex_search(line, expression); });
}

// One replay of `traffic` on a fresh pair, traced; every statement compared must match.
struct TracedReplay {
  RecordingObserver observed;
  pgshadow::testing::TraceRecorder trace;

};

void replay_all_matching(const std::vector<Event>& traffic, TracedReplay& run) {
  const ReplayTargets targets = cluster().fresh_pair("");
  VectorSource source(traffic);
  REQUIRE(replay(source, targets, test_settings(), run.observed, nullptr, {nullptr, &run.trace}).ok());
  REQUIRE(run.observed.compared.size() == traffic.size());
  for (const Recorded& statement : run.observed.compared) {
    INFO(statement.session << " " << statement.sql);
    CHECK(statement.divergence == DivergenceClass::kMatch);
  }
}

}  // namespace

TEST_CASE("a write sent to wait for an open transaction's row waits there on both servers before that transaction "
          "commits",
          "[replay][locks]") {
  for (int attempt = 1; attempt <= 3; ++attempt) {
    INFO("attempt " << attempt);
    TracedReplay run;
    replay_all_matching(reinserted_row_traffic(), run);
    INFO(run.trace.text());
    const RecordingObserver& observed = run.observed;
    const std::vector<std::string>& lines = run.trace.lines;
    // As in production: the delete waited for a's commit and found its row gone.
    const Recorded& waiting_delete = observed.at(1006);
    CHECK(waiting_delete.baseline_affected == 0u);
    const Recorded& insert_again = observed.at(1012);
    CHECK(insert_again.baseline_sqlstate == "23505");
    CHECK(insert_again.shadow_sqlstate == "23505");
    // The order the servers saw: b's delete sent, its wait seen on each server, then a's commit.
    const std::size_t delete_sent = run.trace.nth_line("dispatch b ", 2);
    const std::size_t commit_sent = run.trace.nth_line("dispatch a ", 4);
    REQUIRE(delete_sent < commit_sent);
    for (const std::string side : {"baseline", "shadow"}) {
      INFO(side);
      CHECK(any_line_matches(lines, delete_sent, commit_sent, side + R"( backend \d+ waits on a lock)"));
    }
    // a's statements ran in a's order: its commit was not overtaken by its next transaction.
    CHECK(observed.at(1014).divergence == DivergenceClass::kMatch);
    CHECK(run.trace.nth_line("dispatch a ", 5) > commit_sent);
    CHECK(observed.at(1015).baseline_first_value == "again");
  }
}

TEST_CASE("a write waiting for an open transaction's row that only changed another column of it counts as waiting "
          "at once, and lets that transaction commit",
          "[replay][locks]") {
  for (int attempt = 1; attempt <= 3; ++attempt) {
    INFO("attempt " << attempt);
    TracedReplay run;
    replay_all_matching(updated_row_traffic(), run);
    INFO(run.trace.text());
    const RecordingObserver& observed = run.observed;
    CHECK(observed.at(1005).baseline_affected == 1u);
    CHECK(observed.at(1010).baseline_first_value == "by a, then b");
    // b's update was sent on the prediction and counted as waiting on each server.
    for (const std::string side : {"baseline", "shadow"}) {
      INFO(side);
      CHECK(any_line_matches(run.trace.lines, 0, run.trace.lines.size(),
                             side + R"( backend \d+ counts as waiting for backend \d+ \(a\))"));
    }
  }
}

}  // namespace pgshadow::replay
