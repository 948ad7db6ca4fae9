#include <catch2/catch.hpp>

#include <optional>
#include <set>
#include <string>
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
  CHECK(facts_of("SELECT * FROM t LIMIT 5 OFFSET 10").nondeterminism == "OFFSET without ORDER BY");
  CHECK(facts_of("SELECT * FROM t WHERE id IN (SELECT id FROM u LIMIT 2) ORDER BY id").nondeterminism ==
        "LIMIT without ORDER BY in a subquery");
  CHECK(facts_of("SELECT DISTINCT ON (a) a, b FROM t").nondeterminism == "DISTINCT ON without ORDER BY");
  CHECK(facts_of("SELECT * FROM t TABLESAMPLE system (10)").nondeterminism == "TABLESAMPLE");
  CHECK(facts_of("SELECT id FROM jobs FOR UPDATE SKIP LOCKED").nondeterminism == "SKIP LOCKED");
}

TEST_CASE("values that depend on the replay's setup are recognised from the parse tree", "[sql][nondeterminism]") {
  // Special date literals are the clock, written as a constant (any case, any spacing).
  CHECK(facts_of("SELECT 'now'::timestamptz").nondeterminism == "casts 'now' to timestamptz");
  CHECK(facts_of("SELECT timestamp 'TODAY'").nondeterminism == "casts 'TODAY' to timestamp");
  CHECK(facts_of("CREATE TABLE t AS SELECT ' tomorrow '::date AS d").nondeterminism == "casts ' tomorrow ' to date");
  CHECK(facts_of("INSERT INTO t VALUES ('yesterday'::timestamp with time zone)").nondeterminism ==
        "casts 'yesterday' to timestamptz");
  CHECK(facts_of("SELECT 'now'::text, '2026-01-01'::date").nondeterminism.empty());
  // The server process, transaction ids, WAL positions and the server's own settings.
  CHECK(facts_of("SELECT pg_backend_pid()").nondeterminism == "calls pg_backend_pid()");
  CHECK(facts_of("SELECT inet_server_port()").nondeterminism == "calls inet_server_port()");
  CHECK(facts_of("SELECT txid_current()").nondeterminism == "calls txid_current()");
  CHECK(facts_of("SELECT pg_current_wal_lsn()").nondeterminism == "calls pg_current_wal_lsn()");
  CHECK(facts_of("SELECT current_setting('port')").nondeterminism == "reads setting port");
  CHECK(facts_of("SHOW data_directory").nondeterminism == "reads setting data_directory");
  CHECK(facts_of("SHOW search_path").nondeterminism.empty());
  CHECK(facts_of("SELECT count(*) FROM pg_stat_activity").nondeterminism == "reads pg_stat_activity");
  CHECK(facts_of("SELECT * FROM pg_catalog.pg_locks").nondeterminism == "reads pg_locks");
  CHECK(facts_of("SELECT xmin, * FROM t").nondeterminism == "reads system column xmin");
  CHECK(facts_of("SELECT age(datfrozenxid) FROM pg_database").nondeterminism == "calls age() of one argument");
  CHECK(facts_of("SELECT age(b, a) FROM t").nondeterminism.empty());
}

TEST_CASE("the outermost LIMIT without ORDER BY is kept with what can pin its rows", "[sql][limit]") {
  const auto knex_first = facts_of(R"(select * from "users" where "id" = $1 limit $2)");
  CHECK(knex_first.nondeterminism.empty());
  REQUIRE(knex_first.unordered_limit.has_value());
  CHECK_FALSE(knex_first.unordered_limit->count.has_value());
  CHECK(knex_first.unordered_limit->count_parameter == 2);
  CHECK(knex_first.unordered_limit->table == "users");
  CHECK(knex_first.unordered_limit->equality_columns == std::vector<std::string>{"id"});

  const auto two_keys = facts_of("SELECT * FROM app.orders o WHERE o.user_id = 5 AND 'paid' = status LIMIT 1");
  REQUIRE(two_keys.unordered_limit.has_value());
  CHECK(two_keys.unordered_limit->count == 1);
  CHECK(two_keys.unordered_limit->schema == "app");
  CHECK(two_keys.unordered_limit->table == "orders");
  CHECK(two_keys.unordered_limit->equality_columns == std::vector<std::string>{"user_id", "status"});

  // A join or an OR pins nothing; the limit is still known.
  const auto joined = facts_of("SELECT * FROM a JOIN b ON a.id = b.a_id WHERE a.id = 1 LIMIT 3");
  REQUIRE(joined.unordered_limit.has_value());
  CHECK(joined.unordered_limit->table.empty());
  const auto either = facts_of("SELECT * FROM a WHERE id = 1 OR id = 2 LIMIT 3");
  REQUIRE(either.unordered_limit.has_value());
  CHECK(either.unordered_limit->equality_columns.empty());

  CHECK_FALSE(facts_of("SELECT * FROM t ORDER BY id LIMIT 5").unordered_limit.has_value());
  CHECK_FALSE(facts_of("SELECT * FROM t").unordered_limit.has_value());
  CHECK_FALSE(facts_of("SELECT * FROM t LIMIT ALL").unordered_limit.has_value());
}

TEST_CASE("statements that act outside their database are named, with their kind", "[sql][outside]") {
  const auto kind = [](const char* sql) {
    const auto facts = facts_of(sql);
    return facts.outside_reach ? facts.outside_reach->kind : std::string("inside");
  };
  CHECK(kind("COPY (SELECT 1) TO PROGRAM 'id > /tmp/f'") == "copy_program");
  CHECK(facts_of("COPY t FROM PROGRAM 'cat x'").outside_reach->description ==
        "COPY ... FROM PROGRAM: runs a program on the server's host");
  CHECK(kind("COPY t TO '/tmp/t.csv'") == "copy_file");
  CHECK(kind("COPY t FROM '/etc/passwd'") == "copy_file");
  CHECK(kind("SELECT pg_read_file('/etc/passwd')") == "server_files");
  CHECK(kind("SELECT * FROM pg_ls_dir('.')") == "server_files");
  CHECK(kind("SELECT lo_import('/etc/hosts')") == "server_files");
  CHECK(kind("SELECT lo_export(16400, '/tmp/x')") == "server_files");
  CHECK(kind("ALTER SYSTEM SET work_mem = '1GB'") == "server_control");
  CHECK(kind("SELECT pg_reload_conf()") == "server_control");
  CHECK(kind("LOAD 'auto_explain'") == "server_control");
  CHECK(kind("SELECT pg_terminate_backend(pid) FROM pg_stat_activity") == "other_backends");
  CHECK(kind("SELECT pg_cancel_backend(123)") == "other_backends");
  CHECK(kind("CREATE DATABASE other") == "databases");
  CHECK(kind("DROP DATABASE other") == "databases");
  CHECK(kind("CREATE TABLESPACE ts LOCATION '/tmp/ts'") == "tablespaces");
  CHECK(kind("SELECT dblink_connect('host=x')") == "foreign_connections");
  CHECK(kind("CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'x')") == "foreign_connections");
  CHECK(kind("CREATE FUNCTION f() RETURNS int LANGUAGE plpython3u AS 'return 1'") == "untrusted_language");
  CHECK(kind("DO LANGUAGE plperlu 'system(1)'") == "untrusted_language");
  CHECK(kind("SELECT pg_create_logical_replication_slot('s', 'pgoutput')") == "replication");
  for (const char* inside : {"COPY t TO STDOUT", "COPY t FROM STDIN", "SELECT * FROM t", "CREATE TABLE t (a int)",
                             "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'", "DO $$ BEGIN END $$",
                             "CREATE ROLE r", "VACUUM t"}) {
    INFO(inside);
    CHECK(kind(inside) == "inside");
  }
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

TEST_CASE("one planned statement is explainable: utility, transaction control and scripts are not",
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

namespace pgshadow::sql {

TEST_CASE("the tables a statement touches and writes are named, CTEs and joins included", "[sql][tables]") {
  const auto insert = facts_of("WITH moved AS (DELETE FROM app.queue RETURNING *) INSERT INTO done SELECT * FROM moved "
                               "JOIN users u ON u.id = moved.user_id");
  CHECK(insert.tables_written == std::set<std::string>{"app.queue", "done"});
  CHECK(insert.tables_touched == std::set<std::string>{"app.queue", "done", "moved", "users"});
  CHECK(facts_of("UPDATE w SET a = 1 FROM z WHERE w.id = z.id").tables_written == std::set<std::string>{"w"});
  CHECK(facts_of("TRUNCATE a, b").tables_written == std::set<std::string>{"a", "b"});
  CHECK(facts_of("COPY t FROM STDIN").tables_written == std::set<std::string>{"t"});
  CHECK(facts_of("COPY t TO STDOUT").tables_written.empty());
  CHECK(facts_of("CREATE TABLE s AS SELECT * FROM t").tables_written == std::set<std::string>{"s"});
  CHECK(facts_of("CREATE TABLE s AS SELECT * FROM t").tables_created == std::set<std::string>{"s"});
  CHECK(facts_of("SELECT * INTO s FROM t").tables_created == std::set<std::string>{"s"});
  CHECK(facts_of("INSERT INTO s SELECT * FROM t").tables_created.empty());
  CHECK(facts_of("SELECT * FROM t").tables_written.empty());
  CHECK(facts_of("SELECT * FROM t").tables_touched == std::set<std::string>{"t"});
}

TEST_CASE("savepoint steps carry their kind and name", "[sql][savepoint]") {
  CHECK(facts_of(R"(SAVEPOINT "2f1c-uuid")").savepoint.kind == SavepointStep::Kind::kSavepoint);
  CHECK(facts_of(R"(SAVEPOINT "2f1c-uuid")").savepoint.name == "2f1c-uuid");
  CHECK(facts_of("RELEASE SAVEPOINT a").savepoint.kind == SavepointStep::Kind::kRelease);
  CHECK(facts_of("ROLLBACK TO SAVEPOINT a").savepoint.kind == SavepointStep::Kind::kRollbackTo);
  CHECK(facts_of("ROLLBACK TO SAVEPOINT a").savepoint.name == "a");
  CHECK(facts_of("COMMIT").savepoint.kind == SavepointStep::Kind::kNone);
}

}  // namespace pgshadow::sql

namespace {

using pgshadow::sql::SortKeyColumn;
using pgshadow::sql::SortOrder;

SortOrder sort_order_of(std::string_view sql) {
  const auto facts = facts_of(sql);
  REQUIRE(facts.parsed);
  REQUIRE(facts.sort_order.has_value());
  return *facts.sort_order;
}

std::optional<std::size_t> key_position(const SortOrder& order, std::size_t key) {
  REQUIRE(key < order.keys.size());
  return order.keys[key].position;
}

std::string key_name(const SortOrder& order, std::size_t key) {
  REQUIRE(key < order.keys.size());
  CHECK_FALSE(order.keys[key].position.has_value());
  return order.keys[key].name;
}

}  // namespace

TEST_CASE("ORDER BY keys map onto the result's columns by expression, position and name", "[sql][ties]") {
  // Sequelize's findAndCountAll: the key is the select list's fourth entry, written the same.
  const auto sequelize = sort_order_of(
      R"(SELECT "Post"."id", "Post"."title", "Post"."category", "Post"."score", "author"."name" AS "author.name" )"
      R"(FROM "Posts" AS "Post" LEFT OUTER JOIN "Users" AS "author" ON "Post"."userId" = "author"."id" )"
      R"(ORDER BY "Post"."score" DESC, "author"."name" LIMIT $3 OFFSET $2)");
  CHECK(sequelize.all_keys_in_result);
  CHECK(key_position(sequelize, 0) == 3u);
  CHECK(key_position(sequelize, 1) == 4u);
  REQUIRE(sequelize.limit.has_value());
  CHECK(sequelize.limit->parameter == 3);
  REQUIRE(sequelize.offset.has_value());
  CHECK(sequelize.offset->parameter == 2);

  const auto by_position = sort_order_of("SELECT * FROM t ORDER BY 2, 1 LIMIT 10");
  CHECK(by_position.all_keys_in_result);
  CHECK(key_position(by_position, 0) == 1u);
  CHECK(key_position(by_position, 1) == 0u);
  CHECK(by_position.limit->constant == 10);
  CHECK_FALSE(by_position.offset.has_value());

  // A bare name is the output column of that name (PostgreSQL looks there first).
  const auto bare = sort_order_of("SELECT id, lower(email) AS email_key FROM users ORDER BY email_key, id");
  CHECK(bare.all_keys_in_result);
  CHECK(key_name(bare, 0) == "email_key");
  CHECK(key_name(bare, 1) == "id");

  // After a *, positions are unknown: an entry's alias names its column.
  const auto after_star = sort_order_of("SELECT *, lower(name) AS lname FROM users ORDER BY lower(name)");
  CHECK(after_star.all_keys_in_result);
  CHECK(key_name(after_star, 0) == "lname");

  // SELECT * from one table: a qualified key is that table's column.
  CHECK(key_name(sort_order_of("SELECT * FROM users u ORDER BY u.created_at"), 0) == "created_at");
  CHECK(key_name(sort_order_of("SELECT * FROM users ORDER BY users.created_at"), 0) == "created_at");

  // One table: "User"."name" is the select list's "name".
  const auto qualified = sort_order_of(
      R"(SELECT "id", "name" FROM "Users" AS "User" WHERE "User"."id" <= $1 ORDER BY "User"."name" ASC)");
  CHECK(qualified.all_keys_in_result);
  CHECK(key_position(qualified, 0) == 1u);

  // A set operation's ORDER BY names or numbers the output columns.
  CHECK(key_name(sort_order_of("SELECT a FROM t UNION SELECT a FROM u ORDER BY a"), 0) == "a");
}

TEST_CASE("ORDER BY keys the result does not show end the known keys", "[sql][ties]") {
  // (A bare name is resolved on the result: see replay::resolve_sort_keys.)
  const auto hidden = sort_order_of("SELECT id, name FROM users ORDER BY name, users.created_at DESC, id");
  CHECK_FALSE(hidden.all_keys_in_result);
  REQUIRE(hidden.keys.size() == 1);
  CHECK(hidden.keys[0].name == "name");

  CHECK(sort_order_of("SELECT id FROM t ORDER BY t.score").keys.empty());
  CHECK_FALSE(sort_order_of("SELECT id FROM t ORDER BY t.score").all_keys_in_result);
  CHECK(sort_order_of("SELECT score + 1 FROM t ORDER BY score + 2").keys.empty());
  CHECK(sort_order_of("SELECT name FROM t ORDER BY name COLLATE \"C\"").keys.empty());
  // The input column, not the output column that an alias names like it.
  CHECK(sort_order_of("SELECT upper(name) AS name FROM users u ORDER BY u.name").keys.empty());
  // A join: an unqualified column in the select list may be either table's.
  CHECK(sort_order_of("SELECT name FROM t JOIN u ON t.id = u.t_id ORDER BY t.name").keys.empty());
  // A join under *: t.id may not be the result's only id.
  CHECK(sort_order_of("SELECT * FROM t JOIN u ON t.id = u.t_id ORDER BY t.id").keys.empty());
}

TEST_CASE("the ORDER BY's LIMIT and OFFSET are kept, WITH TIES and LIMIT ALL cut no tie", "[sql][ties]") {
  CHECK_FALSE(sort_order_of("SELECT id FROM t ORDER BY id FETCH FIRST 5 ROWS WITH TIES").limit.has_value());
  CHECK_FALSE(sort_order_of("SELECT id FROM t ORDER BY id LIMIT ALL").limit.has_value());
  CHECK(sort_order_of("SELECT id FROM t ORDER BY id FETCH FIRST 5 ROWS ONLY").limit->constant == 5);
  CHECK(sort_order_of("SELECT id FROM t ORDER BY id OFFSET 0").offset->constant == 0);
  CHECK_FALSE(facts_of("SELECT id FROM t LIMIT 5").sort_order.has_value());
  CHECK_FALSE(facts_of("EXPLAIN SELECT id FROM t ORDER BY id").sort_order.has_value());
}

TEST_CASE("a commit is told from the other transaction statements", "[sql]") {
  for (const char* sql : {"COMMIT", "end", "COMMIT AND NO CHAIN", "PREPARE TRANSACTION 'x'", "UPDATE t SET a = 1; COMMIT"}) {
    INFO(sql);
    CHECK(facts_of(sql).commits);
  }
  for (const char* sql : {"BEGIN", "ROLLBACK", "SAVEPOINT a", "RELEASE SAVEPOINT a", "COMMIT; SELECT 1", "SELECT 1"}) {
    INFO(sql);
    CHECK_FALSE(facts_of(sql).commits);
  }
}

namespace pgshadow::sql {

TEST_CASE("a statement's lock footprint names the tables whose row locks it may take, or nothing when the text "
          "cannot tell",
          "[sql][locks]") {
  using Tables = std::set<std::string>;
  CHECK(facts_of("UPDATE app.accounts SET b = b + $1 WHERE id = $2").lock_footprint == Tables{"accounts"});
  CHECK(facts_of("INSERT INTO history (t, m) VALUES ($1, CURRENT_TIMESTAMP)").lock_footprint == Tables{"history"});
  // A sequence drawn from is in it by name, as the catalog spells it: draws contend as writes do.
  CHECK(facts_of("INSERT INTO history (id, at) VALUES (nextval('h_id'), now())").lock_footprint ==
        (Tables{"history", "h_id"}));
  CHECK(facts_of("SELECT nextval('app.\"Order_Ids\"'::regclass)").lock_footprint == Tables{"Order_Ids"});
  CHECK(facts_of("SELECT setval('App.Order_Ids', 10)").lock_footprint == Tables{"order_ids"});
  CHECK(facts_of("SELECT currval('h_id')").lock_footprint == Tables{});
  CHECK_FALSE(facts_of("SELECT nextval($1)").lock_footprint);
  CHECK(facts_of("UPDATE w SET a = 1 FROM z WHERE w.id = z.id").lock_footprint == Tables{"w"});
  CHECK(facts_of("WITH moved AS (DELETE FROM queue RETURNING *) INSERT INTO done SELECT * FROM moved")
            .lock_footprint == Tables{"queue", "done"});
  CHECK(facts_of("SELECT * FROM jobs j JOIN kinds k ON k.id = j.kind FOR UPDATE OF j").lock_footprint ==
        Tables{"jobs", "kinds"});
  CHECK(facts_of("SELECT abalance FROM accounts WHERE aid = 3").lock_footprint == Tables{});
  CHECK(facts_of("BEGIN").lock_footprint == Tables{});
  CHECK(facts_of("END").lock_footprint == Tables{});
  // What may lock anything: a function that may be the user's, an advisory lock, DDL, LOCK,
  // SELECT INTO, text that does not parse.
  CHECK_FALSE(facts_of("UPDATE t SET a = audit(a)").lock_footprint);
  CHECK_FALSE(facts_of("SELECT pg_advisory_lock(1)").lock_footprint);
  CHECK_FALSE(facts_of("UPDATE t SET a = app.lower(a)").lock_footprint);
  CHECK_FALSE(facts_of("ALTER TABLE t ADD COLUMN c int").lock_footprint);
  CHECK_FALSE(facts_of("LOCK TABLE t").lock_footprint);
  CHECK_FALSE(facts_of("SELECT * INTO s FROM t").lock_footprint);
  CHECK_FALSE(facts_of("UPDATE t SET").lock_footprint);
  CHECK_FALSE(facts_of("UPDATE t SET a = 1; CREATE INDEX ON t (a)").lock_footprint);
}

}  // namespace pgshadow::sql
