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

void InputProblems::add(const InputProblems& other) {
  total_ += other.total_;
  for (const auto& [reason, count] : other.by_reason_) by_reason_[reason] += count;
  for (const InputProblem& problem : other.kept_) {
    if (kept_.size() >= max_kept_) break;
    kept_.push_back(problem);
  }
}

}  // namespace pgshadow
