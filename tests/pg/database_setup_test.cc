#include "pgshadow/pg/database_setup.h"

#include <catch2/catch.hpp>

#include "pg_test_support.h"
#include "pgshadow/pg/embedded_server.h"

using pgshadow::ErrorKind;
using pgshadow::pg::apply_migrations;
using pgshadow::pg::clone_database;
using pgshadow::pg::EmbeddedServer;
using pgshadow::pg::load_baseline;
using pgshadow::MigrationFailure;
using pgshadow::pg::testing::rows_of;
using pgshadow::pg::testing::ScratchDir;

namespace {

constexpr const char* kBaselineSql = R"(-- a small baseline
CREATE TABLE customers (id int PRIMARY KEY, email text, name text);
INSERT INTO customers VALUES (1, 'a@example.com', 'Ann'), (2, NULL, 'Bob'),
                             (3, 'a@example.com', 'Cy');
SELECT count(*) FROM customers;  -- output is discarded
)";

constexpr const char* kContents = "SELECT id, email, name FROM customers ORDER BY id";

// One server for the whole file (starting one costs about a second), with a database
// "fixture" holding the baseline; each test clones what it needs from it.
EmbeddedServer& server() {
  static std::unique_ptr<EmbeddedServer> instance = [] {
    auto started = EmbeddedServer::start({});
    if (!started) FAIL("cannot start the test server: " << started.error().message);
    return std::move(started).value();
  }();
  return *instance;
}

const ScratchDir& files() {
  static ScratchDir instance;
  return instance;
}

std::string fresh_database(const std::string& name, const std::string& template_name) {
  auto cloned = clone_database(server().conninfo("postgres"), name, template_name);
  if (!cloned.ok()) FAIL(cloned.error().message);
  return server().conninfo(name);
}

std::string fixture() {
  static bool loaded = [] {
    fresh_database("fixture", "template0");
    auto file = files().file("baseline.sql", kBaselineSql);
    auto status = load_baseline(server().bin_dir(), server().conninfo("fixture"), file);
    if (!status.ok()) FAIL(status.error().message);
    return true;
  }();
  (void)loaded;
  return "fixture";
}

}  // namespace

TEST_CASE("load_baseline runs a plain SQL file with psql") {
  fixture();
  CHECK(rows_of(server().conninfo("fixture"), kContents) ==
        "1|a@example.com|Ann\n2|NULL|Bob\n3|a@example.com|Cy\n");
}

TEST_CASE("load_baseline restores a pg_dump -Fc archive with pg_restore") {
  auto archive = files().path() + "/baseline.dump";
  auto dump = server().bin_dir() + "/pg_dump -Fc -f " + archive + " '" +
              server().conninfo(fixture()) + "'";
  REQUIRE(std::system(dump.c_str()) == 0);
  auto target = fresh_database("restored", "template0");
  auto status = load_baseline(server().bin_dir(), target, archive);
  REQUIRE(status.ok());
  CHECK(rows_of(target, kContents) == rows_of(server().conninfo(fixture()), kContents));
}

TEST_CASE("a failing baseline file gives kBadInput with psql's error") {
  auto bad = files().file("bad.sql", "CREATE TABLE ok (id int);\nINSERT INTO nosuch VALUES (1);\n"
                                     "CREATE TABLE never (id int);\n");
  auto target = fresh_database("bad_baseline", "template0");
  auto status = load_baseline(server().bin_dir(), target, bad);
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().kind == ErrorKind::kBadInput);
  CHECK(status.error().message ==
        bad + ": the baseline failed to load into bad_baseline (psql exited with status 3):\n"
              "psql:" + bad + ":2: ERROR:  relation \"nosuch\" does not exist\n"
              "LINE 1: INSERT INTO nosuch VALUES (1);\n"
              "                    ^");
  CHECK(rows_of(target, "SELECT count(*) FROM pg_class WHERE relname = 'never'") == "0\n");
}

TEST_CASE("a missing baseline file gives kBadInput naming the file") {
  auto status = load_baseline(server().bin_dir(), server().conninfo("postgres"),
                              files().path() + "/missing.sql");
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().kind == ErrorKind::kBadInput);
  CHECK(status.error().message ==
        files().path() + "/missing.sql: cannot read the baseline file: No such file or directory");
}

TEST_CASE("clone_database gives a database with identical contents, any name quoted") {
  auto clone = fresh_database("Shadow \"copy\" 1", fixture());
  CHECK(rows_of(clone, kContents) == rows_of(server().conninfo(fixture()), kContents));
}

TEST_CASE("clone_database over an existing name is the user's error, with SQLSTATE") {
  fixture();
  auto status = clone_database(server().conninfo("postgres"), "fixture", "template0");
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().kind == ErrorKind::kBadInput);
  CHECK(status.error().message ==
        "cannot create database \"fixture\" from template \"template0\": database \"fixture\" "
        "already exists (SQLSTATE 42P04)");
}

TEST_CASE("clone_database to an unreachable server is an infrastructure error, redacted") {
  auto status = clone_database("host=127.0.0.1 port=1 user=x password=hunter2 connect_timeout=2",
                               "a", "b");
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().kind == ErrorKind::kInfrastructure);
  CHECK(status.error().message ==
        "cannot connect to user=x password=******** connect_timeout=2 host=127.0.0.1 port=1 to "
        "create database \"a\": connection to server at \"127.0.0.1\", port 1 failed: "
        "Connection refused");
}

TEST_CASE("apply_migrations applies every file in order") {
  auto shadow = fresh_database("migrated", fixture());
  auto first = files().file("001_add_column.sql",
                            "ALTER TABLE customers ADD COLUMN tier text;\n"
                            "UPDATE customers SET tier = 'gold' WHERE id = 1;\n");
  auto second = files().file("002_default.sql",
                             "ALTER TABLE customers ALTER COLUMN tier SET DEFAULT 'basic';");
  auto applied = apply_migrations(shadow, {first, second});
  REQUIRE(applied.ok());
  CHECK_FALSE(applied->failure.has_value());
  CHECK(rows_of(shadow, "SELECT id, tier FROM customers ORDER BY id") ==
        "1|gold\n2|NULL\n3|NULL\n");
  CHECK(rows_of(shadow, "SELECT column_default FROM information_schema.columns "
                        "WHERE table_name = 'customers' AND column_name = 'tier'") ==
        "'basic'::text\n");
}

TEST_CASE("SET NOT NULL over a NULL is a migration failure 23502 at the statement's line") {
  auto shadow = fresh_database("not_null", fixture());
  auto file = files().file("003_not_null.sql",
                           "-- names must be present\n"
                           "ALTER TABLE customers ALTER COLUMN name SET NOT NULL;\n\n"
                           "ALTER TABLE customers\n  ALTER COLUMN email SET NOT NULL;\n");
  auto applied = apply_migrations(shadow, {file});
  REQUIRE(applied.ok());
  REQUIRE(applied->failure.has_value());
  const MigrationFailure& failure = *applied->failure;
  CHECK(failure.file == file);
  CHECK(failure.line == 4);
  CHECK(failure.sqlstate == "23502");
  CHECK(failure.message == "column \"email\" of relation \"customers\" contains null values");
  CHECK(failure.statement_shape == "ALTER TABLE customers\n  ALTER COLUMN email SET NOT NULL");
}

TEST_CASE("a UNIQUE index over duplicates is a migration failure 23505 without the values") {
  auto shadow = fresh_database("unique", fixture());
  auto file = files().file("004_unique.sql",
                           "CREATE UNIQUE INDEX customers_email ON customers (email);\n");
  auto applied = apply_migrations(shadow, {file});
  REQUIRE(applied.ok());
  REQUIRE(applied->failure.has_value());
  CHECK(applied->failure->line == 1);
  CHECK(applied->failure->sqlstate == "23505");
  CHECK(applied->failure->message == "could not create unique index \"customers_email\"");
  CHECK(applied->failure->statement_shape == "CREATE UNIQUE INDEX customers_email ON customers (email)");
}

TEST_CASE("apply_migrations honours BEGIN/COMMIT in a file and reports a literal-free shape") {
  auto shadow = fresh_database("explicit_tx", fixture());
  auto committed = files().file("005_tx.sql",
                                "BEGIN;\nALTER TABLE customers ADD COLUMN a int;\n"
                                "UPDATE customers SET a = 1;\nCOMMIT;\n");
  auto failing = files().file("006_tx_fails.sql",
                              "BEGIN;\nALTER TABLE customers ADD COLUMN b int;\n"
                              "UPDATE customers SET b = 'x' WHERE id = 2;\nCOMMIT;\n");
  auto applied = apply_migrations(shadow, {committed, failing});
  REQUIRE(applied.ok());
  REQUIRE(applied->failure.has_value());
  CHECK(applied->failure->file == failing);
  CHECK(applied->failure->line == 3);
  CHECK(applied->failure->sqlstate == "22P02");
  CHECK(applied->failure->statement_shape == "UPDATE customers SET b = $1 WHERE id = $2");
  CHECK(rows_of(shadow, "SELECT sum(a) FROM customers") == "3\n");
  // The failed file's transaction never committed: column b does not exist.
  CHECK(rows_of(shadow, "SELECT count(*) FROM information_schema.columns "
                        "WHERE table_name = 'customers' AND column_name = 'b'") == "0\n");
}

TEST_CASE("a migration file that ends inside BEGIN without COMMIT is kBadInput") {
  auto shadow = fresh_database("open_tx", fixture());
  auto file = files().file("006b_open.sql", "BEGIN;\nALTER TABLE customers ADD COLUMN d int;\n");
  auto applied = apply_migrations(shadow, {file});
  REQUIRE_FALSE(applied.ok());
  CHECK(applied.error().kind == ErrorKind::kBadInput);
  CHECK(applied.error().message ==
        file + ": the file ends inside a transaction block (BEGIN without COMMIT), so its "
               "changes would be rolled back");
}

TEST_CASE("apply_migrations runs CREATE INDEX CONCURRENTLY (which refuses a transaction)") {
  auto shadow = fresh_database("concurrently", fixture());
  auto file = files().file("007_concurrently.sql",
                           "CREATE INDEX CONCURRENTLY customers_name ON customers (name);\n");
  auto applied = apply_migrations(shadow, {file});
  REQUIRE(applied.ok());
  CHECK_FALSE(applied->failure.has_value());
  CHECK(rows_of(shadow, "SELECT indexname FROM pg_indexes WHERE indexname = 'customers_name'") ==
        "customers_name\n");
}

TEST_CASE("the migration's messages are kept with their file and line: its own RAISE is marked") {
  auto shadow = fresh_database("messages", fixture());
  auto file = files().file("011_messages.sql",
                           "CREATE VIEW named_customers AS SELECT name FROM customers;\n"
                           "DROP TABLE IF EXISTS no_such_table;\n"
                           "DROP TABLE customers CASCADE;\n"
                           "DO $$ BEGIN RAISE WARNING 'moved % rows', 3; END $$;\n");
  auto applied = apply_migrations(shadow, {file});
  REQUIRE(applied.ok());
  CHECK_FALSE(applied->failure.has_value());
  REQUIRE(applied->messages.size() == 3);
  CHECK(applied->messages[0].line == 2);
  CHECK(applied->messages[0].severity == "NOTICE");
  CHECK(applied->messages[0].text == "table \"no_such_table\" does not exist, skipping");
  CHECK_FALSE(applied->messages[0].raised_by_user);
  CHECK(applied->messages[1].line == 3);
  CHECK(applied->messages[1].text == "drop cascades to view named_customers");
  CHECK(applied->messages[2].file == file);
  CHECK(applied->messages[2].line == 4);
  CHECK(applied->messages[2].severity == "WARNING");
  CHECK(applied->messages[2].sqlstate == "01000");
  CHECK(applied->messages[2].raised_by_user);
  CHECK(applied->messages_dropped == 0);
}

TEST_CASE("unreadable and unparsable migration files are kBadInput, all named, nothing run") {
  auto shadow = fresh_database("bad_files", fixture());
  auto good = files().file("008_good.sql", "ALTER TABLE customers ADD COLUMN c int;\n");
  auto broken = files().file("009_broken.sql", "SELECT 1;\nALTER TABLEX customers;\n");
  auto missing = files().path() + "/010_missing.sql";
  auto applied = apply_migrations(shadow, {good, broken, missing});
  REQUIRE_FALSE(applied.ok());
  CHECK(applied.error().kind == ErrorKind::kBadInput);
  CHECK(applied.error().message ==
        broken + ":2: syntax error at or near \"TABLEX\"\n" + missing +
            ": cannot read the migration file: No such file or directory");
  CHECK(rows_of(shadow, "SELECT count(*) FROM information_schema.columns "
                        "WHERE table_name = 'customers' AND column_name = 'c'") == "0\n");
}
