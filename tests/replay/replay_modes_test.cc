// The replay's modes against real servers: --read-only, --jobs, --order timed, running as the
// captured user, and the nondeterminism probe.
#include "replay_harness.h"

namespace pgshadow::replay {
namespace {

Event with_duration(Event event, double milliseconds) {
  event.duration_ms = milliseconds;
  return event;
}

Event as_user(Event event, const std::string& user) {
  event.user = user;
  return event;
}

}  // namespace

TEST_CASE("read-only mode (--read-only) replays reads in read-only transactions and skips every write, counted", "[replay][read-only]") {
  const ReplayTargets targets = cluster().fresh_pair("");
  ReplaySettings settings = test_settings();
  settings.read_only = true;
  const auto observed = run(targets, {
      statement("a", 1, "SELECT count(*) FROM users"),
      statement("a", 2, "BEGIN"),
      statement("a", 3, "UPDATE users SET email = 'x' WHERE id = 1"),
      statement("a", 4, "SELECT current_setting('transaction_read_only')"),
      statement("a", 5, "COMMIT"),
      statement("b", 6, "INSERT INTO users (id, name) VALUES (500, 'n')"),
      statement("b", 7, "SELECT email FROM users WHERE id = 1"),
  }, settings);
  REQUIRE(observed.skipped.size() == 2);
  for (const auto& [sql, reason] : observed.skipped) CHECK(reason == "may write: not replayed with --read-only");
  CHECK(observed.compared.size() == 5);
  for (const auto& r : observed.compared) CHECK(r.divergence == DivergenceClass::kMatch);
  CHECK(observed.find("SELECT current_setting('transaction_read_only')").baseline_first_value == "on");
  CHECK(observed.find("SELECT email FROM users WHERE id = 1").baseline_first_value == "u1@example.com");
  // Nothing was written.
  pqxx::connection baseline(targets.baseline_conninfo);
  CHECK(pqxx::nontransaction(baseline).exec("SELECT count(*) FROM users")[0][0].as<int>() == 50);
}

TEST_CASE("a jobs bound (--jobs) limits the statements running at once, without blocking a lock holder", "[replay][jobs]") {
  // b's read started while a's sleep ran in production: replayed unbounded they overlap again,
  // with --jobs 1 the read waits for the sleep to end. The read looks 0.2 s after it starts, by
  // when a's sleep has started on a loaded machine too (the two are sent one after the other, but
  // b's backend could otherwise look before a's has begun its statement).
  const std::vector<Event> events = {
      with_duration(statement("a", 1, "SELECT pg_sleep(0.5)"), 500),
      with_duration(statement("b", 2, "SELECT (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                      "AND query = 'SELECT pg_sleep(0.5)' AND state = 'active') FROM pg_sleep(0.2)"), 1),
  };
  const std::string observer_sql = events[1].sql;
  {
    const auto observed = run(cluster().fresh_pair(""), events);
    CHECK(observed.find(observer_sql).baseline_first_value == "1");
  }
  {
    ReplaySettings settings = test_settings();
    settings.jobs = 1;
    const auto observed = run(cluster().fresh_pair(""), events, settings);
    CHECK(observed.find(observer_sql).baseline_first_value == "0");
  }
  // A session waiting on a lock does not hold a job: the lock holder can still commit.
  ReplaySettings settings = test_settings();
  settings.jobs = 1;
  const auto observed = run(cluster().fresh_pair(""), {
      statement("a", 1, "BEGIN"),
      statement("a", 2, "UPDATE users SET email = 'a' WHERE id = 7"),
      statement("b", 3, "UPDATE users SET email = 'b' WHERE id = 7"),
      statement("a", 4, "COMMIT"),
  }, settings);
  CHECK(observed.failed.empty());
  CHECK(observed.find("UPDATE users SET email = 'b' WHERE id = 7").divergence == DivergenceClass::kMatch);
  CHECK(observed.find("UPDATE users SET email = 'b' WHERE id = 7").baseline_sqlstate.empty());
}

TEST_CASE("timed order (--order timed) keeps production's pacing, scaled by --speed", "[replay][timed]") {
  const std::vector<Event> events = {statement("a", 0, "SELECT 1"), statement("b", 400, "SELECT 2"),
                                     statement("a", 800, "SELECT 3")};
  ReplaySettings settings = test_settings();
  settings.order = ReplayOrder::kTimed;
  ReplaySummary summary;
  auto observed = run(cluster().fresh_pair(""), events, settings, &summary);
  CHECK(observed.compared.size() == 3);
  CHECK(summary.wall_seconds >= 0.8);  // never earlier than production (a lower bound only)
  settings.speed = 4;
  observed = run(cluster().fresh_pair(""), events, settings, &summary);
  CHECK(observed.compared.size() == 3);
  CHECK(summary.wall_seconds >= 0.2);
  CHECK(summary.events_without_duration == 3);
}

TEST_CASE("a session runs as its captured user where the role exists, else as the connecting user", "[replay][roles]") {
  {
    pqxx::connection admin(cluster().server->conninfo("postgres"));
    pqxx::nontransaction(admin).exec("DROP ROLE IF EXISTS app_reader; CREATE ROLE app_reader");
  }
  const ReplayTargets targets = cluster().fresh_pair("", "GRANT SELECT ON users TO app_reader");
  ReplaySummary summary;
  const auto observed = run(targets, {
      as_user(statement("a", 1, "SELECT current_user"), "app_reader"),
      as_user(statement("b", 2, "SELECT session_user = current_user"), "no_such_role"),
      as_user(statement("a", 3, "SELECT count(*) FROM users"), "app_reader"),
  }, test_settings(), &summary);
  // Two sessions' statements finish in either order: each is found by its text.
  CHECK(observed.find("SELECT current_user").baseline_first_value == "app_reader");
  CHECK(observed.find("SELECT session_user = current_user").baseline_first_value == "t");
  CHECK(observed.find("SELECT count(*) FROM users").baseline_first_value == "50");
  REQUIRE(summary.roles.size() == 2);
  CHECK(summary.roles[0].user == "app_reader");
  CHECK(summary.roles[0].as_captured_on_baseline);
  CHECK(summary.roles[0].as_captured_on_shadow);
  CHECK(summary.roles[1].user == "no_such_role");
  CHECK_FALSE(summary.roles[1].as_captured_on_baseline);

  ReplaySettings settings = test_settings();
  settings.run_as_captured_user = false;
  const auto unchanged = run(cluster().fresh_pair(""), {as_user(statement("a", 1, "SELECT session_user = current_user"), "app_reader")},
                             settings);
  CHECK(unchanged.compared[0].baseline_first_value == "t");
}

TEST_CASE("the nondeterminism probe (--probe-nondeterminism) excuses a read that differs on the baseline alone, and only that", "[replay][probe]") {
  // jitter() hides random() from the parse tree: only running it twice tells.
  const std::string function = "CREATE FUNCTION jitter() RETURNS float LANGUAGE sql VOLATILE AS 'SELECT random()'";
  const std::vector<Event> events = {statement("a", 1, "SELECT jitter() > 2"), statement("a", 2, "SELECT jitter()"),
                                     statement("a", 3, "SELECT email FROM users WHERE id = 1")};
  const std::string changed = "UPDATE users SET email = 'changed' WHERE id = 1";
  const auto without = run(cluster().fresh_pair(changed, function), events);
  CHECK(without.find("SELECT jitter()").divergence == DivergenceClass::kRowsChanged);

  ReplaySettings settings = test_settings();
  settings.probe_nondeterminism = true;
  const auto with = run(cluster().fresh_pair(changed, function), events, settings);
  CHECK(with.find("SELECT jitter() > 2").divergence == DivergenceClass::kMatch);
  const Recorded& jitter = with.find("SELECT jitter()");
  CHECK(jitter.divergence == DivergenceClass::kNondeterministic);
  CHECK(jitter.nondeterminism == "gave two different results on the baseline (--probe-nondeterminism)");
  CHECK(with.find("SELECT email FROM users WHERE id = 1").divergence == DivergenceClass::kRowsChanged);
}

}  // namespace pgshadow::replay
