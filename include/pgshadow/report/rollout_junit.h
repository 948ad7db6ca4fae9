#pragma once
// The phase matrix of `pgshadow rollout` as JUnit XML, read from its JSON report
// (docs/rollout-report.md) like every renderer: one test case per cell of a deployed version
// (failed when breaking), per failed migration and per data check; the cells of versions not
// deployed are skipped test cases, with their verdict. Shapes are normalized, never literals.
#include <string>

#include <nlohmann/json.hpp>

namespace pgshadow::report {

std::string render_rollout_junit(const nlohmann::json& rollout_report);

}  // namespace pgshadow::report
