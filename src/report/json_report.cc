#include <fstream>

#include "pgshadow/core/sqlstate.h"
#include "pgshadow/report/run_report.h"
#include "pgshadow/util/xxh3.h"

namespace pgshadow::report {
namespace {

using nlohmann::json;

json input_file(const InputFile& file) { return {{"path", file.path}, {"xxh3_128", file.xxh3}}; }

// What the replay's privileges rest on: who the roles are, what was created or taken away.
json roles_json(const pg::RoleSetup& roles) {
  json created = json::array();
  for (const auto& role : roles.created) created.push_back({{"role", role.name}, {"why", role.why}, {"login", role.login}});
  json demoted = json::array();
  for (const auto& role : roles.demoted) demoted.push_back({{"role", role.name}, {"removed", role.removed}});
  json stand_in = json::array();
  for (const auto& [user, why] : roles.ran_as_unknown) stand_in.push_back({{"user", user}, {"why", why}});
  auto or_null = [](const std::string& text) { return text.empty() ? json(nullptr) : json(text); };
  return {{"source", or_null(roles.source)},
          {"created", created},
          {"demoted", demoted},
          {"login_granted", roles.login_granted},
          {"skipped_globals", roles.skipped},
          {"database_owner", or_null(roles.database_owner)},
          {"objects_owner", or_null(roles.objects_owner)},
          {"captured_roles_are_owners", roles.captured_roles_are_owners},
          {"unknown_user_role", or_null(roles.unknown_user_role)},
          {"ran_as_unknown_user_role", stand_in}};
}

json servers_json(const RunDescription& run) {
  json servers = {{"mode", run.server_mode},
                  {"version", run.server_version},
                  {"baseline", run.baseline_target},
                  {"shadow", run.shadow_target},
                  {"cannot_guarantee", run.roles != nullptr ? json(run.roles->cannot_guarantee) : json::array()}};
  if (!run.database.empty()) {
    servers["database"] = {{"name", run.database},
                           {"chosen_from", run.database_chosen_from},
                           {"capture_names", run.capture_databases},
                           {"note", run.database_note.empty() ? json(nullptr) : json(run.database_note)}};
  }
  if (run.roles != nullptr) servers["roles"] = roles_json(*run.roles);
  servers["next_oid"] = run.next_oid ? json(*run.next_oid) : json(nullptr);
  json scaled = json::array();
  for (const pg::ScaledTable& table : run.scaled_tables) {
    scaled.push_back({{"table", table.table},
                      {"rows_before", table.rows_before},
                      {"rows_after", table.rows_after},
                      {"moved_columns", table.moved_columns}});
  }
  servers["scaled_tables"] = scaled;
  return servers;
}

json outcome(const judge::OutcomeSummary& side) {
  json out = {{"succeeded", side.succeeded}};
  if (side.succeeded) {
    out["command"] = side.command_tag_verb;
    if (side.affected_rows) out["affected_rows"] = *side.affected_rows;
    out["row_count"] = side.row_count;
    out["columns"] = side.columns;
  } else {
    out["sqlstate"] = side.sqlstate;
    out["condition"] = std::string(sqlstate_name(side.sqlstate));
    out["message"] = side.message.empty() ? json(nullptr) : json(side.message);
  }
  if (side.notices > 0 || side.warnings > 0) out["messages"] = {{"notices", side.notices}, {"warnings", side.warnings}};
  return out;
}

json message_counts(const judge::MessageCounts& counts) {
  return {{"notices", counts.notices}, {"warnings", counts.warnings}};
}

// null for SQL NULL, else {bytes} and, when values are shown, {value}.
json shown_value(const judge::ShownValue& value) {
  if (value.is_null) return nullptr;
  json out = {{"bytes", value.bytes}};
  if (value.text) out["value"] = *value.text;
  return out;
}

json row_differences(const judge::RowDifferences& differences) {
  json rows = json::array();
  for (const auto& row : differences.rows) {
    json cells = json::array();
    for (const auto& cell : row.cells) {
      json entry = {{"column", cell.column}};  // a side without the column has no key
      if (cell.baseline) entry["baseline"] = shown_value(*cell.baseline);
      if (cell.shadow) entry["shadow"] = shown_value(*cell.shadow);
      cells.push_back(std::move(entry));
    }
    rows.push_back({{"kind", std::string(compare::to_string(row.change))},
                    {"baseline_row", row.baseline_row ? json(*row.baseline_row) : json(nullptr)},
                    {"shadow_row", row.shadow_row ? json(*row.shadow_row) : json(nullptr)},
                    {"cells", std::move(cells)}});
  }
  return {{"values", differences.values_shown ? "shown" : "masked"},
          {"beyond_sample", differences.beyond_sample},
          {"rows", std::move(rows)}};
}

json class_counts(const std::map<DivergenceClass, std::uint64_t>& counts, bool all_classes) {
  json out = json::object();
  if (all_classes) {
    for (DivergenceClass c : kAllDivergenceClasses) out[std::string(to_string(c))] = 0;
  }
  for (const auto& [divergence, count] : counts) out[std::string(to_string(divergence))] = count;
  return out;
}

// What each of the shape's classes weighs in this run (--strict-columns changes columns_added),
// so that a renderer of the JSON alone weighs them as the judge did.
json class_severities(const std::map<DivergenceClass, std::uint64_t>& counts, const SeverityPolicy& policy) {
  json out = json::object();
  for (const auto& [divergence, count] : counts) {
    if (count > 0) out[std::string(to_string(divergence))] = std::string(to_string(severity_of(divergence, policy)));
  }
  return out;
}

json shape(const judge::ShapeFindings& findings) {
  json out = {
      {"fingerprint", findings.fingerprint},
      {"normalized", findings.normalized},
      {"statements", findings.statements},
      {"severity", std::string(to_string(findings.severity()))},
      {"classes", class_counts(findings.classes, false)},
      {"class_severities", class_severities(findings.classes, findings.severity_policy)},
      {"baseline_errors", findings.baseline_errors},
      {"shadow_errors", findings.shadow_errors},
  };
  if (findings.baseline_messages.any() || findings.shadow_messages.any()) {
    out["messages"] = {{"baseline", message_counts(findings.baseline_messages)},
                       {"shadow", message_counts(findings.shadow_messages)}};
  }
  if (findings.sql_example) out["sql_example"] = *findings.sql_example;
  if (!findings.nondeterminism.empty()) out["nondeterministic_reason"] = findings.nondeterminism;
  const auto latency = [](const judge::LatencyHistogram& h) {
    return json{{"count", h.count()}, {"p50_ms", h.quantile(0.5)}, {"p95_ms", h.quantile(0.95)},
                {"p99_ms", h.quantile(0.99)}};
  };
  out["not_reproduced"] = findings.not_reproduced;
  out["latency"] = {{"baseline", latency(findings.baseline_latency)},
                    {"shadow", latency(findings.shadow_latency)},
                    {"regression", findings.latency_regression}};
  if (findings.baseline_plan && findings.shadow_plan) {
    const auto plan = [](const compare::QueryPlan& p) {
      return json{{"cost", p.total_cost}, {"description", p.describe()}};
    };
    out["latency"]["plans"] = {{"baseline", plan(*findings.baseline_plan)}, {"shadow", plan(*findings.shadow_plan)}};
    if (findings.latency_regression) out["latency"]["explanation"] = findings.latency_explanation();
  }
  if (const auto& example = findings.first_divergence) {
    out["first_divergence"] = {
        {"sequence", example->sequence},
        {"source", example->source},
        {"class", std::string(to_string(example->divergence))},
        {"explanation", example->explanation},
        {"baseline", outcome(example->baseline)},
        {"shadow", outcome(example->shadow)},
        {"root_fingerprint", example->root_fingerprint ? json(*example->root_fingerprint) : json(nullptr)},
    };
    if (example->row_differences) {
      out["first_divergence"]["row_differences"] = row_differences(*example->row_differences);
    }
  }
  return out;
}

json gate_json(const judge::GateDecision& gate) {
  json allowed = json::array();
  for (const auto& finding : gate.allowed) {
    allowed.push_back({{"fingerprint", finding.fingerprint},
                       {"normalized", finding.normalized},
                       {"class", std::string(to_string(finding.divergence))},
                       {"statements", finding.statements},
                       {"reason", finding.reason},
                       {"expires", finding.expires},
                       {"entry", finding.entry}});
  }
  json budgets = json::array();
  for (const auto& outcome : gate.budgets) {
    budgets.push_back({{"class", std::string(to_string(outcome.budget.divergence))},
                       {"limit", outcome.budget.text.substr(outcome.budget.text.find('=') + 1)},
                       {"statements", outcome.statements},
                       {"share", outcome.share},
                       {"exceeded", outcome.exceeded}});
  }
  return {{"verdict", std::string(to_string(gate.verdict))},
          {"fail_on", std::string(to_string(gate.fail_on))},
          {"exit_code", static_cast<int>(gate.exit_code)},
          {"passed", gate.exit_code == ExitCode::kSafe},
          {"reasons", gate.reasons},
          {"allowed", allowed},
          {"budgets", budgets}};
}

json accounting(const RunDescription& run, const judge::FindingsBook& findings) {
  const judge::Accounting& a = findings.accounting();
  json problems = json::object();
  json problem_examples = json::array();
  if (run.capture_problems != nullptr) {
    problems = run.capture_problems->count_by_reason();
    for (const auto& problem : run.capture_problems->kept()) {
      problem_examples.push_back({{"where", problem.where.to_string()}, {"reason", problem.reason}});
    }
  }
  return {
      {"events", a.captured},
      {"compared", a.compared},
      {"skipped", a.skipped},
      {"failed", a.failed},
      {"not_replayed", a.not_replayed},
      {"filtered", a.filtered},
      {"filtered_by_reason", a.filtered_by_reason},
      {"skipped_by_reason", a.skipped_by_reason},
      {"failed_by_reason", a.failed_by_reason},
      {"balanced", a.balanced()},
      {"fidelity", {{"reproduced", a.reproduced}, {"not_reproduced", a.not_reproduced}}},
      {"sessions", run.sessions},
      {"input",
       {{"lines_read", run.capture_accounting.lines_read},
        {"lines_in_events", run.capture_accounting.lines_in_events},
        {"lines_not_statements", run.capture_accounting.lines_not_statements},
        {"not_statements_by_kind", run.capture_accounting.not_statement_by_kind},
        {"unusable_lines", run.capture_problems ? run.capture_problems->total() : 0},
        {"unusable_by_reason", problems},
        {"unusable_examples", problem_examples}}},
  };
}

json latency_tally(const judge::LatencyTally& latency) {
  return {{"count", latency.histogram.count()},
          {"p50_ms", latency.histogram.quantile(0.5)},
          {"p95_ms", latency.histogram.quantile(0.95)},
          {"max_ms", latency.max_ms}};
}

json relation_sizes(const std::vector<replay::RelationSize>& sizes) {
  json listed = json::array();
  for (const replay::RelationSize& size : sizes) {
    listed.push_back({{"relation", size.relation}, {"rows", size.rows}, {"bytes", size.bytes}});
  }
  return listed;
}

json wait_tally(const judge::WaitTally& tally) {
  return {{"count", tally.count}, {"total_ms", tally.total_ms}, {"max_ms", tally.max_ms}};
}

json write_rule_given_up_json(const std::optional<replay::WriteRuleGivenUp>& given_up) {
  if (!given_up) return nullptr;
  return {{"at", given_up->at}, {"side", given_up->side}, {"lock_type", given_up->lock_type}};
}

// --migrate-during: the migration's statements and locks, and who waited or failed because of
// them; null without it.
json lock_impact_json(const judge::LockImpactBook& book) {
  if (!book.active()) return nullptr;
  const replay::MigrationRun& run = *book.migration_run();
  json statements = json::array();
  for (const replay::MigrationStatementRun& statement : run.statements) {
    json locks = json::array();
    for (const replay::MigrationLock& lock : statement.locks) {
      locks.push_back({{"relation", lock.relation},
                       {"mode", lock.mode},
                       {"granted", lock.granted},
                       {"waited_ms", lock.waited_ms},
                       {"blocked_by", lock.blocked_by},
                       {"held_ms", lock.held_ms}});
    }
    statements.push_back({{"location", statement.file + ":" + std::to_string(statement.line)},
                          {"statement", statement.shape},
                          {"started_s", statement.started_s},
                          {"ended_s", statement.ended_s},
                          {"duration_ms", (statement.ended_s - statement.started_s) * 1000.0},
                          {"succeeded", statement.succeeded},
                          {"sqlstate", statement.succeeded ? json(nullptr) : json(statement.sqlstate)},
                          {"locks", locks}});
  }
  json shapes = json::array();
  for (const judge::ShapeLockImpact* shape : book.shapes()) {
    shapes.push_back({{"fingerprint", shape->fingerprint},
                      {"normalized", shape->normalized},
                      {"statements_during", shape->during},
                      {"shadow_behind_migration", wait_tally(shape->shadow_behind_migration)},
                      {"shadow_waits", wait_tally(shape->shadow_waits)},
                      {"baseline_waits", wait_tally(shape->baseline_waits)},
                      {"queued_behind_migration", wait_tally(shape->queued_behind_migration)},
                      {"failed_by_migration", shape->failed_by_migration},
                      {"latency_during", {{"baseline", latency_tally(shape->baseline_latency_during)},
                                          {"shadow", latency_tally(shape->shadow_latency_during)}}}});
  }
  json phases = json::object();
  for (const auto phase : {replay::MigrationPhase::kBefore, replay::MigrationPhase::kDuring, replay::MigrationPhase::kAfter}) {
    const auto found = book.phases().find(phase);
    phases[replay::name_of(phase)] = found == book.phases().end() ? 0 : found->second;
  }
  return {{"at_capture_s", run.at_capture_s},
          {"at_chosen", run.at_chosen},
          {"relation_sizes", relation_sizes(run.relation_sizes)},
          {"after_traffic", run.after_traffic},
          {"started_s", run.started_s},
          {"ended_s", run.ended_s},
          {"error", run.error ? json(*run.error) : json(nullptr)},
          {"lock_samples", run.samples},
          {"sample_interval_ms", run.sample_interval_ms},
          {"statements", statements},
          {"statements_by_phase", phases},
          {"before_mismatches", book.before_mismatches()},
          {"shadow_behind_migration", wait_tally(book.behind_migration())},
          {"queued_behind_migration", wait_tally(book.queued_behind_migration())},
          {"failed_by_migration", book.failed()},
          {"max_blocked_ms", book.settings().max_blocked_ms},
          {"verdict", std::string(to_string(book.verdict()))},
          {"shapes", shapes}};
}

}  // namespace

Result<std::string> file_digest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::bad_input("cannot read " + path);
  Xxh3Hasher hasher;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    hasher.update(buffer, static_cast<std::size_t>(in.gcount()));
  }
  return hasher.digest().to_hex();
}

json to_json(const RunDescription& run, const judge::FindingsBook& findings, const judge::GateDecision* gate) {
  json inputs = {
      {"scenario", run.scenario ? json(*run.scenario) : json(nullptr)},
      {"baseline", run.baseline ? input_file(*run.baseline) : json(nullptr)},
      {"migrations", json::array()},
      {"captures", json::array()},
      {"capture_description", run.capture_description},
      {"globals", run.globals ? input_file(*run.globals) : json(nullptr)},
  };
  for (const auto& file : run.migrations) inputs["migrations"].push_back(input_file(file));
  for (const auto& file : run.captures) inputs["captures"].push_back(input_file(file));

  json migration = {{"applied", !findings.migration_finding().has_value()}, {"failure", nullptr}};
  if (const auto& failed = findings.migration_finding()) {
    migration["failure"] = {
        {"file", failed->failure.file},
        {"line", failed->failure.line},
        {"sqlstate", failed->failure.sqlstate},
        {"condition", std::string(sqlstate_name(failed->failure.sqlstate))},
        {"message", failed->failure.message.empty() ? json(nullptr) : json(failed->failure.message)},
        {"statement", failed->failure.statement_shape},
        {"explanation", failed->explanation},
    };
  }

  migration["messages"] = json::array();
  for (const judge::MigrationNote& note : findings.migration_notes()) {
    migration["messages"].push_back({{"location", note.location},
                                     {"severity", note.severity},
                                     {"sqlstate", note.sqlstate},
                                     {"text", note.text.empty() ? json(nullptr) : json(note.text)}});
  }
  migration["messages_dropped"] = findings.migration_notes_dropped();

  json shapes = json::array();
  for (const judge::ShapeFindings* findings_of_shape : findings.shapes_by_importance()) {
    json entry = shape(*findings_of_shape);
    if (gate != nullptr) {
      json allowed = json::array();
      for (const auto& finding : gate->allowed) {
        if (finding.fingerprint != findings_of_shape->fingerprint) continue;
        allowed.push_back({{"class", std::string(to_string(finding.divergence))},
                           {"reason", finding.reason},
                           {"entry", finding.entry}});
      }
      entry["allowed"] = std::move(allowed);
    }
    shapes.push_back(std::move(entry));
  }

  json report = {
      {"pgshadow_report", kReportFormatVersion},
      {"pgshadow_version", PGSHADOW_VERSION},
      {"started_at", run.started_at},
      {"run", {{"id", run.run_id.empty() ? run.started_at : run.run_id},
               {"shard", {{"index", run.shard_index}, {"count", run.shard_count}}}}},
      {"options", run.options},
      {"wall_seconds", run.wall_seconds},
      {"setup_seconds", run.setup_seconds},
      {"peak_rss_bytes", run.peak_rss_bytes},
      {"verdict", std::string(to_string(findings.verdict()))},
      {"verdict_reasons", findings.verdict_reasons()},
      {"literals_included", findings.settings().include_literals},
      {"strict_columns", findings.settings().severities.strict_columns},
      {"inputs", inputs},
      {"servers", servers_json(run)},
      {"migration", migration},
      {"lock_impact", lock_impact_json(findings.lock_impact())},
      {"accounting", accounting(run, findings)},
      {"classes", class_counts(findings.accounting().classes, true)},
      {"shapes", shapes},
  };
  if (gate != nullptr) report["gate"] = gate_json(*gate);
  if (run.interrupted) {
    report["interrupted"] = {{"signal", run.interrupted->signal}, {"during", run.interrupted->during}};
  }
  if (run.timeline != nullptr) report["timeline"] = run.timeline->to_json();
  if (run.replay != nullptr) {
    json roles = json::array();
    for (const auto& role : run.replay->roles) {
      roles.push_back({{"user", role.user},
                       {"as_captured_on_baseline", role.as_captured_on_baseline},
                       {"as_captured_on_shadow", role.as_captured_on_shadow},
                       {"sessions", role.sessions}});
    }
    report["replay"] = {{"order", run.order},
                        {"read_only", run.read_only},
                        {"sessions", run.replay->sessions},
                        {"events_without_duration", run.replay->events_without_duration},
                        {"reordered_for_locks", run.replay->reordered_for_locks},
                        {"started_out_of_order", run.replay->started_out_of_order},
                        {"write_rule_given_up", write_rule_given_up_json(run.replay->write_rule_given_up)},
                        {"replayed_as_production_error", run.replay->replayed_as_production_error},
                        {"roles", roles},
                        {"wall_seconds", run.replay->wall_seconds}};
    json stages = json::object();
    for (const auto& [stage, seconds] : run.replay->stage_seconds) stages[stage] = seconds;
    report["replay"]["stage_seconds"] = std::move(stages);
  }
  return report;
}

}  // namespace pgshadow::report
