#include <algorithm>
#include <cstdio>

#include "pgshadow/core/sqlstate.h"
#include "pgshadow/judge/findings.h"

namespace pgshadow::judge {
namespace {

OutcomeSummary summarize(const compare::ResultSignature& signature, const JudgeSettings& settings) {
  OutcomeSummary summary;
  summary.succeeded = signature.succeeded;
  summary.command_tag_verb = signature.command_verb;
  summary.affected_rows = signature.affected_rows;
  summary.row_count = signature.row_count;
  for (const auto& column : signature.columns) {
    summary.columns.push_back(column.name + " " + (column.type_name.empty() ? type_name(column.type_oid) : column.type_name));
  }
  summary.sqlstate = signature.sqlstate;
  summary.notices = signature.notices;
  summary.warnings = signature.warnings;
  // A message the database's own code raised is its author's text: never data-free.
  if (settings.include_literals ||
      (!signature.error_raised_by_user && sqlstate_message_is_data_free(signature.sqlstate))) {
    summary.message = signature.error_message;
  }
  return summary;
}

// Classes whose difference is in the rows themselves; consequence and nondeterministic cover
// every kind of difference, so only when their rows do differ.
bool rows_differ(const replay::ComparedStatement& statement, bool ordered) {
  switch (statement.divergence) {
    case DivergenceClass::kRowsChanged:
    case DivergenceClass::kTypesChanged:
    case DivergenceClass::kOrderChanged:
      return true;
    case DivergenceClass::kConsequence:
    case DivergenceClass::kNondeterministic:
      break;
    default:
      return false;
  }
  const compare::ResultSignature& b = statement.baseline;
  const compare::ResultSignature& s = statement.shadow;
  return b.succeeded && s.succeeded && !b.columns.empty() &&
         (b.row_count != s.row_count || b.multiset_digest != s.multiset_digest ||
          (ordered && b.ordered_digest != s.ordered_digest));
}

std::optional<ShownValue> shown(const std::optional<compare::Value>& cell, bool values_shown) {
  if (!cell) return std::nullopt;
  ShownValue value;
  value.is_null = !cell->has_value();
  value.bytes = value.is_null ? 0 : (*cell)->size();
  if (values_shown && !value.is_null) value.text = **cell;
  return value;
}

// The differing rows of the statement, values masked unless the settings show them; nullopt
// when the samples show nothing to see.
std::optional<RowDifferences> row_differences(const replay::ComparedStatement& statement,
                                              const JudgeSettings& settings) {
  if (!rows_differ(statement, statement.ordered)) return std::nullopt;
  const compare::RowDiff diff =
      compare::diff_rows(statement.baseline, statement.shadow, statement.ordered, kMaxShownRows);
  if (diff.rows.empty() && !diff.beyond_sample) return std::nullopt;
  RowDifferences differences;
  differences.values_shown = settings.values_shown();
  differences.beyond_sample = diff.beyond_sample;
  for (const compare::RowDifference& row : diff.rows) {
    ShownRow out{row.change, row.baseline_row, row.shadow_row, {}};
    for (const compare::CellDifference& cell : row.cells) {
      out.cells.push_back({cell.column, shown(cell.baseline, differences.values_shown),
                           shown(cell.shadow, differences.values_shown)});
    }
    differences.rows.push_back(std::move(out));
  }
  return differences;
}

int weight(Severity severity) { return static_cast<int>(severity); }

// A longer statement is kept as no plan example: one per shape is held until the replay ends.
constexpr std::size_t kMaxPlannedStatementBytes = 64 * 1024;

std::string milliseconds(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, value < 10 ? "%.2f ms" : "%.1f ms", value);
  return buffer;
}

}  // namespace

Severity ShapeFindings::class_severity() const {
  const SeverityPolicy& severities = severity_policy;
  Severity heaviest = Severity::kNone;
  for (const auto& [divergence, count] : classes) {
    if (count > 0 && weight(severity_of(divergence, severities)) > weight(heaviest)) heaviest = severity_of(divergence, severities);
  }
  return heaviest;
}

Severity ShapeFindings::severity() const {
  const Severity of_classes = class_severity();
  return latency_regression && weight(of_classes) < weight(Severity::kReview) ? Severity::kReview : of_classes;
}

std::string ShapeFindings::latency_explanation() const {
  if (!baseline_plan || !shadow_plan) return "";
  return "planned as " + shadow_plan->describe() + " on the shadow, " + baseline_plan->describe() +
         " on the baseline; median " + milliseconds(baseline_latency.quantile(0.5)) + " -> " +
         milliseconds(shadow_latency.quantile(0.5)) + " over " + std::to_string(shadow_latency.count()) +
         " statements";
}

ShapeFindings& FindingsBook::shape_for(const sql::QueryShape& shape, std::uint64_t sequence) {
  auto [it, inserted] = shapes_.try_emplace(shape.fingerprint);
  if (inserted) {
    it->second.fingerprint = shape.fingerprint;
    it->second.severity_policy = settings_.severities;
  }
  if (inserted || sequence < it->second.normalized_sequence) {
    it->second.normalized = shape.normalized;
    it->second.normalized_sequence = sequence;
  }
  return it->second;
}

void FindingsBook::on_compared(const replay::ComparedStatement& statement) {
  ++accounting_.compared;
  ++accounting_.classes[statement.divergence];
  lock_impact_.on_compared(statement);

  const bool earliest = shapes_.count(statement.shape.fingerprint) == 0 ||
                        statement.event.sequence < shapes_.at(statement.shape.fingerprint).normalized_sequence;
  ShapeFindings& findings = shape_for(statement.shape, statement.event.sequence);
  const SeverityPolicy& severities = settings_.severities;
  ++findings.statements;
  const ProductionOutcome& production = statement.event.outcome;
  const bool reproduced = production.succeeded == statement.baseline.succeeded &&
                          (production.succeeded || production.sqlstate.empty() ||
                           production.sqlstate == statement.baseline.sqlstate);
  if (reproduced) {
    ++accounting_.reproduced;
  } else {
    ++accounting_.not_reproduced;
    ++findings.not_reproduced;
  }
  ++findings.classes[statement.divergence];
  if (statement.divergence == DivergenceClass::kConsequence && statement.root_fingerprint) {
    ++consequences_by_root_[*statement.root_fingerprint][statement.shape.fingerprint];
  }
  if (!statement.baseline.succeeded) ++findings.baseline_errors[statement.baseline.sqlstate];
  if (!statement.shadow.succeeded) ++findings.shadow_errors[statement.shadow.sqlstate];
  findings.baseline_messages.notices += statement.baseline.notices;
  findings.baseline_messages.warnings += statement.baseline.warnings;
  findings.shadow_messages.notices += statement.shadow.notices;
  findings.shadow_messages.warnings += statement.shadow.warnings;
  if (settings_.include_literals && earliest) findings.sql_example = statement.event.sql;
  if (!statement.nondeterminism.empty() &&
      (findings.nondeterminism.empty() || statement.event.sequence < findings.nondeterminism_sequence)) {
    findings.nondeterminism = statement.nondeterminism;
    findings.nondeterminism_sequence = statement.event.sequence;
  }
  // Latency says something only when both sides did the same work.
  if (statement.baseline.succeeded && statement.shadow.succeeded) {
    findings.baseline_latency.add(statement.baseline_ms);
    findings.shadow_latency.add(statement.shadow_ms);
    if (statement.explainable && statement.event.sql.size() <= kMaxPlannedStatementBytes) {
      const auto [example, added] = plan_examples_.try_emplace(statement.shape.fingerprint, statement.event);
      if (!added && statement.event.sequence < example->second.sequence) example->second = statement.event;
    }
  }

  // Keep the earliest example of the heaviest kind of difference this shape has shown.
  if (statement.divergence == DivergenceClass::kMatch) return;
  if (findings.first_divergence) {
    const int weight_now = weight(severity_of(statement.divergence, severities));
    const int weight_kept = weight(severity_of(findings.first_divergence->divergence, severities));
    const bool earlier = statement.event.sequence < findings.first_divergence->sequence;
    if (weight_now < weight_kept || (weight_now == weight_kept && !earlier)) return;
  }
  DivergenceExample example;
  example.sequence = statement.event.sequence;
  example.source = statement.event.source.to_string();
  example.session_id = statement.event.session_id;
  example.divergence = statement.divergence;
  example.baseline = summarize(statement.baseline, settings_);
  example.shadow = summarize(statement.shadow, settings_);
  example.row_differences = row_differences(statement, settings_);
  example.explanation = explain(statement.divergence, example.baseline, example.shadow,
                                example.row_differences ? &*example.row_differences : nullptr);
  example.root_fingerprint = statement.root_fingerprint;
  if (statement.divergence == DivergenceClass::kNondeterministic && !statement.nondeterminism.empty()) {
    example.explanation += " (" + statement.nondeterminism + "): not counted toward the verdict";
  }
  if (statement.divergence == DivergenceClass::kConsequence && statement.cause) {
    example.explanation = "consequence: " + replay::describe(*statement.cause) + "; " + example.explanation;
  }
  findings.first_divergence = std::move(example);
}

void FindingsBook::on_skipped(const Event& /*event*/, const std::string& reason) {
  ++accounting_.skipped;
  ++accounting_.skipped_by_reason[reason];
}

void FindingsBook::on_failed(const Event& /*event*/, const std::string& reason) {
  ++accounting_.failed;
  ++accounting_.failed_by_reason[reason];
}

void FindingsBook::on_not_replayed(std::uint64_t events) { accounting_.not_replayed += events; }

void FindingsBook::on_not_replayed(const Event& /*event*/) { ++accounting_.not_replayed; }

void FindingsBook::on_captured(std::uint64_t events) { accounting_.captured = events; }

void FindingsBook::on_filtered(const std::map<std::string, std::uint64_t>& by_reason) {
  for (const auto& [reason, count] : by_reason) {
    accounting_.filtered += count;
    accounting_.filtered_by_reason[reason] += count;
  }
}

void FindingsBook::on_migration_messages(const std::vector<MigrationMessage>& messages, std::uint64_t dropped) {
  for (const MigrationMessage& message : messages) {
    const bool shown = settings_.include_literals || !message.raised_by_user;
    migration_notes_.push_back({message.file + ":" + std::to_string(message.line), message.severity, message.sqlstate,
                                shown ? message.text : ""});
  }
  migration_notes_dropped_ += dropped;
}

void FindingsBook::on_migration_failed(const MigrationFailure& failure) {
  MigrationFinding finding{failure, {}};
  const std::string_view name = sqlstate_name(failure.sqlstate);
  const std::string at = failure.file + ":" + std::to_string(failure.line);
  if (failure.kind == MigrationFailure::Kind::kReachedBaseline) {
    finding.explanation = "the migration reaches outside its own database at " + at +
                          ": it dropped the baseline's database or ended its sessions";
  } else {
    finding.explanation = "the migration fails on the baseline's data at " + at + " with SQLSTATE " +
                          failure.sqlstate + (name.empty() ? "" : " (" + std::string(name) + ")") +
                          ": production would fail the same way";
  }
  // A message the migration's own code raised (RAISE ... USING ERRCODE) is free text.
  if (!settings_.include_literals && (failure.raised_by_user || !sqlstate_message_is_data_free(failure.sqlstate))) {
    finding.failure.message.clear();
  }
  migration_ = std::move(finding);
}

Verdict FindingsBook::verdict() const {
  if (migration_) return Verdict::kBreaking;
  const SeverityPolicy& severities = settings_.severities;
  Verdict verdict = lock_impact_.verdict();
  if (verdict == Verdict::kBreaking) return verdict;
  for (const auto& [fingerprint, findings] : shapes_) {
    if (findings.latency_regression) verdict = Verdict::kReview;
  }
  for (const auto& [divergence, count] : accounting_.classes) {
    if (count == 0) continue;
    if (severity_of(divergence, severities) == Severity::kBreaking) return Verdict::kBreaking;
    if (severity_of(divergence, severities) == Severity::kReview) verdict = Verdict::kReview;
  }
  return verdict;
}

std::vector<std::string> FindingsBook::verdict_reasons() const {
  std::vector<std::string> reasons;
  if (migration_) reasons.push_back(migration_->explanation);
  std::size_t breaking = 0;
  std::size_t review = 0;
  for (const auto& [fingerprint, findings] : shapes_) {
    if (findings.severity() == Severity::kBreaking) ++breaking;
    // A shape in review only for its plan has its own line below.
    if (findings.severity() == Severity::kReview && findings.class_severity() == Severity::kReview) ++review;
  }
  const auto plural = [](std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  if (breaking > 0) {
    reasons.push_back(plural(breaking, "query shape") + " the application runs today " +
                      (breaking == 1 ? "breaks" : "break") + " on the shadow schema");
  }
  std::size_t slower = 0;
  for (const auto& [fingerprint, findings] : shapes_) slower += findings.latency_regression ? 1 : 0;
  if (review > 0) reasons.push_back(plural(review, "query shape") + " changed in a way to review");
  if (slower > 0) {
    char ratio[16];
    std::snprintf(ratio, sizeof ratio, "%g", settings_.plans.cost_ratio);
    reasons.push_back(plural(slower, "query shape") + " planned much costlier on the shadow (at least " + ratio +
                      "x the baseline's estimated cost)");
  }
  for (std::string& reason : lock_impact_.reasons()) reasons.push_back(std::move(reason));
  if (reasons.empty()) {
    reasons.push_back("every replayed statement gave the same result on both sides");
  }
  return reasons;
}

std::vector<replay::PlanRequest> FindingsBook::plan_requests(std::size_t limit) const {
  std::vector<replay::PlanRequest> requests;
  for (const auto& [fingerprint, example] : plan_examples_) requests.push_back({fingerprint, example});
  const auto statements = [&](const replay::PlanRequest& r) { return shapes_.at(r.fingerprint).statements; };
  std::stable_sort(requests.begin(), requests.end(), [&](const auto& a, const auto& b) {
    return statements(a) > statements(b);  // ties stay in fingerprint order (the map's)
  });
  if (requests.size() > limit) requests.resize(limit);
  return requests;
}

void FindingsBook::on_plans(const replay::PlanPair& plans) {
  const auto found = shapes_.find(plans.fingerprint);
  if (found == shapes_.end()) return;
  ShapeFindings& findings = found->second;
  findings.baseline_plan = plans.baseline;
  findings.shadow_plan = plans.shadow;
  findings.latency_regression = plans.baseline && plans.shadow &&
                                is_plan_regression(*plans.baseline, *plans.shadow, settings_.plans);
}

std::vector<const ShapeFindings*> FindingsBook::shapes_by_importance() const {
  std::vector<const ShapeFindings*> ordered;
  for (const auto& [fingerprint, findings] : shapes_) ordered.push_back(&findings);
  const auto differing = [](const ShapeFindings* f) {
    auto match = f->classes.find(DivergenceClass::kMatch);
    return f->statements - (match == f->classes.end() ? 0 : match->second);
  };
  std::stable_sort(ordered.begin(), ordered.end(), [&](const ShapeFindings* a, const ShapeFindings* b) {
    if (a->severity() != b->severity()) return weight(a->severity()) > weight(b->severity());
    if (differing(a) != differing(b)) return differing(a) > differing(b);
    return a->statements > b->statements;
  });
  return ordered;
}

FindingsBook::Consequences FindingsBook::consequences_of(const std::string& root_fingerprint) const {
  Consequences consequences;
  const auto found = consequences_by_root_.find(root_fingerprint);
  if (found == consequences_by_root_.end()) return consequences;
  consequences.shapes = found->second.size();
  for (const auto& [shape, statements] : found->second) consequences.statements += statements;
  return consequences;
}

}  // namespace pgshadow::judge
