#include "pgshadow/core/verdict.h"

namespace pgshadow {

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::kSafe: return "safe";
    case Verdict::kReview: return "review";
    case Verdict::kBreaking: return "breaking";
  }
  return "safe";
}

std::optional<Verdict> verdict_from_string(std::string_view name) {
  for (Verdict v : {Verdict::kSafe, Verdict::kReview, Verdict::kBreaking}) {
    if (to_string(v) == name) return v;
  }
  return std::nullopt;
}

ExitCode exit_code_for(Verdict verdict, Verdict fail_on) {
  if (verdict == Verdict::kSafe) return ExitCode::kSafe;
  return static_cast<int>(verdict) >= static_cast<int>(fail_on) ? ExitCode::kBreaking
                                                                : ExitCode::kSafe;
}

}  // namespace pgshadow
