// A plain-SQL baseline holds only what psql runs as SQL: no meta-command gets through, however
// it is hidden, and pg_dump's own output passes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "pgshadow/sql/psql_script.h"

using pgshadow::ErrorKind;
using pgshadow::sql::read_psql_script;
using pgshadow::sql::ScriptStatement;

namespace {

std::vector<ScriptStatement> read_ok(std::string_view text) {
  auto result = read_psql_script(text, "baseline.sql");
  if (!result.ok()) FAIL(result.error().message);
  return std::move(result).value();
}

std::string read_error(std::string_view text) {
  auto result = read_psql_script(text, "baseline.sql");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::kBadInput);
  return result.error().message;
}

}  // namespace

TEST_CASE("a shell escape in a plain-SQL baseline is refused with file:line") {
  CHECK(read_error("CREATE TABLE t (id int);\n\\! touch /tmp/owned\n") ==
        "baseline.sql:2: psql meta-command \\! is not allowed in a plain-SQL baseline (psql would run it)");
  CHECK(read_error("SELECT 1; \\copy t to '/tmp/x'\n") ==
        "baseline.sql:1: psql meta-command \\copy is not allowed in a plain-SQL baseline (psql would run it)");
  CHECK(read_error("SELECT 1 \\gexec\n") ==
        "baseline.sql:1: psql meta-command \\gexec is not allowed in a plain-SQL baseline (psql would run it)");
}

TEST_CASE("pg_dump's plain output passes: COPY data with backslashes and quotes, \\restrict lines") {
  const auto statements = read_ok(
      "\\restrict qtNbKlaFM6bmYYxYPSZoD7I1wrkbuDTNi8X3nPqxD\n"
      "SET standard_conforming_strings = on;\n"
      "SET client_encoding = 'UTF8';\n"
      "CREATE TABLE public.t (a integer, b text);\n"
      "COPY public.t (a, b) FROM stdin;\n"
      "1\tx\\\\y\n"
      "2\tq'r\n"
      "3\t\\N\n"
      "\\.\n"
      "\n"
      "GRANT SELECT ON TABLE public.t TO app_ro;\n"
      "\\unrestrict qtNbKlaFM6bmYYxYPSZoD7I1wrkbuDTNi8X3nPqxD\n");
  REQUIRE(statements.size() == 5);
  CHECK(statements[3].sql == "COPY public.t (a, b) FROM stdin");
  CHECK(statements[3].line == 5);
  CHECK(statements[4].sql == "GRANT SELECT ON TABLE public.t TO app_ro");
  CHECK(statements[4].line == 11);
}

TEST_CASE("a meta-command after COPY data is still found") {
  CHECK(read_error("COPY t FROM stdin;\n1\n\\.\n\\! id\n") ==
        "baseline.sql:4: psql meta-command \\! is not allowed in a plain-SQL baseline (psql would run it)");
}

TEST_CASE("COPY words inside a string are not taken for COPY data") {
  // The string spans a line ending in "stdin;" and a line "\." : psql reads it all as one literal,
  // and the meta-command after it is code.
  CHECK(read_error("SELECT 'a\nCOPY t FROM stdin;\n\\.\n';\n\\! id\n") ==
        "baseline.sql:5: psql meta-command \\! is not allowed in a plain-SQL baseline (psql would run it)");
  const auto statements = read_ok("SELECT 'x FROM stdin;\n\\.\n';\nSELECT 2;\n");
  REQUIRE(statements.size() == 2);
  CHECK(statements[1].line == 4);
}

TEST_CASE("a backslash inside literals, identifiers, dollar quotes and comments is not a meta-command") {
  const auto statements = read_ok(
      "SELECT 'a\\! b', E'\\\\! c', \"col\\!\" FROM t; -- \\! not run\n"
      "/* \\! nor this */ SELECT $$ \\! $$;\n");
  CHECK(statements.size() == 2);
}

TEST_CASE("an E-string cannot hide a meta-command from the check") {
  // In E'...' a backslash escapes the quote: the string ends at the last quote, and \! is inside it.
  read_ok("SELECT E'it\\'s \\! fine';\n");
  // Without E, the string ends at \' and what follows is code.
  CHECK(read_error("SELECT 'it\\' \\! id '';\n") ==
        "baseline.sql:1: psql meta-command \\! is not allowed in a plain-SQL baseline (psql would run it)");
}

TEST_CASE("settings that change how psql reads the rest of the file are refused") {
  CHECK(read_error("SELECT 1;\nSET standard_conforming_strings = off;\nSELECT 2;\n") ==
        "baseline.sql:2: standard_conforming_strings may only be set to on in a plain-SQL baseline (psql would "
        "read the backslashes of the rest of the file differently)");
  CHECK_THAT(read_error("SELECT set_config('standard_conforming_strings', 'off', false);\n"),
             Catch::StartsWith("baseline.sql:1: standard_conforming_strings may only be set to on"));
  CHECK_THAT(read_error("SET client_encoding TO 'SJIS';\n"),
             Catch::StartsWith("baseline.sql:1: client_encoding may only be set to a server encoding"));
  CHECK_THAT(read_error("SET client_encoding = 'Shift_JIS';\n"),
             Catch::StartsWith("baseline.sql:1: client_encoding may only be set to a server encoding"));
  read_ok("SET client_encoding = 'LATIN1';\nSET standard_conforming_strings TO true;\n");
}

TEST_CASE("statements after COPY FROM stdin on its line run after its data, as psql runs them") {
  const auto statements = read_ok("COPY t FROM stdin; SELECT 1;\n1\n\\.\nSELECT 2;\n");
  REQUIRE(statements.size() == 3);
  CHECK(statements[2].line == 4);
}

TEST_CASE("a COPY FROM stdin whose data does not follow its line is refused") {
  // psql would read "SELECT 1;" as the COPY's data.
  CHECK(read_error("COPY t FROM stdin\n;\nSELECT 1;\n") ==
        "baseline.sql:1: COPY ... FROM stdin must end its line with the semicolon, its data on the lines that "
        "follow, up to a line \\. (as pg_dump writes it)");
}
