// StatementFacts::row_pins: which column values a write's rows are pinned to, where each value
// comes from (a parameter, the n-th number of the text, a string), and the writes that pin
// nothing because some other part of them may lock other rows.
#include <catch2/catch.hpp>

#include <string>

#include "pgshadow/sql/query_shape.h"

using pgshadow::sql::facts_key;
using pgshadow::sql::facts_of;
using pgshadow::sql::number_constants;
using pgshadow::sql::PinnedValue;
using pgshadow::sql::RowPins;
using Source = PinnedValue::Source;

namespace {

PinnedValue parameter(int number, std::string cast = "") { return {Source::kParameter, number, false, "", std::move(cast)}; }
PinnedValue number(int ordinal, bool negated = false) { return {Source::kNumber, ordinal, negated, "", ""}; }
PinnedValue string(std::string text, std::string cast = "") { return {Source::kString, 0, false, std::move(text), std::move(cast)}; }

// The pins of the statement's only pinned table, which must be `table`.
RowPins pins_of(const std::string& sql, const std::string& table) {
  INFO(sql);
  const auto facts = facts_of(sql);
  REQUIRE(facts.row_pins.size() == 1);
  REQUIRE(facts.row_pins.count(table) == 1);
  return facts.row_pins.at(table);
}

}  // namespace

TEST_CASE("an UPDATE, DELETE or SELECT pins the columns its WHERE clause sets equal to values") {
  const RowPins update = pins_of("UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2", "pgbench_accounts");
  CHECK(update.kind == RowPins::Kind::kExisting);
  REQUIRE(update.rows.size() == 1);
  CHECK(update.rows[0] == std::map<std::string, PinnedValue>{{"aid", parameter(2)}});
  CHECK(update.assigned == std::set<std::string>{"abalance"});

  // Numbers are counted, not read (the facts hold for every text of one facts_key), a minus sign
  // is kept apart, values may stand on either side and be cast; what is not an AND of plain
  // equalities pins nothing.
  const RowPins numbers =
      pins_of("UPDATE t SET x = 1, y = 2.5 WHERE a = -5 AND 7 = b AND c = $3::int8 AND d = 'q' AND (e = 1 OR e = 2) "
              "AND f > 3 AND g::text = '4' AND h = NULL",
              "t");
  CHECK(numbers.rows[0] == std::map<std::string, PinnedValue>{
                               {"a", number(2, true)}, {"b", number(3)}, {"c", parameter(3, "int8")}, {"d", string("q")}});
  CHECK(number_constants("UPDATE t SET x = 1, y = 2.5 WHERE a = -5 AND 7 = b") ==
        std::vector<std::string>{"1", "2.5", "5", "7"});

  CHECK(pins_of("DELETE FROM app.orders WHERE id = $1 AND tenant = 'acme'", "orders").rows[0] ==
        std::map<std::string, PinnedValue>{{"id", parameter(1)}, {"tenant", string("acme")}});
  const RowPins locking = pins_of("SELECT * FROM jobs WHERE id = 42 FOR UPDATE SKIP LOCKED", "jobs");
  CHECK(locking.rows[0] == std::map<std::string, PinnedValue>{{"id", number(0)}});
  CHECK(locking.assigned.empty());
  // A plain SELECT pins the rows it reads.
  CHECK(pins_of("SELECT abalance FROM pgbench_accounts WHERE aid = $1", "pgbench_accounts").rows[0] ==
        std::map<std::string, PinnedValue>{{"aid", parameter(1)}});
  CHECK(facts_of("SELECT 1").row_pins.empty());
  CHECK(facts_of("SELECT * FROM a UNION SELECT * FROM b WHERE id = 1").row_pins.empty());
  // No WHERE: the rows are pinned by no column (any row of the table).
  CHECK(pins_of("UPDATE t SET x = 1", "t").rows[0].empty());
}

TEST_CASE("an INSERT ... VALUES pins each row's constants and parameters by column") {
  const RowPins insert =
      pins_of("INSERT INTO h (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)", "h");
  CHECK(insert.kind == RowPins::Kind::kInserted);
  REQUIRE(insert.rows.size() == 1);
  CHECK(insert.rows[0] == std::map<std::string, PinnedValue>{
                              {"tid", parameter(1)}, {"bid", parameter(2)}, {"aid", parameter(3)}, {"delta", parameter(4)}});
  CHECK_FALSE(insert.on_conflict);

  const RowPins rows = pins_of("INSERT INTO users (id, email) VALUES (1, 'a@x'), (2, DEFAULT) ON CONFLICT (id) DO UPDATE "
                               "SET email = excluded.email",
                               "users");
  REQUIRE(rows.rows.size() == 2);
  CHECK(rows.rows[0] == std::map<std::string, PinnedValue>{{"id", number(0)}, {"email", string("a@x")}});
  CHECK(rows.rows[1] == std::map<std::string, PinnedValue>{{"id", number(1)}});
  CHECK(rows.on_conflict);
  CHECK(rows.assigned == std::set<std::string>{"email"});
}

TEST_CASE("a write pins nothing when another part of it may lock rows the pins do not name") {
  for (const char* sql : {
           "WITH moved AS (DELETE FROM a WHERE id = 1 RETURNING *) INSERT INTO b SELECT * FROM moved",
           "UPDATE a SET x = b.x FROM b WHERE a.id = 1 AND b.id = 2",
           "DELETE FROM a USING b WHERE a.id = 1",
           "INSERT INTO a (id) SELECT id FROM b",
           "INSERT INTO a VALUES (1, 2)",  // no column list: which column is which is the catalog's
           "UPDATE a SET x = 1 WHERE id = (SELECT id FROM a WHERE y = 2 FOR UPDATE)",
           "SELECT * FROM a JOIN b USING (id) WHERE id = 1 FOR UPDATE",
           "UPDATE a SET x = 1 WHERE id = 1; UPDATE a SET x = 2 WHERE id = 2",
           "MERGE INTO a USING b ON a.id = b.id WHEN MATCHED THEN UPDATE SET x = 1",
       }) {
    INFO(sql);
    CHECK(facts_of(sql).row_pins.empty());
  }
}

TEST_CASE("texts of one facts_key share their pins, and the numbers they count tell them apart") {
  const std::string one = "UPDATE pgbench_branches SET bbalance = bbalance + -4040 WHERE bid = 3";
  const std::string other = "UPDATE pgbench_branches SET bbalance = bbalance + 17 WHERE bid = 1";
  REQUIRE(facts_key(one).has_value());
  // The minus sign is part of the key, so the two texts do not share one...
  CHECK(facts_key(one) != facts_key(other));
  const std::string positive = "UPDATE pgbench_branches SET bbalance = bbalance + 4040 WHERE bid = 3";
  REQUIRE(facts_key(positive) == facts_key(other));
  // ...and where they do, the pin counts the same number, whose value each text has of its own.
  CHECK(facts_of(positive).row_pins == facts_of(other).row_pins);
  const PinnedValue pinned = facts_of(other).row_pins.at("pgbench_branches").rows[0].at("bid");
  CHECK(pinned == number(1));
  CHECK(number_constants(positive)[1] == "3");
  CHECK(number_constants(other)[1] == "1");
  CHECK(number_constants("SELECT 'not a 5' -- nor 6\n, 7").size() == 1);
}

TEST_CASE("an UPDATE or DELETE that reads only its rows' columns names the columns its WHERE reads") {
  using Columns = std::optional<std::set<std::string>>;
  CHECK(pins_of("UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2", "pgbench_branches")
            .where_columns == Columns{{"bid"}});
  CHECK(pins_of("DELETE FROM sbtest1 WHERE id = $1", "sbtest1").where_columns == Columns{{"id"}});
  // Columns beside the pins, qualified ones, and those inside functions and expressions count.
  CHECK(pins_of("UPDATE orders o SET state = 'paid' WHERE o.id = 7 AND state <> 'void' AND lower(note) LIKE 'x%'",
                "orders")
            .where_columns == Columns{{"id", "note", "state"}});
  CHECK(pins_of("UPDATE t SET x = x + 1 WHERE id = 1 RETURNING x, y", "t").where_columns == Columns{{"id"}});
  // A subquery anywhere reads other rows (or its own table's, through another snapshot's eyes).
  CHECK_FALSE(pins_of("UPDATE t SET x = (SELECT max(x) FROM t) WHERE id = 1", "t").where_columns);
  CHECK_FALSE(pins_of("UPDATE t SET x = 1 WHERE id = 1 AND EXISTS (SELECT 1 FROM u WHERE u.id = 1)", "t").where_columns);
  CHECK_FALSE(pins_of("DELETE FROM t WHERE id = 1 RETURNING (SELECT count(*) FROM u)", "t").where_columns);
  // A function of the application's may read other tables through the statement's snapshot (and
  // lock anything): such a statement pins no rows at all. Built-ins that read none do not count.
  for (const char* calls_the_application :
       {"UPDATE t SET x = 1 WHERE id = 1 AND allowed(id)", "UPDATE t SET x = app.price_of(id) WHERE id = 1",
        "DELETE FROM t WHERE id = 1 RETURNING audit(id)", "UPDATE t SET x = myschema.now() WHERE id = 1"}) {
    INFO(calls_the_application);
    CHECK(facts_of(calls_the_application).row_pins.empty());
  }
  CHECK(pins_of("UPDATE t SET seen = pg_catalog.now(), n = nextval('t_n_seq') WHERE id = 1", "t").where_columns ==
        Columns{{"id"}});
  // The whole row is every column.
  CHECK_FALSE(pins_of("DELETE FROM t WHERE id = 1 AND t IS NOT NULL", "t").where_columns);
  CHECK_FALSE(pins_of("DELETE FROM t AS r WHERE id = 1 AND r IS NOT NULL", "t").where_columns);
  // A SELECT, locking or not, and an INSERT have none.
  CHECK_FALSE(pins_of("SELECT * FROM jobs WHERE id = 42 FOR UPDATE", "jobs").where_columns);
  CHECK_FALSE(pins_of("INSERT INTO t (id) VALUES (1)", "t").where_columns);
}
