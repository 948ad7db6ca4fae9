// Reads the csvlog files a real PostgreSQL 15 wrote (tests/data/capture/record.sh) and checks
// every event against what the workload did. The same workload was logged three ways, so the
// three files must give the same statements, outcomes and parameters.
#include <map>

#include <catch2/catch.hpp>

#include "../../src/capture/timestamp.h"
#include "capture_test_support.h"

using namespace pgshadow;
using namespace pgshadow::capture;
using namespace pgshadow::capture::testing;

namespace {

void check_workload_events(const std::vector<Event>& events) {
  REQUIRE(events.size() == 149);

  // The psql session: simple protocol, in the order psql sent them, failures where they failed.
  const struct {
    const char* sql;
    const char* sqlstate;  // empty: succeeded
  } psql[] = {
      {"INSERT INTO capture_t (id, v) VALUES (1, 'it''s'), (2, 'héllo ✓');", ""},
      {"SELECT id,\n       v\n  FROM capture_t\n WHERE v LIKE 'it''s%';", ""},
      {"SELECT nosuchcolumn FROM capture_t;", "42703"},
      {"BEGIN;", ""},
      {"UPDATE capture_t SET v = 'two' WHERE id = 2;", ""},
      {"SELECT 1 / 0;", "22012"},
      {"SELECT 1;", "25P02"},
      {"ROLLBACK;", ""},
      {"SELECT count(*) FROM capture_t; SELECT 'a,b' AS \"quoted \"\"name\"\"\"", ""},
  };
  for (std::size_t i = 0; i < std::size(psql); ++i) {
    INFO("event " << i);
    CHECK(events[i].sql == psql[i].sql);
    CHECK(events[i].protocol == Protocol::kSimple);
    CHECK(events[i].parameters.empty());
    CHECK(events[i].user == "postgres");
    CHECK(events[i].database == "shop");
    CHECK(events[i].application == "psql");
    CHECK(events[i].outcome.succeeded == (*psql[i].sqlstate == '\0'));
    CHECK(events[i].outcome.sqlstate == psql[i].sqlstate);
  }
  CHECK(events[0].session_id == events[7].session_id);
  CHECK(events[7].session_id != events[8].session_id);

  // The libpq client: extended protocol with hard parameters, a named statement, two failures.
  const Event* client = &events[9];
  for (int i = 0; i < 7; ++i) {
    CHECK(client[i].application == "extended_client");
    CHECK(client[i].protocol == Protocol::kExtended);
  }
  CHECK(client[0].sql == "SELECT $1::text AS quoted, $2::text AS missing");
  CHECK(client[0].parameters == std::vector<ParameterValue>{"it's", std::nullopt});
  CHECK(client[1].parameters == std::vector<ParameterValue>{"line1\nline2, with comma"});
  CHECK(client[2].sql == "INSERT INTO capture_t (id, v) VALUES (100, $1)");
  CHECK(client[2].parameters == std::vector<ParameterValue>{"héllo ✓ 日本"});
  CHECK(client[3].statement_name == "by_id");
  CHECK(client[3].parameters == std::vector<ParameterValue>{"1"});
  CHECK(client[4].statement_name == "by_id");
  CHECK(client[4].parameters == std::vector<ParameterValue>{"2"});
  // Failed in Execute: the parameters come from the execute line, or the bind line before it.
  CHECK(client[5].sql == "SELECT id / $1::int FROM capture_t");
  CHECK(client[5].parameters == std::vector<ParameterValue>{"0"});
  CHECK(client[5].outcome.sqlstate == "22012");
  // Failed in Bind: only the ERROR record knows it, and it has no parameters.
  CHECK(client[6].sql == "SELECT $1 + 1");
  CHECK(client[6].parameters.empty());
  CHECK(client[6].outcome.sqlstate == "22P02");
  for (int i = 0; i < 5; ++i) CHECK(client[i].outcome.succeeded);

  // pgbench: 3 transactions of 7 statements on 2 clients per mode, plus 6 startup queries.
  std::map<std::string, int> pgbench;
  for (const Event& e : events) {
    if (e.application != "pgbench") continue;
    CHECK(e.outcome.succeeded);
    const bool named = !e.statement_name.empty();
    ++pgbench[e.protocol == Protocol::kSimple ? "simple" : named ? "prepared" : "extended"];
    if (e.protocol == Protocol::kExtended && e.sql.starts_with("SELECT abalance")) {
      CHECK(e.parameters.size() == 1);
    }
  }
  CHECK(pgbench == std::map<std::string, int>{{"simple", 48}, {"extended", 42}, {"prepared", 42}});
  CHECK(events.back().sql == "DELETE FROM capture_t");
}

void check_not_statements(const InputAccounting& a, bool with_parse_and_bind) {
  std::map<std::string, std::uint64_t> expected{
      {"checkpoint", 2}, {"connection", 26}, {"disconnection", 13}, {"server_lifecycle", 10}};
  if (with_parse_and_bind) {
    expected["parse"] = 62;
    expected["bind"] = 90;
  }
  CHECK(a.not_statement_by_kind == expected);
}

}  // namespace

TEST_CASE("csvlog with log_statement=all: statements, parameters and errors", "[csvlog][recorded]") {
  const ReadAll all = read_all({data_path("statement_all.csv")});
  check_workload_events(all.events);
  CHECK(all.problem_total == 0);
  check_accounting_invariant(all);
  // 204 records: 148 statement lines, 4 ERROR records of logged statements, 1 ERROR record that
  // is an event by itself (a Bind failure, never logged as a statement), 51 others.
  CHECK(all.accounting.lines_read == 204);
  CHECK(all.accounting.lines_in_events == 153);
  check_not_statements(all.accounting, false);
  for (const Event& e : all.events) CHECK_FALSE(e.duration_ms);
  CHECK(all.events[0].source.to_string() == data_path("statement_all.csv") + ":8");
  CHECK(all.events[1].source.line == 9);  // the multi-line statement spans lines 9-12
  CHECK(all.events[2].source.line == 13);
}

TEST_CASE("csvlog with log_min_duration_statement=0 alone: events from duration and error lines",
          "[csvlog][recorded]") {
  const ReadAll all = read_all({data_path("duration_only.csv")});
  check_workload_events(all.events);
  CHECK(all.problem_total == 0);
  check_accounting_invariant(all);
  CHECK(all.accounting.lines_read == 352);
  CHECK(all.accounting.lines_in_events == 149);  // one line per event: duration or ERROR
  check_not_statements(all.accounting, true);

  // Logged when it finished: start = log_time - duration.
  const Event& insert = all.events[0];
  REQUIRE(insert.duration_ms);
  CHECK(*insert.duration_ms == Approx(2.94));
  CHECK(insert.start_us == *parse_log_time("2026-11-23 11:23:18.000 UTC") - 2940);
  // A failed statement has no duration line; it comes from the ERROR record at its log_time.
  CHECK_FALSE(all.events[2].duration_ms);
  CHECK(all.events[2].sql == "SELECT nosuchcolumn FROM capture_t;");
  for (const Event& e : all.events) CHECK(e.duration_ms.has_value() == e.outcome.succeeded);
}

TEST_CASE("csvlog with both settings: the bare duration line completes the statement line",
          "[csvlog][recorded]") {
  const ReadAll all = read_all({data_path("statement_and_duration.csv")});
  check_workload_events(all.events);
  CHECK(all.problem_total == 0);
  check_accounting_invariant(all);
  CHECK(all.accounting.lines_read == 500);
  // statement + duration for the 144 that succeeded, statement + ERROR for 4, ERROR alone for
  // the Bind failure.
  CHECK(all.accounting.lines_in_events == 297);
  check_not_statements(all.accounting, true);

  const Event& insert = all.events[0];
  REQUIRE(insert.duration_ms);
  CHECK(*insert.duration_ms == Approx(3.093));
  CHECK(insert.start_us == *parse_log_time("2026-11-23 11:23:19.018 UTC"));
  CHECK(*all.events[9].duration_ms == Approx(0.041));  // the Execute's, not Parse's or Bind's
  for (const Event& e : all.events) CHECK(e.duration_ms.has_value() == e.outcome.succeeded);
}

TEST_CASE("rotated csvlog files are read in time order and a session continues across them",
          "[csvlog][recorded]") {
  const std::string dir = data_path("rotated");
  const ReadAll all = read_all({dir});
  CHECK(all.description == "csvlog: 2 files in " + dir);
  REQUIRE(all.events.size() == 4);
  CHECK(all.events[0].sql == "SELECT 'before rotation';");
  CHECK(all.events[0].source.to_string() == dir + "/part-b.csv:8");
  // Logged in part-b, failed in part-a (after pg_rotate_logfile took effect).
  CHECK(all.events[2].sql == "SELECT pg_rotate_logfile(), pg_sleep(0.5), 1 / (random() * 0)::int;");
  CHECK(all.events[2].source.file == dir + "/part-b.csv");
  CHECK_FALSE(all.events[2].outcome.succeeded);
  CHECK(all.events[2].outcome.sqlstate == "22012");
  CHECK(all.events[3].sql == "SELECT 'after rotation';");
  CHECK(all.events[3].source.to_string() == dir + "/part-a.csv:2");
  CHECK(all.events[3].session_id == all.events[0].session_id);
  // log_timezone 'Etc/GMT-3' prints "+03": times are converted to UTC.
  CHECK(all.events[0].start_us == *parse_log_time("2026-11-23 11:23:20.071 UTC"));
  CHECK(all.problem_total == 0);
  check_accounting_invariant(all);
  CHECK(all.accounting.lines_read == 20);
}

TEST_CASE("several inputs merge by start time with one gapless sequence", "[csvlog][recorded]") {
  // duration_only.csv was recorded after statement_all.csv: name it first, it still comes last.
  const ReadAll all = read_all({data_path("duration_only.csv"), data_path("statement_all.csv")});
  REQUIRE(all.events.size() == 298);
  CHECK(all.events[0].source.file == data_path("statement_all.csv"));
  CHECK(all.events[148].source.file == data_path("statement_all.csv"));
  CHECK(all.events[149].source.file == data_path("duration_only.csv"));
  check_accounting_invariant(all);
  CHECK(all.accounting.lines_read == 204 + 352);
}
