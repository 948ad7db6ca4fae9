// facts_key: texts that differ only in numbers share a key, and a key is shared only where
// facts_of and shape_of answer alike.
#include <catch2/catch.hpp>

#include <string>

#include "pgshadow/sql/query_shape.h"

using pgshadow::sql::facts_key;
using pgshadow::sql::facts_of;
using pgshadow::sql::shape_of;

namespace {

// Both texts have a key, the same one, and the parser says the same of both.
void same_key_same_answers(const std::string& one, const std::string& other) {
  INFO(one << " / " << other);
  const auto key = facts_key(one);
  REQUIRE(key.has_value());
  CHECK(facts_key(other) == key);
  CHECK(facts_of(one) == facts_of(other));
  CHECK(shape_of(one) == shape_of(other));
}

}  // namespace

TEST_CASE("texts that differ only in their numbers share a key and their facts") {
  same_key_same_answers("UPDATE pgbench_accounts SET abalance = abalance + -4040 WHERE aid = 48213;",
                        "UPDATE pgbench_accounts SET abalance = abalance + -17 WHERE aid = 7;");
  same_key_same_answers("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (3, 1, 9, 5, CURRENT_TIMESTAMP)",
                        "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (12, 4, 99, 55, CURRENT_TIMESTAMP)");
  same_key_same_answers("SELECT c FROM sbtest1 WHERE id BETWEEN 10 AND 109", "SELECT c FROM sbtest1 WHERE id BETWEEN 5 AND 5");
  same_key_same_answers("SELECT x::numeric(10, 2) FROM t WHERE y > 1.5e3", "SELECT x::numeric(12, 4) FROM t WHERE y > 0.25");
  same_key_same_answers("WITH moved AS (UPDATE t SET n = n + 1 WHERE id = 3 RETURNING id) SELECT 1 FROM moved",
                        "WITH moved AS (UPDATE t SET n = n + 2 WHERE id = 8 RETURNING id) SELECT 5 FROM moved");
  same_key_same_answers("SELECT pg_sleep(1)", "SELECT pg_sleep(2)");  // the nondeterminism is the same
}

TEST_CASE("a number's kind, and every string, stay in the key") {
  // Integer, decimal, and an integer too big for int4 are different nodes in the parse tree.
  const auto integer = facts_key("SELECT * FROM t WHERE id = 5");
  const auto decimal = facts_key("SELECT * FROM t WHERE id = 5.5");
  const auto big = facts_key("SELECT * FROM t WHERE id = 3000000000");
  REQUIRE(integer);
  REQUIRE(decimal);
  CHECK(integer != decimal);
  CHECK(big == decimal);
  // The facts read strings: the sequence a write draws from, what a cast of a literal means.
  CHECK(facts_key("SELECT nextval('a_id_seq'), 1") != facts_key("SELECT nextval('b_id_seq'), 1"));
  CHECK(facts_of("SELECT nextval('a_id_seq'), 1") != facts_of("SELECT nextval('b_id_seq'), 1"));
  CHECK(facts_key("SELECT 'now'::date + 1") != facts_key("SELECT '2020-01-01'::date + 1"));
  CHECK(facts_of("SELECT 'now'::date + 1") != facts_of("SELECT '2020-01-01'::date + 1"));
}

TEST_CASE("no key where the facts read a number's value, or nothing to mark") {
  // Utility statements keep some numbers as fields the fingerprint reads.
  CHECK(shape_of("CREATE TABLE p1 PARTITION OF p FOR VALUES WITH (MODULUS 150, REMAINDER 3)") !=
        shape_of("CREATE TABLE p1 PARTITION OF p FOR VALUES WITH (MODULUS 10, REMAINDER 3)"));
  CHECK_FALSE(facts_key("CREATE TABLE p1 PARTITION OF p FOR VALUES WITH (MODULUS 150, REMAINDER 3)"));
  CHECK_FALSE(facts_key("SET statement_timeout = 100"));
  CHECK_FALSE(facts_key("SELECT 1; CREATE SEQUENCE s INCREMENT 5"));
  // What the key leaves out would be wrong here: the facts differ with the number.
  CHECK(facts_of("SELECT * FROM t LIMIT 5") != facts_of("SELECT * FROM t LIMIT 10"));
  CHECK(facts_of("SELECT a, b FROM t ORDER BY 1") != facts_of("SELECT a, b FROM t ORDER BY 2"));
  CHECK_FALSE(facts_key("SELECT * FROM t LIMIT 5"));
  CHECK_FALSE(facts_key("SELECT * FROM t OFFSET 5"));
  CHECK_FALSE(facts_key("SELECT * FROM t FETCH FIRST 3 ROWS ONLY"));
  CHECK_FALSE(facts_key("SELECT a, b FROM t WHERE a = 1 ORDER BY 1"));
  CHECK_FALSE(facts_key("SELECT * FROM t WHERE id = $1"));  // a prepared statement: its text is its key
  CHECK_FALSE(facts_key("SELECT 'unterminated"));
  CHECK_FALSE(facts_key(std::string("SELECT 1 \x01i", 11)));
  CHECK_FALSE(facts_key(std::string("SELECT 1\0", 9)));
}
