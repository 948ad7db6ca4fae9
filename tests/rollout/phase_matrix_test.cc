#include <catch2/catch.hpp>

#include "pgshadow/rollout/matrix_report.h"
#include "pgshadow/rollout/phase_matrix.h"

namespace pgshadow::rollout {
namespace {

compare::ResultSignature success() {
  compare::ResultSignature s;
  s.command_verb = "SELECT";
  s.affected_rows = 1;
  s.row_count = 1;
  return s;
}

compare::ResultSignature failure(std::string sqlstate) {
  compare::ResultSignature s;
  s.succeeded = false;
  s.sqlstate = std::move(sqlstate);
  s.error_message = "column \"name\" does not exist";
  return s;
}

// One version's replay on a step's pair, statement by statement.
struct VersionReplay {
  judge::FindingsBook book;
  FailuresAfterStep failures;
  void compare(const std::string& fingerprint, DivergenceClass divergence, const compare::ResultSignature& baseline,
               const compare::ResultSignature& shadow, bool production_succeeded = true) {
    Event event;
    event.sql = "SELECT name FROM users WHERE id = 7";
    event.outcome.succeeded = production_succeeded;
    const sql::QueryShape shape{fingerprint, "SELECT name FROM users WHERE id = $1"};
    const replay::ComparedStatement statement{event, shape, divergence, baseline, shadow, std::nullopt, ""};
    book.on_compared(statement);
    failures.on_compared(statement);
  }
  Cell judge(AppVersion version, bool deployed) const { return judge_cell(version, deployed, book, failures); }
};

}  // namespace

TEST_CASE("the old application breaking while deployed is a breaking cell, and an expected one once retired", "[rollout]") {
  VersionReplay old_app;
  old_app.compare("a", DivergenceClass::kMatch, success(), success());
  old_app.compare("b", DivergenceClass::kErrorShadowOnly, success(), failure("42703"));
  const Cell deployed = old_app.judge(AppVersion::kOld, true);
  CHECK(deployed.verdict == CellVerdict::kBreaking);
  REQUIRE(deployed.findings.size() == 1);
  CHECK(deployed.findings[0].kind == "error_shadow_only");
  CHECK(deployed.findings[0].sqlstate == "42703");
  CHECK(deployed.findings[0].normalized == "SELECT name FROM users WHERE id = $1");
  CHECK(cell_word(deployed) == "BREAKING");

  const Cell retired = old_app.judge(AppVersion::kOld, false);
  CHECK(retired.verdict == CellVerdict::kExpected);
  CHECK(cell_word(retired) == "(expected)");
}

TEST_CASE("the new application failing only before its phase is counted, not weighed", "[rollout]") {
  VersionReplay new_app;
  new_app.compare("a", DivergenceClass::kErrorBaselineOnly, failure("42703"), success());
  new_app.compare("a", DivergenceClass::kErrorBaselineOnly, failure("42703"), success());
  new_app.compare("b", DivergenceClass::kMatch, success(), success());
  const Cell cell = new_app.judge(AppVersion::kNew, true);
  CHECK(cell.verdict == CellVerdict::kSafe);
  CHECK(cell.fail_before == 2);
  CHECK(cell.findings.empty());
  CHECK(cell.compared == 3);
}

TEST_CASE("a statement failing alike before and after the step, where production succeeded, breaks the cell",
          "[rollout]") {
  VersionReplay new_app;
  new_app.compare("a", DivergenceClass::kMatch, failure("42703"), failure("42703"));
  new_app.compare("b", DivergenceClass::kMatch, failure("25P02"), failure("25P02"));  // its transaction's root counts
  new_app.compare("c", DivergenceClass::kMatch, failure("23505"), failure("23505"), /*production_succeeded=*/false);
  const Cell cell = new_app.judge(AppVersion::kNew, true);
  CHECK(cell.verdict == CellVerdict::kBreaking);
  REQUIRE(cell.findings.size() == 1);
  CHECK(cell.findings[0].kind == "fails_after_step");
  CHECK(cell.findings[0].fingerprint == "a");
  CHECK(cell.findings[0].statements == 1);
  CHECK(new_app.judge(AppVersion::kNew, false).verdict == CellVerdict::kExpected);
}

TEST_CASE("a check passes on no row or one falsy value and shows any other value", "[rollout]") {
  std::string value;
  CHECK(judge_check_rows({}, value) == CheckOutcome::State::kPassed);
  for (const char* falsy : {"0", "f", "false", ""}) {
    CHECK(judge_check_rows({{std::string(falsy)}}, value) == CheckOutcome::State::kPassed);
  }
  CHECK(judge_check_rows({{std::nullopt}}, value) == CheckOutcome::State::kPassed);
  CHECK(judge_check_rows({{std::string("17")}}, value) == CheckOutcome::State::kFailed);
  CHECK(value == "17");
  CHECK(judge_check_rows({{std::string("1"), std::string("2")}}, value) == CheckOutcome::State::kFailed);
  CHECK(value == "1 row(s) of 2 column(s), first value 1");
  CHECK(judge_check_rows({{std::string("0")}, {std::string("0")}}, value) == CheckOutcome::State::kFailed);
  CHECK(value == "2+ row(s) of 1 column(s), first value 0");
}

TEST_CASE("the plan's verdict weighs deployed cells, failed migrations and failed checks only", "[rollout]") {
  PhaseMatrix matrix;
  MatrixRow expand;
  expand.step = "expand";
  Cell safe_old;
  safe_old.verdict = CellVerdict::kSafe;
  safe_old.deployed = true;
  Cell idle_new;
  idle_new.version = AppVersion::kNew;
  idle_new.verdict = CellVerdict::kExpected;
  expand.cells = {safe_old, idle_new};
  matrix.rows.push_back(expand);
  decide(matrix);
  CHECK(matrix.verdict == Verdict::kSafe);
  CHECK(exit_code_for(matrix) == ExitCode::kSafe);

  MatrixRow backfill;
  backfill.step = "backfill";
  backfill.cells = {safe_old};
  CheckOutcome incomplete;
  incomplete.name = "complete";
  incomplete.state = CheckOutcome::State::kFailed;
  incomplete.value = "12";
  backfill.checks.push_back(incomplete);
  matrix.rows.push_back(backfill);
  decide(matrix);
  CHECK(matrix.verdict == Verdict::kBreaking);
  CHECK(exit_code_for(matrix) == ExitCode::kBreaking);
  CHECK(matrix.reasons == std::vector<std::string>{"backfill: check 'complete' failed (12)"});

  MatrixRow contract;
  contract.step = "contract";
  Cell not_run = cell_not_run(AppVersion::kOld, true, "an earlier step's migration failed");
  contract.cells = {not_run};
  matrix.rows = {expand, contract};
  decide(matrix);
  CHECK(matrix.verdict == Verdict::kSafe);
  CHECK(matrix.incomplete);
  CHECK(exit_code_for(matrix) == ExitCode::kInfrastructure);
}

TEST_CASE("the JSON report has a row per step and a cell per version", "[rollout]") {
  PhaseMatrix matrix;
  matrix.plan_file = "deploy.yaml";
  MatrixRow row;
  row.step = "contract";
  row.migrations = {"003_drop_name.sql"};
  row.deployed = {AppVersion::kNew};
  VersionReplay old_app;
  old_app.compare("b", DivergenceClass::kErrorShadowOnly, success(), failure("42703"));
  row.cells = {old_app.judge(AppVersion::kOld, false), VersionReplay().judge(AppVersion::kNew, true)};
  matrix.rows.push_back(row);
  decide(matrix);
  const std::string json = render_matrix_json(matrix, {"rename", "2026-12-01T00:00:00Z", "15.8"});
  CHECK(json.find("\"format\": \"pgshadow-rollout\"") != std::string::npos);
  CHECK(json.find("\"verdict\": \"expected\"") != std::string::npos);
  CHECK(json.find("\"kind\": \"error_shadow_only\"") != std::string::npos);
  CHECK(json.find("id = 7") == std::string::npos);  // no literal of the traffic
  const std::string summary = render_matrix_summary(matrix, {"rename", "", ""});
  CHECK(summary.find("ROLLOUT: SAFE") == 0);
  CHECK(summary.find("contract / old: expected (not deployed)\n") != std::string::npos);
}

TEST_CASE("the summary's version columns stay apart however long a cell's text runs", "[rollout]") {
  PhaseMatrix matrix;
  MatrixRow row;
  row.step = "switch-reads";
  row.new_share = 0.3;
  Cell old_cell;
  old_cell.verdict = CellVerdict::kSafe;
  old_cell.deployed = true;
  old_cell.outside_share = 24;
  Cell new_cell = old_cell;
  new_cell.version = AppVersion::kNew;
  new_cell.outside_share = 48;
  row.cells = {old_cell, new_cell};
  matrix.rows.push_back(row);
  decide(matrix);
  const std::string summary = render_matrix_summary(matrix, {"", "", ""});
  INFO(summary);
  CHECK(summary.find("switch-reads (30% new)") != std::string::npos);
  CHECK(summary.find("safe, 24 outside the share  safe, 48 outside the share\n") != std::string::npos);
  // The header's "new" starts where the new version's cells do.
  const std::size_t header = summary.find("  step");
  const std::size_t header_new = summary.find("new\n", header) - header;
  const std::size_t line = summary.find("  switch-reads");
  CHECK(summary.find("safe, 48", line) - line == header_new);
}

}  // namespace pgshadow::rollout
