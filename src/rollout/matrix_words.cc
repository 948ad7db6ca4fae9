#include "pgshadow/rollout/matrix_words.h"

#include <cmath>

#include "pgshadow/util/ascii_case.h"

namespace pgshadow::rollout {

std::string step_title(std::string_view step, std::string_view rollback_after, std::optional<double> new_share) {
  std::string title = rollback_after.empty() ? std::string(step) : "rollback (after " + std::string(rollback_after) + ")";
  if (new_share) title += " (" + std::to_string(static_cast<int>(std::lround(*new_share * 100))) + "% new)";
  return title;
}

std::string cell_word(std::string_view verdict, bool deployed) {
  std::string word = verdict == "not_run" ? "not run" : std::string(verdict);
  if (!deployed) return "(" + word + ")";
  return verdict == "breaking" || verdict == "review" ? ascii_upper(word) : word;
}

}  // namespace pgshadow::rollout
