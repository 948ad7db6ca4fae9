// Statements that production lost to timing (a deadlock victim, a serialization failure, a
// statement_timeout or a cancel) are replayed on both sides as that error, not raced again; and
// statements whose bound values the log cut are skipped.
#include "replay_harness.h"

namespace pgshadow::replay {
namespace {

struct Outcome {
  DivergenceClass divergence;
  std::string baseline_sqlstate;
  std::string shadow_sqlstate;
  std::string baseline_message;
  std::string shadow_message;
  bool as_production_error;
  std::string baseline_first_value;
};

// Records what RecordingObserver does not: the error messages, which tell a statement that ran
// from one replayed as its production error.
class OutcomeObserver final : public ReplayObserver {
 public:
  void on_compared(const ComparedStatement& s) override {
    std::string first;
    if (!s.baseline.sample_rows.empty() && !s.baseline.sample_rows[0].empty() && s.baseline.sample_rows[0][0]) {
      first = *s.baseline.sample_rows[0][0];
    }
    compared.emplace_back(s.event.sql, Outcome{s.divergence, s.baseline.sqlstate, s.shadow.sqlstate,
                                               s.baseline.error_message, s.shadow.error_message,
                                               s.as_production_error, first});
  }
  void on_skipped(const Event& event, const std::string& reason) override { skipped.emplace_back(event.sql, reason); }
  void on_failed(const Event& event, const std::string& reason) override { failed.emplace_back(event.sql, reason); }
  // The nth (0-based) comparison of this SQL.
  const Outcome& find(const std::string& sql, int nth = 0) const {
    for (const auto& [text, outcome] : compared) {
      if (text == sql && nth-- == 0) return outcome;
    }
    FAIL("statement not compared: " << sql);
    return compared.front().second;
  }
  std::vector<std::pair<std::string, Outcome>> compared;
  std::vector<std::pair<std::string, std::string>> skipped;
  std::vector<std::pair<std::string, std::string>> failed;
};

Event failed_with(Event event, const std::string& sqlstate) {
  event.outcome = {false, sqlstate};
  return event;
}

Event lasting(Event event, double duration_ms) {
  event.duration_ms = duration_ms;
  return event;
}

ReplaySummary replay_events(const ReplayTargets& targets, std::vector<Event> events, OutcomeObserver& observer,
                            ReplaySettings settings = test_settings()) {
  VectorSource source(std::move(events));
  auto summary = replay(source, targets, settings, observer);
  REQUIRE(summary.ok());
  CHECK(summary->events == summary->compared + summary->skipped + summary->failed);
  CHECK(observer.failed.empty());
  return *summary;
}

}  // namespace

TEST_CASE("a production deadlock victim fails on both sides as in production, and its transaction stays aborted",
          "[replay][production_error]") {
  const ReplayTargets targets = cluster().fresh_pair("");
  // Production: a and b lock rows 1 and 2, then each wants the other's; b was the victim, a went
  // on once b's locks were gone. The replay must not let the two servers pick their own victims.
  const std::string victim = "UPDATE users SET email = 'b' WHERE id = 1";
  const std::string after_victim = "SELECT name FROM users WHERE id = 3";
  OutcomeObserver observed;
  const ReplaySummary summary = replay_events(
      targets,
      {
          lasting(statement("a", 1, "BEGIN"), 0.1),
          lasting(statement("b", 2, "BEGIN"), 0.1),
          lasting(statement("a", 3, "UPDATE users SET email = 'a' WHERE id = 1"), 0.1),
          lasting(statement("b", 4, "UPDATE users SET email = 'b' WHERE id = 2"), 0.1),
          lasting(statement("a", 5, "UPDATE users SET email = 'a' WHERE id = 2"), 1005),
          failed_with(extended("b", 6, "UPDATE users SET email = $1 WHERE id = $2", {std::string("b"), std::string("1")},
                               "victim"),
                      "40P01"),
          failed_with(statement("b", 1007, after_victim), "25P02"),
          lasting(statement("b", 1008, "ROLLBACK"), 0.1),
          lasting(statement("a", 1009, "COMMIT"), 0.1),
          lasting(statement("c", 1010, "SELECT string_agg(email, ',' ORDER BY id) FROM users WHERE id IN (1, 2)"), 0.1),
      },
      observed);
  const Outcome& deadlocked = observed.find("UPDATE users SET email = $1 WHERE id = $2");
  CHECK(deadlocked.divergence == DivergenceClass::kMatch);
  CHECK(deadlocked.baseline_sqlstate == "40P01");
  CHECK(deadlocked.shadow_sqlstate == "40P01");
  CHECK(deadlocked.baseline_message == "pgshadow: production failed here with deadlock_detected");
  CHECK(deadlocked.as_production_error);
  // As in production: the victim's transaction is aborted, so its next statement fails with 25P02.
  const Outcome& later = observed.find(after_victim);
  CHECK(later.divergence == DivergenceClass::kMatch);
  CHECK(later.baseline_sqlstate == "25P02");
  CHECK_FALSE(later.as_production_error);
  // a's waiting UPDATE went on, and nothing of b's transaction remained.
  CHECK(observed.find("UPDATE users SET email = 'a' WHERE id = 2").baseline_sqlstate.empty());
  const Outcome& read = observed.find("SELECT string_agg(email, ',' ORDER BY id) FROM users WHERE id IN (1, 2)");
  CHECK(read.divergence == DivergenceClass::kMatch);
  CHECK(read.baseline_first_value == "a,a");
  CHECK(summary.replayed_as_production_error == std::map<std::string, std::uint64_t>{{"40P01", 1}});
  CHECK(summary.compared == 10);
}

TEST_CASE("a statement production cancelled is not run: pg_sleep fails at once as query_canceled",
          "[replay][production_error]") {
  const ReplayTargets targets = cluster().fresh_pair("");
  ReplaySettings settings = test_settings();
  settings.statement_timeout = "3s";  // run, the sleeps would end in this timeout, with another message
  OutcomeObserver observed;
  const ReplaySummary summary = replay_events(
      targets,
      {
          failed_with(statement("a", 1, "SELECT pg_sleep(100)"), "57014"),
          // A named prepared statement whose first Execute production cancelled: prepared at the next.
          failed_with(extended("b", 2, "SELECT pg_sleep($1)", {std::string("100")}, "sleeper"), "57014"),
          lasting(extended("b", 3, "SELECT pg_sleep($1)", {std::string("0")}, "sleeper"), 0.1),
      },
      observed, settings);
  for (const char* sql : {"SELECT pg_sleep(100)", "SELECT pg_sleep($1)"}) {
    INFO(sql);
    const Outcome& cancelled = observed.find(sql);
    CHECK(cancelled.divergence == DivergenceClass::kMatch);
    CHECK(cancelled.baseline_sqlstate == "57014");
    CHECK(cancelled.shadow_sqlstate == "57014");
    CHECK(cancelled.baseline_message == "pgshadow: production failed here with query_canceled");
    CHECK(cancelled.shadow_message == "pgshadow: production failed here with query_canceled");
  }
  const Outcome& slept = observed.find("SELECT pg_sleep($1)", 1);
  CHECK(slept.divergence == DivergenceClass::kMatch);
  CHECK(slept.baseline_sqlstate.empty());
  CHECK_FALSE(slept.as_production_error);
  CHECK(summary.replayed_as_production_error == std::map<std::string, std::uint64_t>{{"57014", 2}});
}

TEST_CASE("a statement production ran that times out on the baseline only is the replay's timing, not a finding",
          "[replay][production_error]") {
  // The baseline's slow() sleeps past the session's own 50 ms statement_timeout, the shadow's
  // (and production's) does not: the baseline did not reproduce production, and the statements
  // its aborted transaction then refused are consequences of that, not of the migration.
  const ReplayTargets targets = cluster().fresh_pair(
      "CREATE OR REPLACE FUNCTION slow() RETURNS int LANGUAGE sql AS 'SELECT 1'",
      "CREATE FUNCTION slow() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM pg_sleep(0.3)'");
  OutcomeObserver observed;
  replay_events(targets,
                {lasting(statement("a", 1, "BEGIN"), 0.1),
                 lasting(statement("a", 2, "SET LOCAL statement_timeout = '50ms'"), 0.1),
                 lasting(statement("a", 3, "SELECT slow()"), 0.2),
                 lasting(statement("a", 4, "SELECT 2"), 0.1),
                 lasting(statement("a", 5, "COMMIT"), 0.1)},
                observed);
  const Outcome& timed_out = observed.find("SELECT slow()");
  CHECK(timed_out.baseline_sqlstate == "57014");
  CHECK(timed_out.shadow_sqlstate.empty());
  CHECK(timed_out.divergence == DivergenceClass::kNondeterministic);
  CHECK(observed.find("SELECT 2").baseline_sqlstate == "25P02");
  CHECK(observed.find("SELECT 2").divergence == DivergenceClass::kConsequence);

  // On the shadow only, the same timeout is a finding: the migration may have slowed it.
  const ReplayTargets slower = cluster().fresh_pair(
      "CREATE OR REPLACE FUNCTION slow() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM pg_sleep(0.3)'",
      "CREATE FUNCTION slow() RETURNS int LANGUAGE sql AS 'SELECT 1'");
  OutcomeObserver on_shadow;
  replay_events(slower,
                {lasting(statement("a", 1, "BEGIN"), 0.1),
                 lasting(statement("a", 2, "SET LOCAL statement_timeout = '50ms'"), 0.1),
                 lasting(statement("a", 3, "SELECT slow()"), 0.2),
                 lasting(statement("a", 4, "ROLLBACK"), 0.1)},
                on_shadow);
  CHECK(on_shadow.find("SELECT slow()").divergence == DivergenceClass::kErrorShadowOnly);
}

TEST_CASE("a COMMIT that failed in production rolls back on both sides", "[replay][production_error]") {
  const ReplayTargets targets = cluster().fresh_pair("");
  OutcomeObserver observed;
  const ReplaySummary summary = replay_events(
      targets,
      {
          lasting(statement("a", 1, "BEGIN ISOLATION LEVEL SERIALIZABLE"), 0.1),
          lasting(statement("a", 2, "UPDATE users SET email = 'lost' WHERE id = 4"), 0.1),
          failed_with(statement("a", 3, "COMMIT"), "40001"),
          lasting(statement("a", 4, "SELECT email FROM users WHERE id = 4"), 0.1),
      },
      observed);
  const Outcome& commit = observed.find("COMMIT");
  CHECK(commit.divergence == DivergenceClass::kMatch);
  CHECK(commit.baseline_sqlstate == "40001");
  CHECK(commit.baseline_message == "pgshadow: production failed here with serialization_failure");
  // The session is out of its transaction (not aborted in it) and the UPDATE was undone.
  const Outcome& read = observed.find("SELECT email FROM users WHERE id = 4");
  CHECK(read.baseline_sqlstate.empty());
  CHECK(read.divergence == DivergenceClass::kMatch);
  CHECK(read.baseline_first_value == "u4@example.com");
  CHECK(summary.replayed_as_production_error == std::map<std::string, std::uint64_t>{{"40001", 1}});
}

TEST_CASE("a statement whose bound values the log cut is skipped with its reason", "[replay][production_error]") {
  const ReplayTargets targets = cluster().fresh_pair("");
  Event cut = extended("a", 1, "SELECT length($1::text)", {std::string("aaaaaaaaaa...")});
  cut.parameters_truncated = true;
  // Replayed as its production error, a statement needs none of its values: not skipped.
  Event cut_and_cancelled = failed_with(extended("a", 2, "SELECT pg_sleep($1::float8 + length($2))",
                                                 {std::string("100"), std::string("bbbbbbbbbb...")}),
                                        "57014");
  cut_and_cancelled.parameters_truncated = true;
  OutcomeObserver observed;
  const ReplaySummary summary =
      replay_events(targets, {cut, cut_and_cancelled, lasting(statement("a", 3, "SELECT 1"), 0.1)}, observed);
  REQUIRE(observed.skipped.size() == 1);
  CHECK(observed.skipped[0].first == "SELECT length($1::text)");
  CHECK(observed.skipped[0].second == "parameter values cut by log_parameter_max_length");
  CHECK(summary.skipped == 1);
  CHECK(observed.find("SELECT pg_sleep($1::float8 + length($2))").as_production_error);
  CHECK(observed.find("SELECT 1").divergence == DivergenceClass::kMatch);
}

}  // namespace pgshadow::replay
