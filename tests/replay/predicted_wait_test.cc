// A write the footprints say will wait on another session's open transaction, against real
// servers: the holder's commit may go on only once both servers show that wait. Sent on the
// prediction alone, the commit could reach a server before the write reached the row, and a
// DELETE of a row the holder deleted and inserted again then deletes it there (1 row) and waits
// for it elsewhere (0 rows): a divergence of the replay's making (seen in CI on sysbench traffic).
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
  };
  for (Event& event : events) event.duration_ms = 0.5;
  events[6].duration_ms = 4.0;  // b's delete waited for a's commit
  events[9].outcome.succeeded = false;
  events[9].outcome.sqlstate = "23505";
  return events;
}

// The index of the n-th trace line (from 1) that holds `text`; the line count when there is none.
std::size_t nth_line(const std::vector<std::string>& lines, const std::string& text, int n) {
  for (std::size_t index = 0; index < lines.size(); ++index) {
    if (lines[index].find(text) != std::string::npos && --n == 0) return index;
  }
  return lines.size();
}

}  // namespace

TEST_CASE("a write sent to wait for an open transaction's row waits there on both servers before that transaction "
          "commits",
          "[replay][locks]") {
  for (int attempt = 1; attempt <= 3; ++attempt) {
    INFO("attempt " << attempt);
    const ReplayTargets targets = cluster().fresh_pair("");
    VectorSource source(reinserted_row_traffic());
    RecordingObserver observed;
    pgshadow::testing::TraceRecorder trace;
    REQUIRE(replay(source, targets, test_settings(), observed, nullptr, {nullptr, &trace}).ok());
    REQUIRE(observed.compared.size() == 11);
    for (const Recorded& statement : observed.compared) {
      INFO(statement.session << " " << statement.sql);
      CHECK(statement.divergence == DivergenceClass::kMatch);
    }
    // As in production: the delete waited for a's commit and found its row gone.
    const Recorded& waiting_delete = observed.at(1006);
    CHECK(waiting_delete.baseline_rows == 0);
    const Recorded& insert_again = observed.at(1012);
    CHECK(insert_again.baseline_sqlstate == "23505");
    CHECK(insert_again.shadow_sqlstate == "23505");
    // The order the servers saw: b's delete sent, its wait seen on each server, then a's commit.
    std::string lines;
    for (const std::string& line : trace.lines) lines += line + "\n";
    INFO(lines);
    const std::size_t delete_sent = nth_line(trace.lines, "dispatch b ", 2);
    const std::size_t commit_sent = nth_line(trace.lines, "dispatch a ", 4);
    REQUIRE(delete_sent < commit_sent);
    for (const std::string side : {"baseline", "shadow"}) {
      INFO(side);
      const std::regex wait_seen(side + R"( backend \d+ waits on a lock)");
      CHECK(std::any_of(trace.lines.begin() + static_cast<std::ptrdiff_t>(delete_sent),
                        trace.lines.begin() + static_cast<std::ptrdiff_t>(commit_sent),
                        [&](const std::string& line) { return std::regex_search(line, wait_seen); }));
    }
  }
}

}  // namespace pgshadow::replay
