#pragma once
// The phase matrix of `pgshadow rollout` as one self-contained HTML page (inline CSS, no script,
// no network), read from its JSON report (docs/rollout-report.md) like every renderer: what was
// verified, the plan's verdict and its reasons, the matrix (a row per step, a cell per version,
// coloured by verdict, parenthesised when the version is not deployed), each cell's findings,
// and the data checks. Shapes are normalized, never literals; everything is escaped.
#include <string>

#include <nlohmann/json.hpp>

namespace pgshadow::report {

std::string render_rollout_html(const nlohmann::json& rollout_report);

}  // namespace pgshadow::report
