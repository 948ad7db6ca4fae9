// The replay against real PostgreSQL servers: a baseline and a shadow database on one embedded
// cluster, events from an in-memory source.
#include "replay_harness.h"

namespace pgshadow::replay {
namespace {

// The replay's trace, line by line.
class Lines final : public ReplayTrace {
 public:
  void line(std::string_view text) override { lines.emplace_back(text); }
  std::vector<std::string> lines;
};

}  // namespace

TEST_CASE("identical schemas give match for reads, writes, transactions and every protocol", "[replay]") {
  const ReplayTargets targets = cluster().fresh_pair("");
  const auto observed = run(targets, {
      statement("a", 1, "SELECT * FROM users WHERE id = 3"),
      extended("b", 2, "SELECT name FROM users WHERE id = $1", {std::string("4")}),
      extended("b", 3, "SELECT email FROM users WHERE id = $1 OR email = $2", {std::string("5"), std::nullopt}, "named"),
      extended("b", 4, "SELECT email FROM users WHERE id = $1 OR email = $2", {std::string("6"), std::nullopt}, "named"),
      statement("a", 5, "BEGIN"),
      statement("a", 6, "UPDATE users SET email = 'x' WHERE id < 10"),
      statement("a", 7, "COMMIT"),
      statement("c", 8, "SELECT count(*) FROM users WHERE email = 'x'"),
  });
  REQUIRE(observed.compared.size() == 8);
  for (const auto& r : observed.compared) {
    INFO(r.sql);
    CHECK(r.divergence == DivergenceClass::kMatch);
  }
  CHECK(observed.find("SELECT * FROM users WHERE id = 3").baseline_rows == 1);
}

TEST_CASE("a renamed column gives error_shadow_only and columns_changed", "[replay]") {
  const ReplayTargets targets = cluster().fresh_pair("ALTER TABLE users RENAME COLUMN name TO full_name");
  const auto observed = run(targets, {
      statement("a", 1, "SELECT id, name FROM users WHERE id = 3"),
      statement("a", 2, "SELECT * FROM users WHERE id = 3"),
      statement("a", 3, "SELECT email FROM users WHERE id = 3"),
  });
  const Recorded& named = observed.find("SELECT id, name FROM users WHERE id = 3");
  CHECK(named.divergence == DivergenceClass::kErrorShadowOnly);
  CHECK(named.shadow_sqlstate == "42703");
  CHECK(observed.find("SELECT * FROM users WHERE id = 3").divergence == DivergenceClass::kColumnsChanged);
  CHECK(observed.find("SELECT email FROM users WHERE id = 3").divergence == DivergenceClass::kMatch);
}

TEST_CASE("statements after a shadow-only error in a transaction are its consequences", "[replay]") {
  const ReplayTargets targets = cluster().fresh_pair("ALTER TABLE users RENAME COLUMN name TO full_name");
  const auto observed = run(targets, {
      statement("a", 1, "BEGIN"),
      statement("a", 2, "UPDATE users SET name = 'n' WHERE id = 1"),
      statement("a", 3, "UPDATE users SET email = 'e' WHERE id = 1"),
      statement("a", 4, "COMMIT"),
      statement("a", 5, "SELECT 1"),
  });
  CHECK(observed.find("UPDATE users SET name = 'n' WHERE id = 1").divergence == DivergenceClass::kErrorShadowOnly);
  const Recorded& after = observed.find("UPDATE users SET email = 'e' WHERE id = 1");
  CHECK(after.divergence == DivergenceClass::kConsequence);
  CHECK(after.shadow_sqlstate == "25P02");
  CHECK(after.root.has_value());
  CHECK(observed.find("COMMIT").divergence == DivergenceClass::kConsequence);
  CHECK(observed.find("SELECT 1").divergence == DivergenceClass::kMatch);
}

TEST_CASE("a read that differs only because an earlier write failed on the shadow is a consequence", "[replay]") {
  const ReplayTargets targets = cluster().fresh_pair_with_probe(
      "ALTER TABLE users ADD COLUMN phone text NOT NULL DEFAULT ''; ALTER TABLE users ALTER COLUMN phone DROP DEFAULT");
  const auto observed = run(targets, {
      statement("a", 1, "SELECT count(*) FROM users"),
      statement("a", 2, "INSERT INTO users (id, name) VALUES (100, 'new')"),
      statement("b", 3, "SELECT count(*) FROM users"),
      statement("b", 4, "SELECT id, name FROM users WHERE id = 100"),
      statement("b", 5, "SELECT * FROM users WHERE id = 1"),
  });
  const Recorded& insert = observed.find("INSERT INTO users (id, name) VALUES (100, 'new')");
  CHECK(insert.divergence == DivergenceClass::kErrorShadowOnly);
  CHECK(insert.shadow_sqlstate == "23502");
  CHECK(observed.at(3).divergence == DivergenceClass::kConsequence);
  CHECK(observed.at(3).root.has_value());
  CHECK(observed.find("SELECT id, name FROM users WHERE id = 100").divergence == DivergenceClass::kConsequence);
  // A difference the migration itself causes stays a root finding after the data diverged.
  CHECK(observed.find("SELECT * FROM users WHERE id = 1").divergence == DivergenceClass::kColumnsAdded);
}

TEST_CASE("without the probe, a difference after diverged data stays a root finding", "[replay]") {
  const ReplayTargets targets = cluster().fresh_pair(
      "ALTER TABLE users ADD COLUMN phone text NOT NULL DEFAULT ''; ALTER TABLE users ALTER COLUMN phone DROP DEFAULT");
  const auto observed = run(targets, {
      statement("a", 1, "INSERT INTO users (id, name) VALUES (100, 'new')"),
      statement("b", 2, "SELECT count(*) FROM users"),
  });
  CHECK(observed.find("SELECT count(*) FROM users").divergence == DivergenceClass::kRowsChanged);
}

TEST_CASE("values a statement cannot repeat are nondeterministic, but its errors still count", "[replay]") {
  const ReplayTargets targets = cluster().fresh_pair("ALTER TABLE users RENAME COLUMN name TO full_name");
  // Both sides run a statement at once, on one cluster's clock: a microsecond timestamp alone can
  // come out the same on both (a match, rightly); random() beside it differs but one time in 2^52.
  const auto observed = run(targets, {
      statement("a", 1, "SELECT clock_timestamp(), random()"),
      statement("a", 2, "SELECT name, now() FROM users WHERE id = 1"),
  });
  CHECK(observed.find("SELECT clock_timestamp(), random()").divergence == DivergenceClass::kNondeterministic);
  CHECK(observed.find("SELECT name, now() FROM users WHERE id = 1").divergence == DivergenceClass::kErrorShadowOnly);
}

TEST_CASE("a lock wait that production resolved is resolved in the replay, not timed out", "[replay]") {
  const ReplayTargets targets = cluster().fresh_pair("");
  // b's UPDATE waits for a's transaction, which commits after b's UPDATE started.
  const auto observed = run(targets, {
      statement("a", 1, "BEGIN"),
      statement("a", 2, "UPDATE users SET email = 'a' WHERE id = 7"),
      statement("b", 3, "UPDATE users SET email = 'b' WHERE id = 7"),
      statement("a", 4, "COMMIT"),
      statement("c", 5, "SELECT email FROM users WHERE id = 7"),
  });
  const Recorded& waited = observed.find("UPDATE users SET email = 'b' WHERE id = 7");
  CHECK(waited.divergence == DivergenceClass::kMatch);
  CHECK(waited.baseline_sqlstate.empty());
  CHECK(observed.find("SELECT email FROM users WHERE id = 7").divergence == DivergenceClass::kMatch);
}

TEST_CASE("a captured statement name reused for other SQL is prepared again, even one that needs quoting",
          "[replay]") {
  const ReplayTargets targets = cluster().fresh_pair("");
  // Unquoted, DEALLOCATE would fold S1 to s1 (26000) and read the rest of the name as syntax;
  // the second Parse would then fail with 42P05 on both sides: a match, but not production's.
  const std::string name = "S1 \"quoted\"; x";
  const auto observed = run(targets, {
      extended("a", 1, "SELECT name FROM users WHERE id = $1", {std::string("3")}, name),
      extended("a", 2, "SELECT email FROM users WHERE id = $1", {std::string("4")}, name),
      extended("a", 3, "SELECT name FROM users WHERE id = $1", {std::string("5")}, name),
  });
  REQUIRE(observed.compared.size() == 3);
  REQUIRE(observed.failed.empty());
  const Recorded& email = observed.find("SELECT email FROM users WHERE id = $1");
  CHECK(email.divergence == DivergenceClass::kMatch);
  CHECK(email.baseline_sqlstate.empty());
  CHECK(email.baseline_first_value == "u4@example.com");
  CHECK(observed.at(3).baseline_sqlstate.empty());
  CHECK(observed.at(3).baseline_first_value == "user5");
}

TEST_CASE("the trace goes to the sink the caller injects: a line per dispatch, a lock wait when one is seen",
          "[replay][trace]") {
  const ReplayTargets targets = cluster().fresh_pair("");
  VectorSource source({
      statement("a", 1, "BEGIN"),
      statement("a", 2, "UPDATE users SET email = 'a' WHERE id = 8"),
      // Pinned by no value (id + 0), b's wait is not foreseen: a lock check has to find it.
      statement("b", 3, "UPDATE users SET email = 'b' WHERE id + 0 = 8"),
      statement("a", 4, "COMMIT"),
  });
  RecordingObserver observer;
  Lines trace;
  auto summary = replay(source, targets, test_settings(), observer, nullptr, ReplayEnvironment{nullptr, &trace});
  REQUIRE(summary.ok());
  CHECK(summary->compared == 4);
  std::size_t dispatches = 0;
  bool waited = false;
  for (const std::string& line : trace.lines) {
    INFO(line);
    CHECK_THAT(line, Catch::Matches(R"(\[ *[0-9]+\.[0-9]{3}\] .+)"));
    if (line.find("] dispatch ") != std::string::npos) ++dispatches;
    if (line.find("waits on a lock") != std::string::npos) waited = true;
  }
  CHECK(dispatches == 4);
  CHECK(waited);
}

TEST_CASE("an empty statement and COPY FROM STDIN are skipped with a reason", "[replay]") {
  const ReplayTargets targets = cluster().fresh_pair("");
  const auto observed = run(targets, {statement("a", 1, " ;"), statement("a", 2, "SELECT 1"),
                                      statement("a", 3, "COPY users (id, name) FROM STDIN")});
  REQUIRE(observed.skipped.size() == 2);
  CHECK(observed.skipped[0].second == "empty statement");
  CHECK(observed.skipped[1].second == "COPY FROM STDIN: its rows are not in the server log");
  CHECK(observed.compared.size() == 1);
}

TEST_CASE("an unreachable side is an infrastructure error naming the side", "[replay]") {
  VectorSource source({statement("a", 1, "SELECT 1")});
  RecordingObserver observer;
  auto summary = replay(source, {"host=127.0.0.1 port=1 dbname=x connect_timeout=2", "host=127.0.0.1 port=1 dbname=y", "", ""},
                        {}, observer);
  REQUIRE_FALSE(summary.ok());
  CHECK(summary.error().kind == ErrorKind::kInfrastructure);
  CHECK_THAT(summary.error().message, Catch::StartsWith("baseline: cannot connect"));
}

TEST_CASE("sequences drawn on the shadow only are re-aligned forward: no id is handed out twice there",
          "[replay][divergence]") {
  // The insert naming the migration's new column draws an id on the shadow only (the baseline
  // rejects it before drawing). Setting the shadow back to the baseline's sequence would hand
  // that id out again on the shadow: 23505 there alone.
  const ReplayTargets targets = cluster().fresh_pair("ALTER TABLE notes ADD COLUMN tag text",
                                                     "CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)");
  const auto observed = run(targets, {
      statement("a", 1, "INSERT INTO notes (body, tag) VALUES ('first', 'x')"),
      statement("b", 2, "INSERT INTO notes (body) VALUES ('second') RETURNING id"),
      statement("b", 3, "INSERT INTO notes (body) VALUES ('third') RETURNING id"),
  });
  CHECK(observed.find("INSERT INTO notes (body, tag) VALUES ('first', 'x')").divergence ==
        DivergenceClass::kErrorBaselineOnly);
  for (const char* later : {"INSERT INTO notes (body) VALUES ('second') RETURNING id",
                            "INSERT INTO notes (body) VALUES ('third') RETURNING id"}) {
    INFO(later);
    const Recorded& insert = observed.find(later);
    CHECK(insert.shadow_sqlstate.empty());
    CHECK(insert.baseline_sqlstate.empty());
    CHECK(insert.divergence == DivergenceClass::kMatch);
  }
  CHECK(observed.find("INSERT INTO notes (body) VALUES ('second') RETURNING id").baseline_first_value == "2");
}

}  // namespace pgshadow::replay

namespace pgshadow::replay {

TEST_CASE("a write that will wait on an open transaction's row is held while that transaction commits first, "
          "and no lock check is needed to find the wait",
          "[replay][trace]") {
  const ReplayTargets targets = cluster().fresh_pair("");
  // In production b's update waited from 3 ms to a's commit at 4 ms, and ended at 8 ms.
  std::vector<Event> events{
      statement("a", 1, "BEGIN"),
      statement("a", 2, "UPDATE users SET name = 'a' WHERE id = 8"),
      statement("b", 3, "UPDATE users SET name = 'b' WHERE id = 8"),
      statement("a", 4, "COMMIT"),
      statement("b", 10, "SELECT name FROM users WHERE id = 8"),
  };
  for (Event& event : events) event.duration_ms = 0.1;
  events[2].duration_ms = 5.0;
  VectorSource source(events);
  RecordingObserver observer;
  Lines trace;
  auto summary = replay(source, targets, test_settings(), observer, nullptr, ReplayEnvironment{nullptr, &trace});
  REQUIRE(summary.ok());
  CHECK(summary->compared == 5);
  CHECK(summary->started_out_of_order >= 1);  // a's commit, before b's update
  bool checked_a_wait = false;
  for (const std::string& line : trace.lines) checked_a_wait = checked_a_wait || line.find("waits on a lock") != std::string::npos;
  CHECK_FALSE(checked_a_wait);
  // b's update ran after a's commit on both sides, as production's did after its wait.
  const Recorded& read = observer.find("SELECT name FROM users WHERE id = 8");
  CHECK(read.divergence == DivergenceClass::kMatch);
  CHECK(read.baseline_first_value == "b");
}

}  // namespace pgshadow::replay
