#pragma once
// The phase matrix as a user and a machine read it: the terminal summary, a Markdown table
// (for a pull-request comment), and the JSON report (docs/rollout-report.md, the contract).
// Shapes are shown normalized, never with literals; pure functions of the matrix.
#include <string>

#include "pgshadow/rollout/phase_matrix.h"

namespace pgshadow::rollout {

struct MatrixDescription {
  std::string scenario;  // the scenario directory's name, or empty
  std::string started_at;
  std::string server_version;
};

std::string render_matrix_summary(const PhaseMatrix& matrix, const MatrixDescription& run);
std::string render_matrix_markdown(const PhaseMatrix& matrix, const MatrixDescription& run);
std::string render_matrix_json(const PhaseMatrix& matrix, const MatrixDescription& run);

// "safe", "BREAKING", "(expected)" ...: a cell in one word, upper case when it fails the plan,
// in parentheses when the version is not deployed during the step.
std::string cell_word(const Cell& cell);

}  // namespace pgshadow::rollout
