#include "../../src/capture/log_message.h"

#include <catch2/catch.hpp>

using namespace pgshadow::capture;
using pgshadow::ParameterValue;

TEST_CASE("a simple-protocol statement line gives its SQL", "[log-message]") {
  const auto m = parse_log_message("statement: SELECT 1;\nSELECT 2");
  CHECK(m.kind == LogMessageKind::kStatement);
  CHECK(m.sql == "SELECT 1;\nSELECT 2");
  CHECK_FALSE(m.duration_ms);
}

TEST_CASE("execute lines give the statement name (empty when unnamed) and the SQL",
          "[log-message]") {
  auto m = parse_log_message("execute <unnamed>: SELECT $1");
  CHECK(m.kind == LogMessageKind::kExecute);
  CHECK(m.statement_name.empty());
  CHECK(m.sql == "SELECT $1");

  m = parse_log_message("execute S_1/C_2: SELECT a: b FROM t");
  CHECK(m.kind == LogMessageKind::kExecute);
  CHECK(m.statement_name == "S_1");
  CHECK(m.sql == "SELECT a: b FROM t");

  m = parse_log_message("execute fetch from <unnamed>/C_1: SELECT * FROM big");
  CHECK(m.kind == LogMessageKind::kExecuteFetch);
  CHECK(m.statement_name.empty());
  CHECK(m.sql == "SELECT * FROM big");
}

TEST_CASE("duration lines carry the duration and, unless bare, what it timed", "[log-message]") {
  auto m = parse_log_message("duration: 0.5 ms");
  CHECK(m.kind == LogMessageKind::kBareDuration);
  CHECK(*m.duration_ms == Approx(0.5));

  m = parse_log_message("duration: 1.5 ms  statement: SELECT 1");
  CHECK(m.kind == LogMessageKind::kStatement);
  CHECK(*m.duration_ms == Approx(1.5));
  CHECK(m.sql == "SELECT 1");

  m = parse_log_message("duration: 0.123 ms  parse <unnamed>: SELECT $1");
  CHECK(m.kind == LogMessageKind::kParse);
  m = parse_log_message("duration: 0.1 ms  bind P_0: BEGIN;");
  CHECK(m.kind == LogMessageKind::kBind);
  CHECK(m.statement_name == "P_0");
  m = parse_log_message("duration: 0.2 ms  execute P_0: BEGIN;");
  CHECK(m.kind == LogMessageKind::kExecute);
  CHECK(*m.duration_ms == Approx(0.2));
}

TEST_CASE("known non-statement lines are classified by kind", "[log-message]") {
  CHECK(parse_log_message("connection received: host=[local]").not_statement_kind == "connection");
  CHECK(parse_log_message("connection authorized: user=u database=d").not_statement_kind == "connection");
  CHECK(parse_log_message("disconnection: session time: 0:00:00.022").not_statement_kind ==
        "disconnection");
  CHECK(parse_log_message("checkpoint starting: time").not_statement_kind == "checkpoint");
  CHECK(parse_log_message("automatic vacuum of table \"d.public.t\": index scans: 0").not_statement_kind ==
        "autovacuum");
  CHECK(parse_log_message("database system is ready to accept connections").not_statement_kind ==
        "server_lifecycle");
  CHECK(parse_log_message("something new in PostgreSQL 99").kind == LogMessageKind::kUnrecognised);
  CHECK(parse_log_message("duration: fast").kind == LogMessageKind::kUnrecognised);
}

TEST_CASE("a parameters detail is unquoted: doubled quotes, NULL, newlines, commas, unicode",
          "[log-message]") {
  const auto values = parse_parameters_detail(
      "parameters: $1 = 'it''s', $2 = NULL, $3 = 'line1\nline2, with comma', $4 = 'héllo ✓', $5 = ''");
  REQUIRE(values);
  const std::vector<ParameterValue> expected{"it's", std::nullopt, "line1\nline2, with comma",
                                             "héllo ✓", ""};
  CHECK(*values == expected);
  CHECK(parse_parameters_detail("")->empty());
}

TEST_CASE("a parameters detail that breaks the grammar is rejected", "[log-message]") {
  CHECK_FALSE(parse_parameters_detail("parameters: $1 = 'open"));
  CHECK_FALSE(parse_parameters_detail("parameters: $2 = '1'"));  // numbering must start at $1
  CHECK_FALSE(parse_parameters_detail("parameters: $1 = 1"));
  CHECK_FALSE(parse_parameters_detail("prepare: PREPARE p AS SELECT 1"));
}
