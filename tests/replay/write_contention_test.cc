// Which writes may run side by side: the parse tree's tables closed over the catalog's foreign
// keys, and what makes a write contend with every other (triggers, unknown tables, DDL), on a
// real server whose shadow has a trigger the baseline lacks.
#include <catch2/catch.hpp>

#include "../../src/replay/write_contention.h"
#include "replay_harness.h"

namespace pgshadow::replay {
namespace {

struct Contention {
  explicit Contention(const ReplayTargets& targets) : stages(clock), trace(nullptr, clock) {
    auto baseline_monitor = pg::SessionConnection::open(targets.baseline_conninfo, {}, nullptr);
    auto shadow_monitor = pg::SessionConnection::open(targets.shadow_conninfo, {}, nullptr);
    REQUIRE(baseline_monitor.ok());
    REQUIRE(shadow_monitor.ok());
    baseline = std::move(baseline_monitor).value();
    shadow = std::move(shadow_monitor).value();
    contention.emplace(std::array<pg::SessionConnection*, 2>{baseline.get(), shadow.get()}, pg::WaitLimits{},
                       stages, trace);
  }
  std::optional<Footprint> of(const std::string& sql) { return contention->footprint_of(sql::facts_of(sql)); }

  SteadyReplayClock clock;
  StageClock stages;
  Tracer trace;
  std::unique_ptr<pg::SessionConnection> baseline;
  std::unique_ptr<pg::SessionConnection> shadow;
  std::optional<WriteContention> contention;
};

const char* kTables =
    "CREATE TABLE branches (id int PRIMARY KEY, total int);"
    "CREATE TABLE accounts (id int PRIMARY KEY, branch int REFERENCES branches, balance int);"
    "CREATE TABLE history (account int, delta int);"
    "CREATE TABLE ledger (id int, amount int);"
    "CREATE VIEW rich AS SELECT * FROM accounts WHERE balance > 1000;";

}  // namespace

TEST_CASE("a write's footprint is its tables and what their foreign keys reach, and a trigger on either side, a "
          "view or an unknown table makes it contend with every write",
          "[replay][contention]") {
  const ReplayTargets targets = cluster().fresh_pair(
      "CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;"
      "CREATE TRIGGER audit BEFORE INSERT ON ledger FOR EACH ROW EXECUTE FUNCTION noop();",
      kTables);
  Contention c(targets);
  CHECK(c.of("INSERT INTO history VALUES ($1, $2)") == Footprint{"history"});
  CHECK(c.of("UPDATE accounts SET balance = balance + $1 WHERE id = $2") == Footprint{"accounts", "branches"});
  CHECK(c.of("DELETE FROM public.branches WHERE id = 1") == Footprint{"accounts", "branches"});
  CHECK_FALSE(c.of("INSERT INTO ledger VALUES (1, 2)"));  // the shadow's trigger may lock anything
  CHECK_FALSE(c.of("UPDATE rich SET balance = 0"));
  CHECK_FALSE(c.of("INSERT INTO no_such_table VALUES (1)"));
  CHECK_FALSE(c.contention->given_up());
  // DDL in the traffic may change what the catalog said: every write contends from then on.
  CHECK_FALSE(c.of("ALTER TABLE history ADD COLUMN note text"));
  CHECK(c.contention->given_up());
  CHECK_FALSE(c.of("INSERT INTO history VALUES ($1, $2)"));
}

namespace {

// Two sessions' transactions whose writes overlapped in production: a's insert into history and
// b's update of accounts.
std::vector<Event> overlapping_writes() {
  std::vector<Event> events;
  for (int round = 0; round < 20; ++round) {
    const std::int64_t at = round * 100;
    for (const bool a : {true, false}) {
      const std::string session = a ? "a" : "b";
      Event begin = statement(session, at + (a ? 0 : 1), "BEGIN");
      begin.duration_ms = 0.1;
      Event write = statement(session, at + (a ? 2 : 3),
                              a ? "INSERT INTO history VALUES (1, " + std::to_string(round) + ")"
                                : "UPDATE accounts SET balance = balance + 1 WHERE id = 1");
      write.duration_ms = 40.0;
      Event end = statement(session, at + (a ? 50 : 60), "END");
      end.duration_ms = 0.1;
      events.insert(events.end(), {begin, write, end});
    }
  }
  std::sort(events.begin(), events.end(), [](const Event& x, const Event& y) { return x.start_us < y.start_us; });
  return events;
}

void check_all_match(const ReplayTargets& targets) {
  const std::vector<Event> events = overlapping_writes();
  const RecordingObserver observer = run(targets, events);
  CHECK(observer.failed.empty());
  REQUIRE(observer.compared.size() == events.size());
  for (const Recorded& r : observer.compared) {
    INFO(r.session << ": " << r.sql);
    CHECK(r.divergence == DivergenceClass::kMatch);
  }
}

}  // namespace

TEST_CASE("writes to tables apart run side by side and match, and a shadow-only trigger that joins them is obeyed",
          "[replay][contention]") {
  const std::string data = std::string(kTables) +
                           "INSERT INTO branches VALUES (1, 0); INSERT INTO accounts VALUES (1, 1, 0), (2, 1, 0);";
  check_all_match(cluster().fresh_pair("", data));
  // On the shadow, history's inserts lock a row of accounts: b's update waits there only.
  check_all_match(cluster().fresh_pair(
      "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
      "UPDATE accounts SET balance = balance WHERE id = NEW.account; RETURN NEW; END $$;"
      "CREATE TRIGGER touch AFTER INSERT ON history FOR EACH ROW EXECUTE FUNCTION touch();",
      data));
}

}  // namespace pgshadow::replay
