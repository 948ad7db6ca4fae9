#pragma once
// The phase matrix of a rolling deploy: one row per plan step (each phase, then the rollback),
// one cell per application version, each cell the verdict of that version's traffic replayed on
// the step's pair of databases (baseline: the state before the step; shadow: after it), plus
// the step's data checks and the plan's verdict.
//
// How a cell is judged (judge_cell): the version's statements are compared baseline against
// shadow as `verify` compares them, with two rollout rules on top.
//  - A statement that fails only *before* the step (error_baseline_only) is expected: new code
//    needs the expanded schema, old code after a rollback needs the restored one. It is counted,
//    never weighed.
//  - A statement that fails *after* the step where production ran it successfully is breaking,
//    also when it failed before the step too (both sides fail alike, so the comparison alone
//    calls it a match): the version does not work on the schema of the step.
// A version deployed during the step gets that verdict. A version not deployed during it (new
// code before its phase, old code after it is retired) cannot break production there: a cell
// that would be breaking or review is `expected` instead, and does not weigh in the plan.
//
// Plain values, not thread-safe.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pgshadow/core/verdict.h"
#include "pgshadow/judge/findings.h"
#include "pgshadow/replay/replay.h"
#include "pgshadow/rollout/deploy_plan.h"

namespace pgshadow::rollout {

// Counts what the comparison alone does not show: statements that fail on the shadow where
// production succeeded (consequences and "transaction aborted" errors aside: their root is
// counted), by shape. A ReplayObserver beside the version's FindingsBook.
class FailuresAfterStep final : public replay::ReplayObserver {
 public:
  struct Shape {
    std::string normalized;
    std::uint64_t statements = 0;
    std::map<std::string, std::uint64_t> sqlstates;
  };
  void on_compared(const replay::ComparedStatement& statement) override;
  void on_skipped(const Event&, const std::string&) override {}
  void on_failed(const Event&, const std::string&) override {}
  const std::map<std::string, Shape>& by_fingerprint() const { return shapes_; }

 private:
  std::map<std::string, Shape> shapes_;
};

enum class CellVerdict { kSafe, kReview, kBreaking, kExpected, kNotRun };
std::string_view to_string(CellVerdict verdict);  // "safe", "review", "breaking", "expected", "not_run"

// What weighs in a cell: one class of one shape.
struct CellFinding {
  std::string fingerprint;
  std::string normalized;
  std::string kind;  // a divergence class name, or "fails_after_step" (both sides fail alike)
  Severity severity = Severity::kNone;
  std::uint64_t statements = 0;
  std::string sqlstate;     // the first shadow error's, when the shadow failed
  std::string explanation;  // no literals
};

struct Cell {
  AppVersion version = AppVersion::kOld;
  bool deployed = false;
  CellVerdict verdict = CellVerdict::kNotRun;
  std::vector<CellFinding> findings;  // breaking first, then review; by statements
  std::uint64_t compared = 0;
  std::uint64_t skipped = 0;
  std::uint64_t failed = 0;          // could not be replayed
  std::uint64_t fail_before = 0;     // statements failing only before the step: expected
  std::uint64_t outside_share = 0;   // statements of sessions the step's share left out
  std::string not_run_reason;        // for kNotRun
  // What the baseline side of the cell's pair held: "before" the step (the version ran before
  // it: what the step changes for it is compared), or "after" it too (it did not: only what
  // fails after the step, where production succeeded, counts).
  std::string compared_with;
};

// `book` and `failures` saw the version's replay on the step's pair.
Cell judge_cell(AppVersion version, bool deployed, const judge::FindingsBook& book, const FailuresAfterStep& failures);
Cell cell_not_run(AppVersion version, bool deployed, std::string reason);

struct CheckOutcome {
  enum class State { kPassed, kFailed, kError };
  std::string name;
  std::string kind = "query";  // "query" (the plan's), or "rows_preserved" (the rollback's own)
  std::string where;           // deploy.yaml:LINE, for the plan's checks
  State state = State::kPassed;
  std::string value;    // what the query returned (failed), or the server's error (error)
  std::string detail;   // rows_preserved: which tables lost rows
};
std::string_view to_string(CheckOutcome::State state);  // "passed", "failed", "error"

// What a check query returned, judged: no row, or one row of one falsy value (0, false, NULL,
// empty) passes. `rows` is at most the first two rows.
CheckOutcome::State judge_check_rows(const std::vector<std::vector<std::optional<std::string>>>& rows,
                                     std::string& value);

struct MatrixRow {
  std::string step;  // phase name, or "rollback"
  bool is_rollback = false;
  std::string after;  // rollback: the phase it starts from
  std::vector<std::string> migrations;  // as the plan names them
  std::vector<AppVersion> deployed;
  std::optional<double> new_share;  // the plan's share: {new: ...}, as a fraction
  std::optional<judge::MigrationFinding> migration_failure;
  std::vector<Cell> cells;  // one per version, old then new
  std::vector<CheckOutcome> checks;
};

struct PhaseMatrix {
  std::string plan_file;
  std::vector<MatrixRow> rows;
  Verdict verdict = Verdict::kSafe;
  bool incomplete = false;      // a statement could not be replayed, or a step was not run
  bool check_error = false;     // a check query could not run: the plan's mistake
  std::vector<std::string> reasons;  // why the verdict, most important first
};

// The plan's verdict over the rows: the heaviest deployed cell, a failed migration and a failed
// check are breaking.
void decide(PhaseMatrix& matrix);

// Exit status (design.md): 1 breaking (or review with fail_on review), else 0; 2 when a check
// could not run; 3 when the matrix is incomplete.
ExitCode exit_code_for(const PhaseMatrix& matrix, Verdict fail_on = Verdict::kBreaking);

}  // namespace pgshadow::rollout
