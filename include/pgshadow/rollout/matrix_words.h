#pragma once
// The words every rendering of the phase matrix uses for a step and a cell, so the terminal
// summary, the Markdown table and the HTML page (which reads the JSON report) name them alike.
#include <optional>
#include <string>
#include <string_view>

namespace pgshadow::rollout {

// "switch-reads (30% new)", "rollback (after contract)": rollback_after is empty for a phase.
std::string step_title(std::string_view step, std::string_view rollback_after, std::optional<double> new_share);

// "safe", "REVIEW", "BREAKING", "(expected)", "not run": verdict as the JSON report spells it
// ("not_run" ...); upper case when it fails the plan, in parentheses when the version is not
// deployed during the step.
std::string cell_word(std::string_view verdict, bool deployed);

}  // namespace pgshadow::rollout
