#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "pgshadow/sql/query_shape.h"

using pgshadow::sql::QueryShape;
using pgshadow::sql::shape_of;

namespace {

bool is_hex_fingerprint(const std::string& fingerprint) {
  return fingerprint.size() == 16 &&
         fingerprint.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

TEST_CASE("statements that differ only in constants share a shape") {
  const QueryShape one = shape_of("SELECT * FROM t WHERE id = 1");
  const QueryShape two = shape_of("SELECT * FROM t WHERE id = 2");
  CHECK(is_hex_fingerprint(one.fingerprint));
  CHECK(one.fingerprint == two.fingerprint);
  CHECK(one.normalized == "SELECT * FROM t WHERE id = $1");
  CHECK(two.normalized == "SELECT * FROM t WHERE id = $1");
}

TEST_CASE("statements reading different columns have different shapes") {
  CHECK(shape_of("SELECT a FROM t WHERE id = 1").fingerprint !=
        shape_of("SELECT b FROM t WHERE id = 1").fingerprint);
  CHECK(shape_of("SELECT * FROM t WHERE id = 1").fingerprint !=
        shape_of("SELECT * FROM t WHERE email = 1").fingerprint);
}

TEST_CASE("an extended-protocol $1 and a literal share a shape") {
  const QueryShape prepared = shape_of("SELECT name FROM users WHERE id = $1");
  const QueryShape literal = shape_of("SELECT name FROM users WHERE id = 42");
  CHECK(prepared.fingerprint == literal.fingerprint);
  CHECK(prepared.normalized == "SELECT name FROM users WHERE id = $1");
  CHECK(literal.normalized == "SELECT name FROM users WHERE id = $1");
}

TEST_CASE("every kind of constant in a DML statement becomes $n") {
  const QueryShape shape = shape_of(
      "SELECT 'secret', 1.5, -3, B'101', X'ff', E'x\\n', $$dollar$$, 42, U&'d\\0061t' "
      "FROM t WHERE a = 'q' LIMIT 10 OFFSET 5");
  CHECK(shape.normalized ==
        "SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 FROM t WHERE a = $10 LIMIT $12 OFFSET $11");
}

TEST_CASE("constants that pg_query_normalize leaves in utility statements are replaced too") {
  CHECK(shape_of("CALL add_user('alice@example.com', 42)").normalized == "CALL add_user($1, $2)");
  CHECK(shape_of("COMMENT ON TABLE t IS 'owner: alice'").normalized == "COMMENT ON TABLE t IS $1");
  CHECK(shape_of("NOTIFY orders, 'order 991 paid'").normalized == "NOTIFY orders, $1");
  CHECK(shape_of("COPY t FROM '/home/alice/export.csv'").normalized == "COPY t FROM $1");
  CHECK(shape_of("PREPARE p AS SELECT 'x', 5").normalized == "PREPARE p AS SELECT $1, $2");
  CHECK(shape_of("CREATE TABLE t (a varchar(10) DEFAULT 'secret')").normalized ==
        "CREATE TABLE t (a varchar($1) DEFAULT $2)");
}

TEST_CASE("added placeholders continue after the ones already there") {
  CHECK(shape_of("PREPARE p AS SELECT $1, 'x'").normalized == "PREPARE p AS SELECT $1, $2");
}

TEST_CASE("comments are dropped from the normalized text, since they can carry request data") {
  const QueryShape shape =
      shape_of("/* user=alice */ SELECT 1 /* traceparent='00-abc' */ -- session 77\n");
  CHECK(shape.normalized == "SELECT $1");
  CHECK(shape.fingerprint == shape_of("SELECT 2").fingerprint);
}

TEST_CASE("no literal of the input survives normalization") {
  const std::string_view statements[] = {
      "SELECT * FROM users WHERE email = 'alice@example.com' AND age > 31337",
      "INSERT INTO users (email, age) VALUES ('alice@example.com', 31337)",
      "UPDATE users SET email = 'alice@example.com' WHERE age = 31337",
      "DELETE FROM users WHERE email = 'alice@example.com' OR age = 31337",
      "SET application_name = 'alice@example.com'",
      "CALL remember('alice@example.com', 31337)",
      "ALTER ROLE alice PASSWORD 'alice@example.com'",
      "DO $$ BEGIN PERFORM 'alice@example.com'; END $$",
      "SELEC 'alice@example.com', 31337",  // rejected by the parser: the scanner still redacts
  };
  for (std::string_view sql : statements) {
    INFO(sql);
    const QueryShape shape = shape_of(sql);
    CHECK(shape.normalized.find("alice@example.com") == std::string::npos);
    CHECK(shape.normalized.find("31337") == std::string::npos);
  }
}

TEST_CASE("unparsable SQL gets a text- shape from its scanner-normalized text") {
  const QueryShape one = shape_of("SELEC name FROM users WHERE id = 1");
  const QueryShape two = shape_of("SELEC name FROM users WHERE id = 2");
  CHECK(one.normalized == "SELEC name FROM users WHERE id = $1");
  CHECK(one.fingerprint.rfind("text-", 0) == 0);
  CHECK(one.fingerprint.size() == 5 + 16);
  CHECK(is_hex_fingerprint(one.fingerprint.substr(5)));
  CHECK(one.fingerprint == two.fingerprint);
  CHECK(one.fingerprint != shape_of("SELEC mail FROM users WHERE id = 1").fingerprint);
}

TEST_CASE("SQL even the scanner rejects is withheld and hashed as raw text") {
  const QueryShape one = shape_of("SELECT 'alice@example.com");
  const QueryShape two = shape_of("SELECT 'bob@example.com");
  CHECK(one.normalized == "<unparsable statement>");
  CHECK(one.fingerprint.rfind("text-", 0) == 0);
  CHECK(one.fingerprint.size() == 5 + 16);
  CHECK(one.fingerprint != two.fingerprint);  // nothing to normalize: the raw text decides
  CHECK(one.fingerprint == shape_of("SELECT 'alice@example.com").fingerprint);
}

TEST_CASE("a statement with a NUL byte is unparsable, not cut short") {
  const QueryShape shape = shape_of(std::string_view("SELECT 1\0 DROP TABLE t", 22));
  CHECK(shape.normalized == "<unparsable statement>");
  CHECK(shape.fingerprint.rfind("text-", 0) == 0);
}

namespace {

std::string chained_plus_ones(int count) {
  std::string sql = "SELECT 1";
  for (int i = 0; i < count; ++i) sql += " + 1";
  return sql;
}

}  // namespace

TEST_CASE("30,000 chained + 1 get the shape <too deep to parse> instead of overflowing the stack") {
  // pg_query_normalize recursed once per operator and overflowed an 8 MiB stack (SIGSEGV).
  const QueryShape deep = shape_of(chained_plus_ones(30'000));
  CHECK(deep.normalized == "<too deep to parse>");
  CHECK(deep.fingerprint.starts_with("text-"));
  // Constants do not make a new shape.
  std::string other = chained_plus_ones(30'000);
  other.replace(other.find("SELECT 1"), 8, "SELECT 7");
  CHECK(shape_of(other).fingerprint == deep.fingerprint);
  CHECK_FALSE(pgshadow::sql::facts_of(chained_plus_ones(30'000)).parsed);
}

TEST_CASE("a statement nested a few thousand levels deep is parsed on a large stack") {
  const QueryShape shape = shape_of(chained_plus_ones(5'000));
  CHECK(is_hex_fingerprint(shape.fingerprint));
  CHECK(shape.normalized.starts_with("SELECT $1 + $2 + $3"));
  CHECK(pgshadow::sql::facts_of(chained_plus_ones(5'000)).parsed);
}

TEST_CASE("long flat statements are not taken for deep ones") {
  // 20,000 list items and OR terms: the parser keeps both flat.
  std::string in_list = "SELECT * FROM t WHERE id IN (0";
  std::string or_chain = "SELECT * FROM t WHERE id = 0";
  for (int i = 1; i < 20'000; ++i) {
    in_list += ", " + std::to_string(i);
    or_chain += " OR id = " + std::to_string(i);
  }
  in_list += ")";
  CHECK(shape_of(in_list).normalized.starts_with("SELECT * FROM t WHERE id IN ($1, $2"));
  CHECK(shape_of(or_chain).normalized.starts_with("SELECT * FROM t WHERE id = $1 OR id = $2"));
}
