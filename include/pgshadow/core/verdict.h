#pragma once
// The run's answer to the release reviewer, and the process exit status that carries it.
#include <optional>
#include <string_view>

namespace pgshadow {

enum class Verdict { kSafe, kReview, kBreaking };

std::string_view to_string(Verdict v);  // "safe", "review", "breaking"
std::optional<Verdict> verdict_from_string(std::string_view name);

// Exit statuses of the pgshadow binary (documented in --help and README).
enum class ExitCode : int {
  kSafe = 0,            // safe, or review without --fail-on review
  kBreaking = 1,        // breaking (or review with --fail-on review)
  kBadInput = 2,        // bad usage, unreadable or malformed input
  kInfrastructure = 3,  // cannot start or reach a server
};

// fail_on is the weakest verdict that fails the run (kBreaking by default).
ExitCode exit_code_for(Verdict verdict, Verdict fail_on = Verdict::kBreaking);

}  // namespace pgshadow
