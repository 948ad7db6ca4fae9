#pragma once
// The CI gate: turns the judge's findings into the decision a pipeline obeys, under a policy
// of `--fail-on`, per-class budgets (`--max rows_changed=0.1%`) and an allowlist of known,
// accepted differences (judge/allowlist.h). decide() is a pure function of its inputs: no
// clock, no files. Plain values, not thread-safe.
#include <cstdint>
#include <string>
#include <vector>

#include "pgshadow/core/divergence_class.h"
#include "pgshadow/core/verdict.h"
#include "pgshadow/judge/allowlist.h"
#include "pgshadow/judge/findings.h"
#include "pgshadow/util/result.h"

namespace pgshadow::judge {

// "at most this many statements of this class": a count, or a share of the compared
// statements. Within its budget a class does not weigh in the verdict; over it, the run is
// breaking whatever the class's own severity.
struct ClassBudget {
  DivergenceClass divergence = DivergenceClass::kRowsChanged;
  bool is_share = false;
  double limit = 0;  // a count, or a fraction in [0, 1] when is_share ("0.1%" -> 0.001)
  std::string text;  // as the user wrote it: "rows_changed=0.1%"
};

// Parses "CLASS=N" or "CLASS=P%"; the error names the flag value at fault.
Result<ClassBudget> parse_class_budget(const std::string& text);

struct GatePolicy {
  Verdict fail_on = Verdict::kBreaking;
  SeverityPolicy severities;  // --strict-columns, or the allowlist's strict_columns
  std::vector<ClassBudget> budgets;
  std::vector<AllowlistEntry> allowlist;
};

// One shape's class the allowlist suppressed: still reported, marked allowed, with the reason.
struct AllowedFinding {
  std::string fingerprint;
  std::string normalized;
  DivergenceClass divergence = DivergenceClass::kMatch;
  std::uint64_t statements = 0;
  std::string reason;
  std::string expires;  // YYYY-MM-DD
  std::string entry;    // "allow.yaml:7", the entry that allowed it
};

struct BudgetOutcome {
  ClassBudget budget;
  std::uint64_t statements = 0;  // of the class, not allowlisted
  double share = 0;              // of the compared statements
  bool exceeded = false;
};

struct GateDecision {
  Verdict verdict = Verdict::kSafe;  // after the allowlist and the budgets
  Verdict fail_on = Verdict::kBreaking;
  ExitCode exit_code = ExitCode::kSafe;
  std::vector<std::string> reasons;  // why the gate decided so, most important first
  std::vector<AllowedFinding> allowed;
  std::vector<BudgetOutcome> budgets;
};

GateDecision decide(const FindingsBook& findings, const GatePolicy& policy);

}  // namespace pgshadow::judge
