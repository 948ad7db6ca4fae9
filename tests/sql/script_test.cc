#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "pgshadow/sql/script.h"

using pgshadow::ErrorKind;
using pgshadow::sql::ScriptStatement;
using pgshadow::sql::split_script;

namespace {

std::vector<ScriptStatement> split_ok(std::string_view text) {
  auto result = split_script(text, "migrations/001.sql");
  if (!result.ok()) FAIL(result.error().message);
  return std::move(result).value();
}

std::string split_error(std::string_view text) {
  auto result = split_script(text, "migrations/001.sql");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::kBadInput);
  return result.error().message;
}

}  // namespace

TEST_CASE("statements come without their semicolon, each with its first line") {
  const auto statements = split_ok(
      "CREATE TABLE a (x int);\n"
      "\n"
      "ALTER TABLE a\n"
      "  ADD COLUMN y text;\n"
      "SELECT 1");
  REQUIRE(statements.size() == 3);
  CHECK(statements[0].sql == "CREATE TABLE a (x int)");
  CHECK(statements[0].line == 1);
  CHECK(statements[1].sql == "ALTER TABLE a\n  ADD COLUMN y text");
  CHECK(statements[1].line == 3);
  CHECK(statements[2].sql == "SELECT 1");
  CHECK(statements[2].line == 5);
}

TEST_CASE("leading comments and blanks are skipped when finding a statement's line") {
  const auto statements = split_ok(
      "-- migration 001\n"
      "/* adds the email column\n"
      "   for the signup form */\n"
      "\n"
      "  ALTER TABLE users ADD COLUMN email text; -- nullable first\n"
      "/* then */ UPDATE users SET email = '' -- backfill\n"
      ";\n");
  REQUIRE(statements.size() == 2);
  CHECK(statements[0].sql == "ALTER TABLE users ADD COLUMN email text");
  CHECK(statements[0].line == 5);
  CHECK(statements[1].sql == "UPDATE users SET email = ''");
  CHECK(statements[1].line == 6);
}

TEST_CASE("a comment inside a statement stays in its text") {
  const auto statements = split_ok("SELECT 1 /* one */ + 2;");
  REQUIRE(statements.size() == 1);
  CHECK(statements[0].sql == "SELECT 1 /* one */ + 2");
}

TEST_CASE("dollar-quoted function bodies and DO blocks keep their inner semicolons") {
  const std::string function =
      "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\n"
      "BEGIN\n"
      "  NEW.updated_at := now();\n"
      "  RETURN NEW;\n"
      "END\n"
      "$$";
  const std::string block = "DO $body$ BEGIN RAISE NOTICE 'a;b'; END $body$";
  const auto statements = split_ok(function + ";\n" + block + ";\nSELECT 2;\n");
  REQUIRE(statements.size() == 3);
  CHECK(statements[0].sql == function);
  CHECK(statements[0].line == 1);
  CHECK(statements[1].sql == block);
  CHECK(statements[1].line == 7);
  CHECK(statements[2].sql == "SELECT 2");
  CHECK(statements[2].line == 8);
}

TEST_CASE("empty statements are dropped") {
  const auto statements = split_ok(";;\nSELECT 1;;\n;\nSELECT 2;\n;");
  REQUIRE(statements.size() == 2);
  CHECK(statements[0].sql == "SELECT 1");
  CHECK(statements[0].line == 2);
  CHECK(statements[1].sql == "SELECT 2");
  CHECK(statements[1].line == 4);
}

TEST_CASE("CRLF line endings count lines and leave no carriage return at a statement's end") {
  const auto statements = split_ok("SELECT 1;\r\n-- c\r\n  SELECT 2\r\n;\r\nSELECT\r\n3;\r\n");
  REQUIRE(statements.size() == 3);
  CHECK(statements[0].sql == "SELECT 1");
  CHECK(statements[0].line == 1);
  CHECK(statements[1].sql == "SELECT 2");
  CHECK(statements[1].line == 3);
  CHECK(statements[2].sql == "SELECT\r\n3");
  CHECK(statements[2].line == 5);
}

TEST_CASE("a file with only comments, or nothing, has no statements") {
  CHECK(split_ok("-- nothing yet\n/* really\n nothing */\n").empty());
  CHECK(split_ok("").empty());
  CHECK(split_ok("\n\n  \n").empty());
}

TEST_CASE("a syntax error names the file, the line and the token") {
  CHECK(split_error("CREATE TABLE a (x int);\n\nCREATE TABLEX b (y int);\n") ==
        "migrations/001.sql:3: syntax error at or near \"TABLEX\"");
}

TEST_CASE("the error line is right after multi-byte characters") {
  // PostgreSQL reports the position in characters; the line must still be found in bytes.
  CHECK(split_error("SELECT 'éé';\n-- ünïcödé\nSELEC 1;\n") ==
        "migrations/001.sql:3: syntax error at or near \"SELEC\"");
}

TEST_CASE("the error line is right with CRLF line endings") {
  CHECK(split_error("SELECT 1;\r\nSELECT 2;\r\nSELECT FROM WHERE;\r\n") ==
        "migrations/001.sql:3: syntax error at or near \"WHERE\"");
}

TEST_CASE("an unterminated string is reported where it starts") {
  CHECK(split_error("SELECT 1;\nSELECT 'abc;\n") ==
        "migrations/001.sql:2: unterminated quoted string at or near \"'abc;\n\"");
}

TEST_CASE("a psql meta-command is rejected with its name and line") {
  CHECK(split_error("SELECT 1;\n\\connect other_db\nSELECT 2;\n") ==
        "migrations/001.sql:2: psql meta-command \\connect is not supported in a migration");
  CHECK(split_error("\\set ON_ERROR_STOP on\nSELECT 1;\n") ==
        "migrations/001.sql:1: psql meta-command \\set is not supported in a migration");
}

TEST_CASE("a backslash inside a string, comment or function body is not a meta-command") {
  const auto statements = split_ok(
      "SELECT E'\\\\connect';\n"
      "-- \\connect in a comment\n"
      "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$\n"
      "\\connect\n"
      "$$;\n");
  REQUIRE(statements.size() == 2);
  CHECK(statements[0].sql == "SELECT E'\\\\connect'");
  CHECK(statements[1].line == 3);
}

TEST_CASE("a NUL byte in a script is an error, not a silent truncation") {
  CHECK(split_error(std::string_view("SELECT 1;\nSELECT\0 2;", 19)) ==
        "migrations/001.sql:2: NUL byte in the script");
}

TEST_CASE("multi-byte text before a statement does not shift its text or line") {
  const auto statements = split_ok("-- ünïcödé\nINSERT INTO t VALUES ('é');\nSELECT 'ü';");
  REQUIRE(statements.size() == 2);
  CHECK(statements[0].sql == "INSERT INTO t VALUES ('é')");
  CHECK(statements[0].line == 2);
  CHECK(statements[1].sql == "SELECT 'ü'");
  CHECK(statements[1].line == 3);
}
