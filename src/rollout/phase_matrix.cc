#include "pgshadow/rollout/phase_matrix.h"

#include <algorithm>

namespace pgshadow::rollout {
namespace {

// An error that only says an earlier statement of the transaction failed: that one is counted.
constexpr const char* kInFailedTransaction = "25P02";

int weight(Severity severity) {
  switch (severity) {
    case Severity::kNone: return 0;
    case Severity::kReview: return 1;
    case Severity::kBreaking: return 2;
  }
  return 0;
}

std::string first_shadow_error(const judge::ShapeFindings& shape) {
  if (shape.first_divergence && !shape.first_divergence->shadow.succeeded) return shape.first_divergence->shadow.sqlstate;
  return shape.shadow_errors.empty() ? std::string() : shape.shadow_errors.begin()->first;
}

// The comparison's findings, with error_baseline_only counted apart (expected: see the header).
void add_compared_findings(const judge::FindingsBook& book, Cell& cell) {
  const SeverityPolicy& policy = book.settings().severities;
  for (const judge::ShapeFindings* shape : book.shapes_by_importance()) {
    for (const auto& [divergence, statements] : shape->classes) {
      if (divergence == DivergenceClass::kErrorBaselineOnly) {
        cell.fail_before += statements;
        continue;
      }
      const Severity severity = severity_of(divergence, policy);
      if (statements == 0 || severity == Severity::kNone) continue;
      CellFinding finding;
      finding.fingerprint = shape->fingerprint;
      finding.normalized = shape->normalized;
      finding.kind = std::string(to_string(divergence));
      finding.severity = severity;
      finding.statements = statements;
      finding.sqlstate = first_shadow_error(*shape);
      if (shape->first_divergence && shape->first_divergence->divergence == divergence) {
        finding.explanation = shape->first_divergence->explanation;
      }
      cell.findings.push_back(std::move(finding));
    }
  }
}

// Statements failing on both sides alike where production succeeded: no comparison finding
// shows them (the shapes already found breaking on the shadow are not counted twice).
void add_failures_after_step(const FailuresAfterStep& failures, Cell& cell) {
  for (const auto& entry : failures.by_fingerprint()) {
    // Named, not a structured binding: lambdas capture these (Clang 14 cannot capture a binding).
    const std::string& fingerprint = entry.first;
    const FailuresAfterStep::Shape& shape = entry.second;
    const bool found = std::any_of(cell.findings.begin(), cell.findings.end(), [&](const CellFinding& f) {
      return f.fingerprint == fingerprint && f.severity == Severity::kBreaking;
    });
    if (found) continue;
    CellFinding finding;
    finding.fingerprint = fingerprint;
    finding.normalized = shape.normalized;
    finding.kind = "fails_after_step";
    finding.severity = Severity::kBreaking;
    finding.statements = shape.statements;
    finding.sqlstate = shape.sqlstates.begin()->first;
    finding.explanation = "fails with " + finding.sqlstate + " after the step (and before it too); production ran it successfully";
    // The comparison's lesser finding of the shape (error_changed: both failed, differently)
    // says less than this one.
    std::erase_if(cell.findings, [&](const CellFinding& f) { return f.fingerprint == fingerprint; });
    cell.findings.push_back(std::move(finding));
  }
}

}  // namespace

void FailuresAfterStep::on_compared(const replay::ComparedStatement& statement) {
  if (statement.shadow.succeeded || !statement.event.outcome.succeeded || statement.as_production_error) return;
  if (statement.divergence == DivergenceClass::kConsequence || statement.shadow.sqlstate == kInFailedTransaction) return;
  // error_shadow_only is the comparison's own finding; only failures on both sides are added.
  if (statement.baseline.succeeded) return;
  Shape& shape = shapes_[statement.shape.fingerprint];
  shape.normalized = statement.shape.normalized;
  ++shape.statements;
  ++shape.sqlstates[statement.shadow.sqlstate];
}

std::string_view to_string(CellVerdict verdict) {
  switch (verdict) {
    case CellVerdict::kSafe: return "safe";
    case CellVerdict::kReview: return "review";
    case CellVerdict::kBreaking: return "breaking";
    case CellVerdict::kExpected: return "expected";
    case CellVerdict::kNotRun: return "not_run";
  }
  return "not_run";
}

std::string_view to_string(CheckOutcome::State state) {
  switch (state) {
    case CheckOutcome::State::kPassed: return "passed";
    case CheckOutcome::State::kFailed: return "failed";
    case CheckOutcome::State::kError: return "error";
  }
  return "error";
}

Cell judge_cell(AppVersion version, bool deployed, const judge::FindingsBook& book, const FailuresAfterStep& failures) {
  Cell cell;
  cell.version = version;
  cell.deployed = deployed;
  const judge::Accounting& accounting = book.accounting();
  cell.compared = accounting.compared;
  cell.skipped = accounting.skipped;
  cell.failed = accounting.failed;
  add_compared_findings(book, cell);
  add_failures_after_step(failures, cell);
  std::stable_sort(cell.findings.begin(), cell.findings.end(), [](const CellFinding& a, const CellFinding& b) {
    if (weight(a.severity) != weight(b.severity)) return weight(a.severity) > weight(b.severity);
    return a.statements > b.statements;
  });
  const Severity heaviest = cell.findings.empty() ? Severity::kNone : cell.findings.front().severity;
  if (heaviest == Severity::kNone) {
    cell.verdict = CellVerdict::kSafe;
  } else if (!deployed) {
    cell.verdict = CellVerdict::kExpected;
  } else {
    cell.verdict = heaviest == Severity::kBreaking ? CellVerdict::kBreaking : CellVerdict::kReview;
  }
  return cell;
}

Cell cell_not_run(AppVersion version, bool deployed, std::string reason) {
  Cell cell;
  cell.version = version;
  cell.deployed = deployed;
  cell.verdict = CellVerdict::kNotRun;
  cell.not_run_reason = std::move(reason);
  return cell;
}

CheckOutcome::State judge_check_rows(const std::vector<std::vector<std::optional<std::string>>>& rows,
                                     std::string& value) {
  value.clear();
  if (rows.empty()) return CheckOutcome::State::kPassed;
  const auto shown = [](const std::optional<std::string>& v) { return v ? *v : std::string("NULL"); };
  if (rows.size() > 1 || rows.front().size() != 1) {
    value = std::to_string(rows.size()) + (rows.size() > 1 ? "+" : "") + " row(s) of " + std::to_string(rows.front().size()) +
            " column(s), first value " + (rows.front().empty() ? std::string("none") : shown(rows.front().front()));
    return CheckOutcome::State::kFailed;
  }
  const std::optional<std::string>& only = rows.front().front();
  value = shown(only);
  const bool falsy = !only || only->empty() || *only == "0" || *only == "f" || *only == "false";
  return falsy ? CheckOutcome::State::kPassed : CheckOutcome::State::kFailed;
}

void decide(PhaseMatrix& matrix) {
  matrix.verdict = Verdict::kSafe;
  std::vector<std::string> breaking;  // reasons, breaking ones first, each kind in plan order
  std::vector<std::string> others;
  const auto raise = [&](Verdict verdict, std::string reason) {
    if (static_cast<int>(verdict) > static_cast<int>(matrix.verdict)) matrix.verdict = verdict;
    (verdict == Verdict::kBreaking ? breaking : others).push_back(std::move(reason));
  };
  for (const MatrixRow& row : matrix.rows) {
    if (row.migration_failure) {
      raise(Verdict::kBreaking, row.step + ": the migration fails (" + row.migration_failure->failure.file + ":" +
                               std::to_string(row.migration_failure->failure.line) + ", " +
                               row.migration_failure->failure.sqlstate + ")");
    }
    for (const Cell& cell : row.cells) {
      if (cell.verdict == CellVerdict::kNotRun && cell.deployed) matrix.incomplete = true;
      if (cell.failed > 0) matrix.incomplete = true;
      if (!cell.deployed) continue;
      const std::string who = std::string(to_string(cell.version)) + " application";
      if (cell.verdict == CellVerdict::kBreaking) {
        raise(Verdict::kBreaking, row.step + ": the " + who + " breaks while deployed (" +
                                 std::to_string(cell.findings.size()) + " finding" +
                                 (cell.findings.size() == 1 ? "" : "s") + ")");
      } else if (cell.verdict == CellVerdict::kReview) {
        raise(Verdict::kReview, row.step + ": the " + who + "'s results changed in a way to review");
      }
    }
    for (const CheckOutcome& check : row.checks) {
      if (check.state == CheckOutcome::State::kFailed) {
        raise(Verdict::kBreaking, row.step + ": check '" + check.name + "' failed (" + check.value + ")");
      } else if (check.state == CheckOutcome::State::kError) {
        matrix.check_error = true;
        others.push_back(row.step + ": check '" + check.name + "' could not run: " + check.value);
      }
    }
  }
  matrix.reasons = std::move(breaking);
  matrix.reasons.insert(matrix.reasons.end(), others.begin(), others.end());
}

ExitCode exit_code_for(const PhaseMatrix& matrix, Verdict fail_on) {
  if (matrix.check_error) return ExitCode::kBadInput;
  const ExitCode gate = pgshadow::exit_code_for(matrix.verdict, fail_on);
  if (gate == ExitCode::kBreaking) return gate;
  return matrix.incomplete ? ExitCode::kInfrastructure : gate;
}

}  // namespace pgshadow::rollout
