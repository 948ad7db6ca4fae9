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
      std::string(kTables) +
          "CREATE TABLE invoices (id serial, n int);"
          "CREATE TABLE credit_notes (id int DEFAULT nextval('invoices_id_seq'), n int);"
          "CREATE TABLE tickets (id int GENERATED ALWAYS AS IDENTITY, n int);");
  Contention c(targets);
  CHECK(c.of("INSERT INTO history VALUES ($1, $2)") == Footprint{"history"});
  CHECK(c.of("UPDATE accounts SET balance = balance + $1 WHERE id = $2") == Footprint{"accounts", "branches"});
  CHECK(c.of("DELETE FROM public.branches WHERE id = 1") == Footprint{"accounts", "branches"});
  CHECK_FALSE(c.of("INSERT INTO ledger VALUES (1, 2)"));  // the shadow's trigger may lock anything
  CHECK_FALSE(c.of("UPDATE rich SET balance = 0"));
  CHECK_FALSE(c.of("INSERT INTO no_such_table VALUES (1)"));
  // The sequences a table's defaults and identities draw from: two tables' inserts that draw
  // from one sequence contend, as does a nextval of it.
  CHECK(c.of("INSERT INTO invoices (n) VALUES (1)") == Footprint{"invoices", "invoices_id_seq"});
  CHECK(c.of("INSERT INTO credit_notes (n) VALUES (1)") == Footprint{"credit_notes", "invoices_id_seq"});
  CHECK(c.of("SELECT nextval('invoices_id_seq')") == Footprint{"invoices_id_seq"});
  CHECK(c.of("INSERT INTO tickets (n) VALUES (1)") == Footprint{"tickets", "tickets_id_seq"});
  CHECK_FALSE(c.contention->given_up());
  // DDL in the traffic may change what the catalog says: while its transaction is open no
  // footprint is in force, and once it ended the catalog is asked afresh.
  CHECK_FALSE(c.of("ALTER TABLE history ADD FOREIGN KEY (account) REFERENCES accounts"));
  const std::uint64_t before = c.contention->generation();
  CHECK(c.contention->in_force(before));
  c.contention->catalog_may_change("a");
  CHECK_FALSE(c.contention->in_force(before));
  pg::DiscardingSink discard;
  for (pg::SessionConnection* side : {c.baseline.get(), c.shadow.get()}) {
    const auto altered =
        side->run({"ALTER TABLE history ADD FOREIGN KEY (account) REFERENCES accounts", false, "", nullptr}, discard, {});
    REQUIRE(altered.ok());
    REQUIRE(altered->succeeded);
  }
  c.contention->transaction_ended("b");  // another session's end changes nothing
  CHECK_FALSE(c.contention->in_force(before));
  c.contention->transaction_ended("a");
  CHECK_FALSE(c.contention->in_force(before));  // a footprint from before counts no more
  CHECK(c.contention->in_force(c.contention->generation()));
  CHECK(c.of("INSERT INTO history VALUES ($1, $2)") == Footprint{"history", "accounts", "branches"});
  CHECK_FALSE(c.contention->given_up());
  c.contention->give_up("a lock wait the footprints did not foresee");
  CHECK_FALSE(c.contention->in_force(c.contention->generation()));
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
