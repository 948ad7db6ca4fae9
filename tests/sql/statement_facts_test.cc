#include <catch2/catch.hpp>

#include <string_view>

#include "pgshadow/sql/query_shape.h"

using pgshadow::sql::facts_of;

namespace {

bool top_level_order_by(std::string_view sql) {
  const auto facts = facts_of(sql);
  REQUIRE(facts.parsed);
  return facts.has_top_level_order_by;
}

}  // namespace

TEST_CASE("ORDER BY on the outermost SELECT counts") {
  CHECK(top_level_order_by("SELECT * FROM t ORDER BY id"));
  CHECK(top_level_order_by("SELECT * FROM t ORDER BY id LIMIT 5"));
  CHECK(top_level_order_by("(SELECT * FROM t ORDER BY id)"));
  CHECK(top_level_order_by("VALUES (2), (1) ORDER BY 1"));
  CHECK(top_level_order_by("WITH c AS (SELECT * FROM t) SELECT * FROM c ORDER BY id"));
  CHECK_FALSE(top_level_order_by("SELECT * FROM t"));
  CHECK_FALSE(top_level_order_by("SELECT * FROM t LIMIT 5"));
}

TEST_CASE("ORDER BY only inside a subquery or CTE does not count") {
  CHECK_FALSE(top_level_order_by("SELECT * FROM (SELECT * FROM t ORDER BY id) s"));
  CHECK_FALSE(top_level_order_by("WITH c AS (SELECT * FROM t ORDER BY id) SELECT * FROM c"));
  CHECK_FALSE(top_level_order_by("SELECT (SELECT max(x) FROM u ORDER BY 1 LIMIT 1) FROM t"));
  CHECK_FALSE(top_level_order_by(
      "SELECT id, array_agg(x ORDER BY x) FROM t GROUP BY id"));
}

TEST_CASE("a set operation counts only the ORDER BY on the whole operation") {
  CHECK(top_level_order_by("SELECT a FROM t UNION SELECT a FROM u ORDER BY 1"));
  CHECK(top_level_order_by("SELECT a FROM t INTERSECT SELECT a FROM u ORDER BY a"));
  CHECK_FALSE(top_level_order_by("(SELECT a FROM t ORDER BY a) UNION ALL (SELECT a FROM u)"));
  CHECK_FALSE(top_level_order_by("SELECT a FROM t EXCEPT SELECT a FROM u"));
}

TEST_CASE("INSERT, UPDATE and DELETE ... RETURNING have no top-level ORDER BY") {
  CHECK_FALSE(top_level_order_by("INSERT INTO t SELECT * FROM u ORDER BY id RETURNING id"));
  CHECK_FALSE(top_level_order_by("UPDATE t SET a = 1 RETURNING id"));
  CHECK_FALSE(top_level_order_by(
      "DELETE FROM t WHERE id IN (SELECT id FROM t ORDER BY id LIMIT 1) RETURNING id"));
}

TEST_CASE("DECLARE CURSOR and EXPLAIN are judged by the query they wrap") {
  CHECK(top_level_order_by("DECLARE c CURSOR FOR SELECT * FROM t ORDER BY id"));
  CHECK_FALSE(top_level_order_by("DECLARE c CURSOR FOR SELECT * FROM t"));
  CHECK(top_level_order_by("EXPLAIN SELECT * FROM t ORDER BY id"));
  CHECK_FALSE(top_level_order_by("EXPLAIN (ANALYZE) SELECT * FROM t"));
}

TEST_CASE("with several statements the last one decides the order") {
  CHECK(top_level_order_by("SELECT 1; SELECT * FROM t ORDER BY id"));
  CHECK_FALSE(top_level_order_by("SELECT * FROM t ORDER BY id; SELECT 1"));
}

TEST_CASE("statements are counted") {
  CHECK(facts_of("SELECT 1").statement_count == 1);
  CHECK(facts_of("SELECT 1; SELECT 2;").statement_count == 2);
  CHECK(facts_of("BEGIN; UPDATE t SET a = 1; COMMIT").statement_count == 3);
  const auto empty = facts_of("-- nothing but a comment");
  CHECK(empty.parsed);
  CHECK(empty.statement_count == 0);
  CHECK_FALSE(empty.has_top_level_order_by);
}

TEST_CASE("transaction control statements are recognised") {
  const std::string_view control[] = {
      "BEGIN", "START TRANSACTION ISOLATION LEVEL SERIALIZABLE", "COMMIT", "ROLLBACK",
      "SAVEPOINT s1", "RELEASE SAVEPOINT s1", "ROLLBACK TO SAVEPOINT s1",
      "PREPARE TRANSACTION 'tx1'", "END", "BEGIN; UPDATE t SET a = 1; COMMIT",
  };
  for (std::string_view sql : control) {
    INFO(sql);
    CHECK(facts_of(sql).is_transaction_control);
  }
  CHECK_FALSE(facts_of("SELECT 1").is_transaction_control);
  CHECK_FALSE(facts_of("PREPARE p AS SELECT 1").is_transaction_control);
  CHECK_FALSE(facts_of("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").is_transaction_control);
}

TEST_CASE("SQL the parser rejects gives parsed = false and nothing else") {
  const auto facts = facts_of("SELEC * FROM t ORDER BY id");
  CHECK_FALSE(facts.parsed);
  CHECK(facts.statement_count == 0);
  CHECK_FALSE(facts.has_top_level_order_by);
  CHECK_FALSE(facts.is_transaction_control);
}

namespace pgshadow::sql {

TEST_CASE("statements that cannot repeat their results are recognised, with the reason", "[sql][nondeterminism]") {
  CHECK(facts_of("SELECT id, now() FROM t").nondeterminism == "calls now()");
  CHECK(facts_of("SELECT * FROM t WHERE x < random()").nondeterminism == "calls random()");
  CHECK(facts_of("INSERT INTO t (id) VALUES (gen_random_uuid())").nondeterminism == "calls gen_random_uuid()");
  CHECK(facts_of("SELECT current_timestamp").nondeterminism == "reads the clock (CURRENT_TIMESTAMP)");
  CHECK(facts_of("SELECT * FROM t LIMIT 5").nondeterminism == "LIMIT or OFFSET without ORDER BY");
  CHECK(facts_of("SELECT * FROM t WHERE id IN (SELECT id FROM u LIMIT 2) ORDER BY id").nondeterminism ==
        "LIMIT or OFFSET without ORDER BY");
  CHECK(facts_of("SELECT DISTINCT ON (a) a, b FROM t").nondeterminism == "DISTINCT ON without ORDER BY");
  CHECK(facts_of("SELECT * FROM t TABLESAMPLE system (10)").nondeterminism == "TABLESAMPLE");
  CHECK(facts_of("SELECT id FROM jobs FOR UPDATE SKIP LOCKED").nondeterminism == "SKIP LOCKED");
}

TEST_CASE("deterministic statements have no nondeterminism reason", "[sql][nondeterminism]") {
  CHECK(facts_of("SELECT * FROM t ORDER BY id LIMIT 5").nondeterminism.empty());
  CHECK(facts_of("SELECT DISTINCT a FROM t").nondeterminism.empty());
  CHECK(facts_of("SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, b").nondeterminism.empty());
  CHECK(facts_of("UPDATE t SET x = 1 WHERE id = $1").nondeterminism.empty());
  CHECK(facts_of("SELECT nextval('s')").nondeterminism.empty());
  CHECK(facts_of("SELECT id FROM jobs FOR UPDATE").nondeterminism.empty());
}

}  // namespace pgshadow::sql

namespace pgshadow::sql {

TEST_CASE("COPY FROM STDIN is recognised: its rows are not in the log", "[sql]") {
  CHECK(facts_of("COPY t (a, b) FROM STDIN").copies_from_client);
  CHECK(facts_of("copy t from stdin with (format csv)").copies_from_client);
  CHECK_FALSE(facts_of("COPY t TO STDOUT").copies_from_client);
  CHECK_FALSE(facts_of("COPY t FROM '/data/t.csv'").copies_from_client);
  CHECK_FALSE(facts_of("SELECT 1").copies_from_client);
}

}  // namespace pgshadow::sql

namespace pgshadow::sql {

TEST_CASE("what may write is told from the parse tree, for --read-only", "[sql][read-only]") {
  for (const char* read : {"SELECT id FROM users WHERE id = $1", "SELECT 1; SELECT 2", "SHOW search_path",
                           "SET statement_timeout = 0", "BEGIN", "COMMIT", "VALUES (1), (2)",
                           "TABLE users", "EXPLAIN SELECT * FROM users", "FETCH 10 FROM c",
                           "DECLARE c CURSOR FOR SELECT * FROM users", "PREPARE p AS SELECT 1",
                           "LISTEN jobs", "CLOSE c", "DEALLOCATE p",
                           "WITH recent AS (SELECT * FROM orders) SELECT count(*) FROM recent"}) {
    INFO(read);
    CHECK_FALSE(facts_of(read).may_write);
  }
  for (const char* write : {"INSERT INTO t VALUES (1)", "UPDATE t SET a = 1", "DELETE FROM t",
                            "SELECT * FROM t FOR UPDATE", "SELECT * INTO t2 FROM t",
                            "WITH gone AS (DELETE FROM t RETURNING *) SELECT count(*) FROM gone",
                            "SELECT nextval('s')", "SELECT 1; DELETE FROM t", "CREATE TABLE t (a int)",
                            "TRUNCATE t", "NOTIFY jobs", "CALL p()", "DO $$ BEGIN END $$", "EXECUTE p",
                            "EXPLAIN ANALYZE DELETE FROM t", "COPY t FROM STDIN", "VACUUM t",
                            "PREPARE p AS INSERT INTO t VALUES (1)", "SELEC broken"}) {
    INFO(write);
    CHECK(facts_of(write).may_write);
  }
}

TEST_CASE("a plain read can run twice on one connection without moving its state", "[sql][read-only]") {
  CHECK(facts_of("SELECT * FROM users ORDER BY random()").is_plain_read);
  CHECK(facts_of("SHOW TimeZone").is_plain_read);
  CHECK_FALSE(facts_of("FETCH 10 FROM c").is_plain_read);
  CHECK_FALSE(facts_of("DECLARE c CURSOR FOR SELECT 1").is_plain_read);
  CHECK_FALSE(facts_of("SELECT nextval('s')").is_plain_read);
  CHECK_FALSE(facts_of("BEGIN").is_plain_read);
  CHECK_FALSE(facts_of("SELEC broken").is_plain_read);
}

TEST_CASE("one planned statement is explainable; utility, transaction control and scripts are not",
          "[sql][plan]") {
  for (const char* planned : {"SELECT * FROM users WHERE id = $1", "INSERT INTO t VALUES (1) RETURNING id",
                              "UPDATE t SET a = 1 WHERE id = 2", "DELETE FROM t WHERE id = 3",
                              "WITH x AS (SELECT 1) SELECT * FROM x", "VALUES (1), (2)",
                              "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE"}) {
    INFO(planned);
    CHECK(facts_of(planned).is_explainable);
  }
  for (const char* not_planned : {"BEGIN", "CREATE TABLE t (a int)", "SELECT 1 INTO t2", "SHOW TimeZone",
                                  "SELECT 1; SELECT 2", "EXPLAIN SELECT 1", "COPY t TO STDOUT", "SELEC broken"}) {
    INFO(not_planned);
    CHECK_FALSE(facts_of(not_planned).is_explainable);
  }
}

}  // namespace pgshadow::sql
