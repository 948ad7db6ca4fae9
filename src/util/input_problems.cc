#include "pgshadow/util/input_problems.h"

namespace pgshadow {

std::string SourceLocation::to_string() const {
  if (line == 0) return file;
  return file + ":" + std::to_string(line);
}

void InputProblems::report(SourceLocation where, std::string reason, std::string detail) {
  ++total_;
  ++by_reason_[reason];
  if (kept_.size() < max_kept_) {
    kept_.push_back({std::move(where), std::move(reason), std::move(detail)});
  }
}

}  // namespace pgshadow
