// `pgshadow rollout`: the driver of a deploy plan. Each pass is one call; the comment above it
// states what holds once it returns.
#include "rollout_command.h"

#include <stdlib.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <tuple>
#include <utility>

#include "capture_preview.h"
#include "exit_status.h"
#include "filter_options.h"
#include "interrupt.h"
#include "output_file.h"
#include "path_arguments.h"
#include "pgshadow/capture/peeking_event_source.h"
#include "pgshadow/metrics/pushgateway.h"
#include "pgshadow/metrics/rollout_metrics.h"
#include "pgshadow/report/rollout_html.h"
#include "pgshadow/report/rollout_junit.h"
#include "pgshadow/rollout/matrix_report.h"
#include "pgshadow/sql/script.h"
#include "pgshadow/util/utc_time.h"
#include "rollout_step.h"
#include "run_identity.h"

namespace pgshadow::cli {
namespace {

namespace fs = std::filesystem;
using rollout::AppVersion;

// The scenario directory fills what the flags did not; every input exists.
Status complete_from_scenario(RolloutOptions& options) {
  const fs::path dir = options.scenario_dir;
  std::error_code error;
  if (!fs::is_directory(dir, error)) return Error::bad_input("scenario directory not found: " + options.scenario_dir);
  if (options.plan_file.empty()) options.plan_file = (dir / "deploy.yaml").string();
  if (options.baseline_file.empty()) {
    for (const char* name : {"baseline.sql", "baseline.dump"}) {
      if (fs::exists(dir / name, error)) options.baseline_file = (dir / name).string();
      if (!options.baseline_file.empty()) break;
    }
  }
  if (options.globals_file.empty() && fs::exists(dir / "globals.sql", error)) {
    options.globals_file = (dir / "globals.sql").string();
  }
  if (!fs::exists(options.plan_file, error)) {
    return Error::bad_input("no deploy plan: " + options.plan_file + " not found (give --plan FILE)");
  }
  if (options.baseline_file.empty()) {
    return Error::bad_input("no baseline: give a scenario directory with baseline.sql or baseline.dump, or --baseline FILE");
  }
  for (const auto& [flag, path] : {std::pair{"--plan", &options.plan_file}, std::pair{"--baseline", &options.baseline_file},
                                   std::pair{"--globals", &options.globals_file}}) {
    if (path->empty()) continue;
    if (!fs::exists(*path, error)) return Error::bad_input(std::string(flag) + " " + *path + ": not found");
    if (Status s = check_input_path(flag, *path, PathUse::kFile); !s) return s;
  }
  return Status::success();
}

// Every step's migrations, read and parsed: a plan that names a missing or broken file fails
// before any server starts, naming the plan's line and the file.
Result<std::vector<pg::MigrationScript>> read_step_migrations(const rollout::PlanStep& step) {
  std::vector<pg::MigrationScript> scripts;
  for (const auto& migration : step.migrations) {
    std::error_code error;
    if (!fs::is_regular_file(migration.path, error)) {
      return Error::bad_input(migration.where + ": migration " + migration.written + " not found (" + migration.path + ")");
    }
    auto text = read_input_once("migration", migration.path);
    if (!text) return text.error();
    auto statements = sql::split_script(*text, migration.path);
    if (!statements) return statements.error();
    scripts.push_back({migration.path, std::move(*text)});
  }
  return scripts;
}

// The database and the roles both captures need: the start of each capture, read once here
// and again by each step's replay (captures of a plan are files, read as often as needed).
Status preview_captures(const rollout::DeployPlan& plan, RolloutContext& context) {
  for (AppVersion version : rollout::kAppVersions) {
    const std::string& path = plan.capture_of(version);
    std::error_code error;
    if (!fs::exists(path, error)) {
      return Error::bad_input(plan.file + ": the " + std::string(rollout::to_string(version)) +
                              " application's capture " + path + " not found (record it, or name it under captures:)");
    }
    const capture::FilteredEventSource* filtered = nullptr;
    auto opened = open_filtered_capture({path}, FilterOptions{}, &filtered);
    if (!opened) return opened.error();
    capture::PeekingEventSource source(std::move(opened).value());
    auto preview = preview_capture(source, FilterOptions{});
    if (!preview) return preview.error();
    if (!context.database.empty() && !preview->database.empty() && preview->database != context.database) {
      return Error::bad_input("the old and new applications' captures name different databases (" + context.database +
                              ", " + preview->database + "): both must run against one database");
    }
    if (context.database.empty()) context.database = preview->database;
    context.captured_users.insert(preview->users.begin(), preview->users.end());
    context.created_by_traffic.insert(preview->created_roles.begin(), preview->created_roles.end());
  }
  return Status::success();
}

// The states between steps: pgshadow's own private directory, removed on every exit path.
class ScratchDirectory {
 public:
  static Result<ScratchDirectory> make() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/pgshadow-rollout-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) return Error::infrastructure("cannot create " + pattern);
    ScratchDirectory dir;
    dir.path_ = pattern;
    return dir;
  }
  ScratchDirectory() = default;
  ScratchDirectory(ScratchDirectory&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  ScratchDirectory& operator=(ScratchDirectory&&) = delete;
  ~ScratchDirectory() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Reports {
  std::optional<OutputFile> json;
  std::optional<OutputFile> markdown;
  std::optional<OutputFile> junit;
  std::optional<OutputFile> html;
  std::optional<OutputFile> metrics;
};

Result<Reports> prepare_reports(const RolloutOptions& options, const rollout::DeployPlan& plan) {
  std::vector<FileIdentity> inputs = identities_of(options.plan_file);
  for (const auto& path : {options.baseline_file, plan.old_capture, plan.new_capture}) {
    auto more = identities_of(path);
    inputs.insert(inputs.end(), more.begin(), more.end());
  }
  Reports reports;
  if (!options.report_file.empty()) {
    auto file = OutputFile::prepare("--report", options.report_file, inputs);
    if (!file) return file.error();
    reports.json.emplace(std::move(*file));
  }
  for (const auto& [flag, path, report] : {std::tuple{"--markdown", &options.markdown_file, &reports.markdown},
                                            std::tuple{"--junit", &options.junit_file, &reports.junit},
                                            std::tuple{"--html", &options.html_file, &reports.html},
                                            std::tuple{"--metrics-file", &options.metrics_file, &reports.metrics}}) {
    if (path->empty()) continue;
    auto file = OutputFile::prepare(flag, *path, inputs);
    if (!file) return file.error();
    report->emplace(std::move(*file));
  }
  return reports;
}

}  // namespace

void add_rollout_command(CLI::App& app, RolloutOptions& options) {
  CLI::App* command = app.add_subcommand(
      "rollout",
      "Replay a rolling deploy: every phase of a deploy plan (deploy.yaml) with the traffic of the old and the new "
      "application, and the way back.\n\n"
      "  pgshadow rollout SCENARIO_DIR [--report FILE]\n\n"
      "Each step (phase, then the rollback) gets its own pair of embedded clusters: the baseline holds the state\n"
      "the step starts in (the scenario's baseline, then what the earlier steps' deployed traffic wrote), the\n"
      "shadow the same plus the step's migrations. The result is a matrix of verdicts by step and version, with\n"
      "the plan's data checks. Captures: SCENARIO_DIR/traffic/old and traffic/new (or the plan's captures:).");
  command->add_option("scenario", options.scenario_dir, "Scenario directory: deploy.yaml, baseline.sql, migrations/, traffic/")
      ->type_name("DIR")
      ->required();
  command->add_option("--plan", options.plan_file, "The deploy plan (default: SCENARIO_DIR/deploy.yaml)")->type_name("FILE");
  command->add_option("--baseline", options.baseline_file,
                      "The database before the deploy: plain SQL, or a pg_dump -Fc archive")
      ->type_name("FILE");
  command->add_option("--globals", options.globals_file, "The roles: pg_dumpall --globals-only output")->type_name("FILE");
  command->add_option("--database-owner", options.database_owner, "Owner of the embedded database")->type_name("ROLE");
  command->add_option("--pg-bin", options.pg_bin, "PostgreSQL server binaries for the embedded servers")->type_name("DIR");
  command->add_option("--report", options.report_file, "The phase matrix as JSON (docs/rollout-report.md)")
      ->type_name("FILE");
  command->add_option("--markdown", options.markdown_file, "The phase matrix as Markdown")->type_name("FILE");
  command->add_option("--html", options.html_file,
                      "The phase matrix as one self-contained HTML page: cells coloured by verdict, their findings, "
                      "the checks")
      ->type_name("FILE");
  command->add_option("--junit", options.junit_file,
                      "The phase matrix as JUnit XML: a test case per deployed cell, migration failure and check")
      ->type_name("FILE");
  command->add_option("--metrics-file", options.metrics_file,
                      "The phase matrix as Prometheus metrics in the text format (docs/metrics.md)")
      ->type_name("FILE");
  command->add_option("--pushgateway", options.pushgateway,
                      "Push the phase matrix's metrics to this Pushgateway at the end (job pgshadow_rollout)")
      ->type_name("URL");
  command->add_option("--run-id", options.run_id, "The run's id in the metrics (default: as for verify)")
      ->type_name("ID");
  command->add_option("--fail-on", options.fail_on, "The weakest plan verdict that fails the run (exit 1)")
      ->check(CLI::IsMember({"breaking", "review"}));
  command->add_flag("-q,--quiet", options.quiet, "Print the verdict line only");
  add_replay_options(*command, options.replay);
}

int run_rollout(const RolloutOptions& given) {
  RolloutOptions options = given;
  // The plan parses, its migrations and captures exist and parse, and the reports can be
  // written: nothing is started for a plan that cannot work.
  if (Status s = complete_from_scenario(options); !s) return exit_status_for(s.error());
  auto plan_text = read_input_once("--plan", options.plan_file);
  if (!plan_text) return exit_status_for(plan_text.error());
  auto plan = rollout::parse_deploy_plan(*plan_text, options.plan_file, options.scenario_dir);
  if (!plan) return exit_status_for(plan.error());
  std::vector<std::vector<pg::MigrationScript>> phase_scripts;
  for (const auto& phase : plan->phases) {
    auto scripts = read_step_migrations(phase);
    if (!scripts) return exit_status_for(scripts.error());
    phase_scripts.push_back(std::move(*scripts));
  }
  std::vector<pg::MigrationScript> rollback_scripts;
  if (plan->rollback) {
    auto scripts = read_step_migrations(plan->rollback->step);
    if (!scripts) return exit_status_for(scripts.error());
    rollback_scripts = std::move(*scripts);
  }
  auto settings = replay_settings_from(options.replay);
  if (!settings) return exit_status_for(settings.error());
  auto reports = prepare_reports(options, *plan);
  if (!reports) return exit_status_for(reports.error());
  const std::int64_t started_unix =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string started_at = iso8601_utc(started_unix);
  auto run_id = resolve_run_id(options.run_id, started_at);
  if (!run_id) return exit_status_for(run_id.error());
  std::optional<metrics::PushgatewayUrl> pushgateway;
  if (!options.pushgateway.empty()) {
    auto url = metrics::parse_pushgateway_url(options.pushgateway);
    if (!url) return exit_status_for(url.error());
    pushgateway = *url;
  }
  RolloutContext context;
  context.plan = &*plan;
  context.globals_file = options.globals_file;
  context.database_owner = options.database_owner;
  context.pg_bin = options.pg_bin;
  context.as_captured_user = options.replay.set_role;
  context.settings = *settings;
  context.quiet = options.quiet;
  if (Status s = preview_captures(*plan, context); !s) return exit_status_for(s.error());
  auto scratch = ScratchDirectory::make();
  if (!scratch) return exit_status_for(scratch.error());
  context.scratch_dir = scratch->path();

  // Every phase in order, each starting from the state the one before it left; a phase whose
  // migration fails leaves no state, and the steps after it are not run.
  rollout::PhaseMatrix matrix;
  matrix.plan_file = options.plan_file;
  rollout::MatrixDescription description;
  description.scenario = fs::path(options.scenario_dir).lexically_normal().filename().string();
  if (description.scenario.empty()) {
    description.scenario = fs::path(options.scenario_dir).lexically_normal().parent_path().filename().string();
  }
  description.started_at = started_at;
  std::string state = options.baseline_file;
  std::vector<std::string> end_states;
  const auto not_run_row = [](const rollout::PlanStep& step, bool is_rollback) {
    rollout::MatrixRow row;
    row.step = step.name;
    row.is_rollback = is_rollback;
    row.deployed = step.traffic;
    row.new_share = step.new_share;
    for (const auto& migration : step.migrations) row.migrations.push_back(migration.written);
    for (AppVersion v : rollout::kAppVersions) {
      row.cells.push_back(rollout::cell_not_run(v, step.deploys(v), "an earlier step's migration failed"));
    }
    return row;
  };
  for (std::size_t i = 0; i < plan->phases.size(); ++i) {
    const rollout::PlanStep& phase = plan->phases[i];
    if (state.empty()) {
      matrix.rows.push_back(not_run_row(phase, false));
      end_states.emplace_back();
      continue;
    }
    StepInputs inputs;
    inputs.step = &phase;
    inputs.deployed_before = i == 0 ? std::vector<AppVersion>{AppVersion::kOld} : plan->phases[i - 1].traffic;
    inputs.scripts = &phase_scripts[i];
    inputs.start_state = state;
    inputs.state_name = std::to_string(i + 1) + "-" + phase.name;
    auto step = run_step(context, inputs);
    if (!step) return exit_status_for(step.error());
    description.server_version = step->server_version;
    matrix.rows.push_back(std::move(step->row));
    state = step->end_state;
    end_states.push_back(state);
  }
  // The way back starts from the end of the phase it rolls back.
  if (plan->rollback) {
    const std::string& from = end_states[plan->rollback_after_index()];
    rollout::MatrixRow row;
    if (from.empty()) {
      row = not_run_row(plan->rollback->step, true);
    } else {
      StepInputs inputs;
      inputs.step = &plan->rollback->step;
      inputs.is_rollback = true;
      inputs.deployed_before = plan->phases[plan->rollback_after_index()].traffic;
      inputs.scripts = &rollback_scripts;
      inputs.start_state = from;
      inputs.state_name = "rollback";
      auto step = run_step(context, inputs);
      if (!step) return exit_status_for(step.error());
      row = std::move(step->row);
    }
    row.after = plan->rollback->after;
    matrix.rows.push_back(std::move(row));
  }

  // The verdict, the reports, the summary: the exit status is the plan's.
  rollout::decide(matrix);
  const Verdict fail_on = options.fail_on == "review" ? Verdict::kReview : Verdict::kBreaking;
  int status = static_cast<int>(rollout::exit_code_for(matrix, fail_on));
  const auto registry = metrics::rollout_registry(matrix, {*run_id, description.scenario, started_unix});
  const std::string json_report = rollout::render_matrix_json(matrix, description);
  for (const auto& [file, text] :
       {std::pair{&reports->json, json_report},
        std::pair{&reports->junit, report::render_rollout_junit(nlohmann::json::parse(json_report))},
        std::pair{&reports->markdown, rollout::render_matrix_markdown(matrix, description)},
        std::pair{&reports->html, report::render_rollout_html(nlohmann::json::parse(json_report))},
        std::pair{&reports->metrics, metrics::exposition_text(*registry)}}) {
    if (!file->has_value()) continue;
    if (Status written = (*file)->write(text); !written) {
      std::cerr << "pgshadow: " << written.error().message << "\n";
      status = static_cast<int>(ExitCode::kInfrastructure);
    }
  }
  if (pushgateway) {
    if (Status pushed = metrics::push_metrics(*pushgateway, registry, "pgshadow_rollout", {{"run", *run_id}},
                                              metrics::kPushTimeout, &interrupt_requested());
        !pushed) {
      std::cerr << "pgshadow: " << pushed.error().message << "\n";
      status = static_cast<int>(ExitCode::kInfrastructure);
    }
  }
  const std::string summary = rollout::render_matrix_summary(matrix, description);
  if (options.quiet) {
    std::cout << summary.substr(summary.rfind("ROLLOUT: "));
  } else {
    std::cout << summary;
  }
  return status;
}

}  // namespace pgshadow::cli
