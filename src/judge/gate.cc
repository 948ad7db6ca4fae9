#include "pgshadow/judge/gate.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace pgshadow::judge {
namespace {

Verdict heavier(Verdict a, Severity s) {
  const Verdict v = s == Severity::kBreaking ? Verdict::kBreaking
                    : s == Severity::kReview ? Verdict::kReview
                                             : Verdict::kSafe;
  return static_cast<int>(v) > static_cast<int>(a) ? v : a;
}

std::string percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g%%", share * 100);
  return text;
}

const AllowlistEntry* allowing(const GatePolicy& policy, const ShapeFindings& shape, DivergenceClass c) {
  for (const auto& entry : policy.allowlist) {
    if (entry.divergence == c && entry.matches(shape.fingerprint, shape.normalized)) return &entry;
  }
  return nullptr;
}

BudgetOutcome* budget_for(std::vector<BudgetOutcome>& budgets, DivergenceClass c) {
  for (auto& outcome : budgets) {
    if (outcome.budget.divergence == c) return &outcome;
  }
  return nullptr;
}

}  // namespace

Result<ClassBudget> parse_class_budget(const std::string& text) {
  const auto bad = [&](const std::string& why) {
    return Error::bad_input("--max '" + text + "': " + why + " (e.g. rows_changed=0.1% or error_shadow_only=0)");
  };
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos) return bad("expected CLASS=COUNT or CLASS=PERCENT%");
  ClassBudget budget;
  budget.text = text;
  const std::string name = text.substr(0, equals);
  const auto divergence = divergence_class_from_string(name);
  if (!divergence || *divergence == DivergenceClass::kMatch || *divergence == DivergenceClass::kMigrationFailed) {
    return bad("'" + name + "' is not a divergence class a budget can apply to");
  }
  budget.divergence = *divergence;
  std::string number = text.substr(equals + 1);
  budget.is_share = !number.empty() && number.back() == '%';
  if (budget.is_share) number.pop_back();
  double value = 0;
  const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
  if (number.empty() || error != std::errc() || end != number.data() + number.size() || value < 0) {
    return bad("'" + number + "' is not a non-negative number");
  }
  if (budget.is_share) {
    if (value > 100) return bad("a share cannot exceed 100%");
    value /= 100;
  } else if (value != static_cast<double>(static_cast<std::uint64_t>(value))) {
    return bad("a count must be a whole number");
  }
  budget.limit = value;
  return budget;
}

GateDecision decide(const FindingsBook& findings, const GatePolicy& policy) {
  GateDecision decision;
  decision.fail_on = policy.fail_on;
  for (const auto& budget : policy.budgets) decision.budgets.push_back({budget, 0, 0, false});

  Verdict verdict = findings.migration_finding() ? Verdict::kBreaking : Verdict::kSafe;
  // The migration's locks (--migrate-during) weigh in as they are: no allowlist entry or budget
  // names them yet.
  verdict = std::max(verdict, findings.lock_impact().verdict());
  for (const ShapeFindings* shape : findings.shapes_by_importance()) {
    if (shape->latency_regression) verdict = heavier(verdict, Severity::kReview);
    for (const auto& [divergence, count] : shape->classes) {
      if (count == 0 || severity_of(divergence, policy.severities) == Severity::kNone) continue;
      if (const AllowlistEntry* entry = allowing(policy, *shape, divergence)) {
        decision.allowed.push_back({shape->fingerprint, shape->normalized, divergence, count, entry->reason,
                                    entry->expires, entry->where});
      } else if (BudgetOutcome* budget = budget_for(decision.budgets, divergence)) {
        budget->statements += count;
      } else {
        verdict = heavier(verdict, severity_of(divergence, policy.severities));
      }
    }
  }
  // Budgets may also name classes that never weigh in the verdict (consequence,
  // nondeterministic): count those from the accounting.
  const std::uint64_t compared = findings.accounting().compared;
  for (auto& outcome : decision.budgets) {
    if (severity_of(outcome.budget.divergence, policy.severities) == Severity::kNone) {
      const auto it = findings.accounting().classes.find(outcome.budget.divergence);
      outcome.statements = it == findings.accounting().classes.end() ? 0 : it->second;
    }
    outcome.share = compared == 0 ? 0 : static_cast<double>(outcome.statements) / static_cast<double>(compared);
    outcome.exceeded = outcome.budget.is_share ? outcome.share > outcome.budget.limit
                                               : static_cast<double>(outcome.statements) > outcome.budget.limit;
    const std::string name(to_string(outcome.budget.divergence));
    const std::string measured = std::to_string(outcome.statements) + " " + name + " (" +
                                 percent(outcome.share) + " of " + std::to_string(compared) + " compared)";
    const std::string limit = outcome.budget.is_share ? percent(outcome.budget.limit)
                                                      : std::to_string(static_cast<std::uint64_t>(outcome.budget.limit));
    if (outcome.exceeded) {
      verdict = Verdict::kBreaking;
      decision.reasons.push_back("over budget: " + measured + " exceeds --max " + name + "=" + limit);
    } else if (outcome.statements > 0) {
      decision.reasons.push_back("within budget: " + measured + " tolerated by --max " + name + "=" + limit);
    }
  }
  if (!decision.allowed.empty()) {
    std::uint64_t statements = 0;
    for (const auto& allowed : decision.allowed) statements += allowed.statements;
    decision.reasons.push_back(std::to_string(decision.allowed.size()) + " finding" +
                               (decision.allowed.size() == 1 ? "" : "s") + " (" + std::to_string(statements) +
                               " statements) allowed by the allowlist, still listed with their reasons");
  }
  decision.verdict = verdict;
  decision.exit_code = exit_code_for(verdict, policy.fail_on);
  const bool fails = decision.exit_code == ExitCode::kBreaking;
  decision.reasons.insert(decision.reasons.begin(),
                          "verdict " + std::string(to_string(verdict)) + " with --fail-on " +
                              std::string(to_string(policy.fail_on)) + ": the gate " +
                              (fails ? "fails" : "passes"));
  return decision;
}

}  // namespace pgshadow::judge
