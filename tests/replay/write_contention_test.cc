// Which writes may run side by side: the parse tree's tables closed over the catalog's foreign
// keys, and what makes a write contend with every other (triggers, unknown tables, DDL), on a
// real server whose shadow has a trigger the baseline lacks.
#include <catch2/catch.hpp>

#include "../../src/replay/write_contention.h"
#include "replay_harness.h"

namespace pgshadow::replay {
namespace {

using Names = std::set<std::string>;

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
  static Event event_of(const std::string& sql, std::vector<ParameterValue> parameters) {
    Event event;
    event.sql = sql;
    event.parameters = std::move(parameters);
    return event;
  }
  std::optional<Footprint> of(const std::string& sql, std::vector<ParameterValue> parameters = {}) {
    return contention->footprint_of(sql::facts_of(sql), event_of(sql, std::move(parameters)));
  }
  std::optional<Footprint> reads(const std::string& sql, std::vector<ParameterValue> parameters = {}) {
    return contention->reads_of(sql::facts_of(sql), event_of(sql, std::move(parameters)));
  }
  std::optional<std::set<std::string>> tables(const std::string& sql) {
    const auto footprint = of(sql);
    if (!footprint) return std::nullopt;
    return footprint->table_names();
  }

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
  CHECK(c.tables("INSERT INTO history VALUES ($1, $2)") == Names{"history"});
  CHECK(c.tables("UPDATE accounts SET balance = balance + $1 WHERE id = $2") == Names{"accounts", "branches"});
  CHECK(c.tables("DELETE FROM public.branches WHERE id = 1") == Names{"accounts", "branches"});
  CHECK_FALSE(c.of("INSERT INTO ledger VALUES (1, 2)"));  // the shadow's trigger may lock anything
  CHECK_FALSE(c.of("UPDATE rich SET balance = 0"));
  CHECK_FALSE(c.of("INSERT INTO no_such_table VALUES (1)"));
  // The sequences a table's defaults and identities draw from: two tables' inserts that draw
  // from one sequence contend, as does a nextval of it.
  CHECK(c.tables("INSERT INTO invoices (n) VALUES (1)") == Names{"invoices", "invoices_id_seq"});
  CHECK(c.tables("INSERT INTO credit_notes (n) VALUES (1)") == Names{"credit_notes", "invoices_id_seq"});
  CHECK(c.tables("SELECT nextval('invoices_id_seq')") == Names{"invoices_id_seq"});
  CHECK(c.tables("INSERT INTO tickets (n) VALUES (1)") == Names{"tickets", "tickets_id_seq"});
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
  CHECK(c.tables("INSERT INTO history VALUES ($1, $2)") == Names{"history", "accounts", "branches"});
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

namespace pgshadow::replay {

TEST_CASE("a write's own table is narrowed to the rows its values pin, as far as the catalog's types and unique "
          "keys of both sides tell them apart",
          "[replay][contention]") {
  const ReplayTargets targets = cluster().fresh_pair(
      // The shadow's migration adds a unique key the baseline lacks.
      "CREATE UNIQUE INDEX ON members (handle);",
      "CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);"
      "CREATE TABLE accounts (id int8 PRIMARY KEY, balance int);"
      "CREATE TABLE history (account int, delta int);"
      "CREATE TABLE members (id int PRIMARY KEY, email text UNIQUE, handle text, nick text COLLATE nocase, "
      "score numeric);"
      "CREATE TABLE labels (name text COLLATE nocase PRIMARY KEY);"
      "CREATE TABLE seats (id int, live bool);"
      "CREATE UNIQUE INDEX ON seats (id) WHERE live;"
      "CREATE TABLE replies (id int PRIMARY KEY, parent int REFERENCES replies);");
  Contention c(targets);
  const auto apart = [&](const std::string& one, std::vector<ParameterValue> one_values, const std::string& other,
                         std::vector<ParameterValue> other_values) {
    INFO(one << " / " << other);
    const auto a = c.of(one, std::move(one_values));
    const auto b = c.of(other, std::move(other_values));
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    return !dispatch::may_contend(&*a, &*b);
  };
  const std::string update = "UPDATE accounts SET balance = balance + $1 WHERE id = $2";
  CHECK(apart(update, {"1", "5"}, update, {"1", "6"}));
  CHECK_FALSE(apart(update, {"1", "5"}, update, {"-3", "5"}));
  // Integers are compared as numbers, whatever their spelling or source: $2 = '05' is id 5.
  CHECK_FALSE(apart(update, {"1", "05"}, "UPDATE accounts SET balance = 0 WHERE id = 5", {}));
  CHECK(apart("UPDATE accounts SET balance = 0 WHERE id = -5", {}, "UPDATE accounts SET balance = 0 WHERE id = 5", {}));
  // A value that is not one integer, a NULL, a truncated parameter pin nothing.
  CHECK_FALSE(apart(update, {"1", "5.5"}, update, {"1", "6"}));
  CHECK_FALSE(apart(update, {"1", std::nullopt}, update, {"1", "6"}));
  // Inserts into a table without a unique key wait on no one; into a keyed one, they contend on a
  // shared key and with every found row (the unique check waits on that row's writer).
  const std::string history = "INSERT INTO history (account, delta) VALUES ($1, $2)";
  CHECK(apart(history, {"1", "2"}, history, {"1", "2"}));
  const std::string signup = "INSERT INTO members (id, email, handle) VALUES ($1, $2, $3)";
  CHECK(apart(signup, {"1", "a@x", "a"}, signup, {"2", "b@x", "b"}));
  CHECK_FALSE(apart(signup, {"1", "a@x", "a"}, signup, {"2", "a@x", "b"}));
  // The shadow's own key counts: the same handle contends there.
  CHECK_FALSE(apart(signup, {"1", "a@x", "a"}, signup, {"2", "b@x", "a"}));
  CHECK_FALSE(apart(signup, {"1", "a@x", "a"}, "UPDATE members SET score = 1 WHERE id = 7", {}));
  // A unique key's column not given a value (its default, an expression) is not known.
  CHECK_FALSE(apart("INSERT INTO members (id, email) VALUES (1, 'a@x')", {}, "INSERT INTO members (id, email, handle) "
                    "VALUES (2, 'b@x', lower('B'))", {}));
  // Text is told apart by its bytes only under a deterministic collation: 'A' and 'a' are one
  // nick, and one tag.
  CHECK(apart("UPDATE members SET score = 1 WHERE email = 'A'", {}, "UPDATE members SET score = 1 WHERE email = 'a'", {}));
  CHECK_FALSE(apart("UPDATE members SET score = 1 WHERE nick = 'A'", {}, "UPDATE members SET score = 1 WHERE nick = 'a'", {}));
  CHECK_FALSE(apart("INSERT INTO labels (name) VALUES ('A')", {}, "INSERT INTO labels (name) VALUES ('a')", {}));
  // Numeric is not compared by its text (1.0 = 1), nor is a cast to another type.
  CHECK_FALSE(apart("DELETE FROM members WHERE score = 1.0", {}, "DELETE FROM members WHERE score = 1", {}));
  CHECK_FALSE(apart("DELETE FROM members WHERE email = 'A'::citext", {}, "DELETE FROM members WHERE email = 'a'", {}));
  // Assigning a unique key's column: the new index entry waits on other writers of that key.
  CHECK_FALSE(apart("UPDATE members SET email = 'n@x' WHERE id = 1", {}, "UPDATE members SET score = 1 WHERE id = 2", {}));
  // A partial unique index: the keys are not known, so no insert is told apart and no update
  // that assigns anything.
  CHECK_FALSE(apart("INSERT INTO seats (id, live) VALUES (1, true)", {}, "INSERT INTO seats (id, live) VALUES (2, true)", {}));
  CHECK_FALSE(apart("UPDATE seats SET live = false WHERE id = 1", {}, "UPDATE seats SET live = true WHERE id = 2", {}));
  CHECK(apart("DELETE FROM seats WHERE id = 1", {}, "DELETE FROM seats WHERE id = 2", {}));
  // A foreign key within the table: deleting comment 1 reaches the replies that answer it.
  CHECK_FALSE(apart("DELETE FROM replies WHERE id = 1", {}, "DELETE FROM replies WHERE id = 2", {}));
  CHECK_FALSE(c.contention->given_up());
}

}  // namespace pgshadow::replay

namespace pgshadow::replay {

TEST_CASE("what a statement's result depends on is known for reads and writes of one plain table's pinned rows, "
          "and for transaction control",
          "[replay][contention]") {
  const ReplayTargets targets = cluster().fresh_pair(
      "", "CREATE TABLE tills (id int PRIMARY KEY, total int); CREATE TABLE sums (id int, total int);"
          "CREATE VIEW big_tills AS SELECT * FROM tills WHERE total > 100;");
  Contention c(targets);
  const auto reads = [&](const std::string& sql, std::vector<ParameterValue> values = {}) {
    return c.reads(sql, std::move(values));
  };
  const auto till3 = reads("SELECT total FROM tills WHERE id = $1", {"3"});
  REQUIRE(till3.has_value());
  REQUIRE(till3->tables.count("tills") == 1);
  CHECK(till3->tables.at("tills").found == std::vector<dispatch::PinnedRow>{{{"id", "3"}}});
  CHECK(reads("BEGIN") == dispatch::Footprint{});
  CHECK(reads("COMMIT") == dispatch::Footprint{});
  // An insert reads none of its table's rows (its unique checks are its write footprint's).
  const auto inserted = reads("INSERT INTO sums (id, total) VALUES (1, 2)");
  REQUIRE(inserted.has_value());
  CHECK_FALSE(inserted->tables.at("sums").any_row);
  CHECK(inserted->tables.at("sums").found.empty());
  // Another table in a subquery, a function, a view, two statements: any row may matter.
  CHECK_FALSE(reads("UPDATE tills SET total = (SELECT sum(total) FROM sums) WHERE id = 1"));
  CHECK_FALSE(reads("SELECT total FROM tills WHERE id = 1 AND my_function(total)"));
  CHECK_FALSE(reads("SELECT total FROM big_tills WHERE id = 1"));
  CHECK_FALSE(reads("SELECT 1 FROM tills WHERE id = 1; SELECT 2 FROM tills WHERE id = 2"));
  // A commit of another till's row is not seen; one of this till's row is.
  dispatch::Footprint other_till;
  other_till.tables["tills"].any_row = false;
  other_till.tables["tills"].found.push_back({{"id", "4"}});
  CHECK_FALSE(dispatch::may_see(&*till3, &other_till));
  other_till.tables["tills"].found.push_back({{"id", "3"}});
  CHECK(dispatch::may_see(&*till3, &other_till));
}

}  // namespace pgshadow::replay
