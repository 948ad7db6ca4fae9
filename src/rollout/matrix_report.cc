#include "pgshadow/rollout/matrix_report.h"

#include "pgshadow/rollout/matrix_words.h"
#include "pgshadow/util/ascii_case.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace pgshadow::rollout {
namespace {

using nlohmann::json;

constexpr int kFormatVersion = 1;
constexpr std::size_t kFindingsShownPerCell = 5;  // in the summary; the JSON has them all


std::string migrations_text(const MatrixRow& row) {
  if (row.migrations.empty()) return "-";
  std::string text;
  for (const auto& file : row.migrations) text += (text.empty() ? "" : ", ") + file;
  return text;
}

std::string step_title(const MatrixRow& row) {
  return rollout::step_title(row.step, row.is_rollback ? row.after : std::string(), row.new_share);
}

std::string cell_text(const Cell& cell) {
  std::string text = cell_word(cell);
  if (cell.fail_before > 0) text += ", " + std::to_string(cell.fail_before) + " fail before";
  if (cell.outside_share > 0) text += ", " + std::to_string(cell.outside_share) + " outside the share";
  return text;
}

std::string pad(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

json finding_json(const CellFinding& finding) {
  return {{"fingerprint", finding.fingerprint},
          {"shape", finding.normalized},
          {"kind", finding.kind},
          {"severity", std::string(to_string(finding.severity))},
          {"statements", finding.statements},
          {"sqlstate", finding.sqlstate},
          {"explanation", finding.explanation}};
}

json cell_json(const Cell& cell) {
  json findings = json::array();
  for (const auto& finding : cell.findings) findings.push_back(finding_json(finding));
  json result = {{"verdict", std::string(to_string(cell.verdict))},
                 {"deployed", cell.deployed},
                 {"compared", cell.compared},
                 {"skipped", cell.skipped},
                 {"failed", cell.failed},
                 {"fail_before", cell.fail_before},
                 {"outside_share", cell.outside_share},
                 {"compared_with", cell.compared_with},
                 {"findings", findings}};
  if (cell.verdict == CellVerdict::kNotRun) result["not_run_reason"] = cell.not_run_reason;
  return result;
}

json check_json(const CheckOutcome& check) {
  return {{"name", check.name},   {"kind", check.kind},   {"where", check.where},
          {"state", std::string(to_string(check.state))}, {"value", check.value}, {"detail", check.detail}};
}

json row_json(const MatrixRow& row) {
  json deployed = json::array();
  for (AppVersion version : row.deployed) deployed.push_back(std::string(to_string(version)));
  json cells = json::object();
  for (const Cell& cell : row.cells) cells[std::string(to_string(cell.version))] = cell_json(cell);
  json checks = json::array();
  for (const auto& check : row.checks) checks.push_back(check_json(check));
  json result = {{"step", row.step},          {"kind", row.is_rollback ? "rollback" : "phase"},
                 {"migrations", row.migrations}, {"deployed", deployed},
                 {"cells", cells},            {"checks", checks},
                 {"migration_failure", nullptr}};
  if (row.is_rollback) result["after"] = row.after;
  result["new_share"] = row.new_share ? json(*row.new_share) : json(nullptr);
  if (row.migration_failure) {
    const auto& failure = row.migration_failure->failure;
    result["migration_failure"] = {{"file", failure.file},
                                   {"line", failure.line},
                                   {"sqlstate", failure.sqlstate},
                                   {"statement_shape", failure.statement_shape},
                                   {"explanation", row.migration_failure->explanation}};
  }
  return result;
}

}  // namespace

std::string cell_word(const Cell& cell) { return cell_word(to_string(cell.verdict), cell.deployed); }

std::string render_matrix_json(const PhaseMatrix& matrix, const MatrixDescription& run) {
  json rows = json::array();
  for (const auto& row : matrix.rows) rows.push_back(row_json(row));
  json report = {{"format", "pgshadow-rollout"},
                 {"format_version", kFormatVersion},
                 {"plan", matrix.plan_file},
                 {"scenario", run.scenario},
                 {"started_at", run.started_at},
                 {"server_version", run.server_version},
                 {"verdict", std::string(to_string(matrix.verdict))},
                 {"exit_code", static_cast<int>(exit_code_for(matrix))},
                 {"incomplete", matrix.incomplete},
                 {"reasons", matrix.reasons},
                 {"versions", {"old", "new"}},
                 {"rows", rows}};
  return report.dump(2) + "\n";
}

std::string render_matrix_summary(const PhaseMatrix& matrix, const MatrixDescription& run) {
  std::ostringstream out;
  out << "ROLLOUT: " << ascii_upper(to_string(matrix.verdict)) << (matrix.incomplete ? " (INCOMPLETE)" : "") << "  "
      << matrix.plan_file << (run.scenario.empty() ? "" : " (" + run.scenario + ")") << "\n\n";
  std::size_t step_width = 6;
  std::size_t migration_width = 12;  // "migrations" and two spaces
  for (const auto& row : matrix.rows) {
    step_width = std::max(step_width, step_title(row).size() + 2);
    migration_width = std::max(migration_width, migrations_text(row).size() + 2);
  }
  // The old version's column is as wide as its widest cell: "safe, 24 outside the share" runs long.
  std::size_t cell_width = 12;
  for (const auto& row : matrix.rows) {
    if (row.cells.size() > 1) cell_width = std::max(cell_width, cell_text(row.cells.front()).size() + 2);
  }
  out << "  " << pad("step", step_width) << pad("migrations", migration_width) << pad("old", cell_width) << "new\n";
  for (const auto& row : matrix.rows) {
    out << "  " << pad(step_title(row), step_width) << pad(migrations_text(row), migration_width);
    for (std::size_t i = 0; i < row.cells.size(); ++i) {
      const std::string text = cell_text(row.cells[i]);
      out << (i + 1 < row.cells.size() ? pad(text, cell_width) : text);
    }
    out << "\n";
  }
  bool any_fail_before = false;
  for (const auto& row : matrix.rows) {
    for (const Cell& cell : row.cells) any_fail_before = any_fail_before || cell.fail_before > 0;
  }
  out << "  (in parentheses: the version is not deployed during the step"
      << (any_fail_before ? "; \"fail before\": statements that fail only on the schema before the step, as expected" : "")
      << ")\n";
  bool any_findings = false;
  for (const auto& row : matrix.rows) {
    if (row.migration_failure) {
      if (!any_findings) out << "\nFindings:\n";
      any_findings = true;
      out << "  " << row.step << ": migration_failed " << row.migration_failure->failure.sqlstate << " at "
          << row.migration_failure->failure.file << ":" << row.migration_failure->failure.line << ": "
          << row.migration_failure->explanation << "\n";
    }
    for (const Cell& cell : row.cells) {
      if (cell.verdict != CellVerdict::kBreaking && cell.verdict != CellVerdict::kReview &&
          cell.verdict != CellVerdict::kExpected) {
        continue;
      }
      if (!any_findings) out << "\nFindings:\n";
      any_findings = true;
      out << "  " << row.step << " / " << to_string(cell.version) << ": " << to_string(cell.verdict)
          << (cell.deployed ? "" : " (not deployed)") << "\n";
      for (std::size_t i = 0; i < cell.findings.size() && i < kFindingsShownPerCell; ++i) {
        const CellFinding& finding = cell.findings[i];
        out << "    " << finding.kind << (finding.sqlstate.empty() ? "" : " " + finding.sqlstate) << "  "
            << finding.normalized << "  (" << finding.statements << " statement" << (finding.statements == 1 ? "" : "s")
            << ")\n";
      }
      if (cell.findings.size() > kFindingsShownPerCell) {
        out << "    ... and " << cell.findings.size() - kFindingsShownPerCell << " more (see the JSON report)\n";
      }
    }
  }
  bool any_checks = false;
  for (const auto& row : matrix.rows) {
    for (const auto& check : row.checks) {
      if (!any_checks) out << "\nChecks:\n";
      any_checks = true;
      out << "  " << pad(row.step, step_width) << pad(check.name, 34) << to_string(check.state);
      if (check.state != CheckOutcome::State::kPassed) out << ": " << check.value;
      if (!check.detail.empty()) out << " (" << check.detail << ")";
      out << "\n";
    }
  }
  if (!matrix.reasons.empty()) {
    out << "\nWhy:\n";
    for (const auto& reason : matrix.reasons) out << "  - " << reason << "\n";
  }
  out << "\nROLLOUT: " << ascii_upper(to_string(matrix.verdict)) << (matrix.incomplete ? " (INCOMPLETE)" : "") << "\n";
  return out.str();
}

std::string render_matrix_markdown(const PhaseMatrix& matrix, const MatrixDescription& run) {
  std::ostringstream out;
  out << "## pgshadow rollout: **" << to_string(matrix.verdict) << "**" << (matrix.incomplete ? " (incomplete)" : "")
      << (run.scenario.empty() ? "" : " — " + run.scenario) << "\n\n";
  out << "| step | migrations | old | new |\n| --- | --- | --- | --- |\n";
  for (const auto& row : matrix.rows) {
    out << "| " << step_title(row) << " | " << migrations_text(row) << " |";
    for (const Cell& cell : row.cells) out << " " << cell_text(cell) << " |";
    out << "\n";
  }
  out << "\nIn parentheses: the version is not deployed during the step.\n";
  bool any_checks = false;
  for (const auto& row : matrix.rows) {
    for (const auto& check : row.checks) {
      if (!any_checks) out << "\n| step | check | state |\n| --- | --- | --- |\n";
      any_checks = true;
      out << "| " << row.step << " | " << check.name << " | " << to_string(check.state)
          << (check.state == CheckOutcome::State::kPassed ? "" : ": " + check.value) << " |\n";
    }
  }
  if (!matrix.reasons.empty()) {
    out << "\n";
    for (const auto& reason : matrix.reasons) out << "- " << reason << "\n";
  }
  return out.str();
}

}  // namespace pgshadow::rollout
