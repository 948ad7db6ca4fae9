#include "verify_outputs.h"

#include <unistd.h>

#include <filesystem>
#include <algorithm>
#include <iostream>

#include "pgshadow/report/renderers.h"

namespace pgshadow::cli {
namespace {

struct Output {
  std::string flag;
  std::string path;
  const char* format;
};

std::vector<Output> outputs_of(const OutputOptions& options) {
  std::vector<Output> outputs;
  if (!options.report_dir.empty()) {
    const std::filesystem::path dir(options.report_dir);
    outputs.push_back({"--report-dir", (dir / "report.json").string(), "json"});
    outputs.push_back({"--report-dir", (dir / "report.xml").string(), "junit"});
    outputs.push_back({"--report-dir", (dir / "report.md").string(), "md"});
    outputs.push_back({"--report-dir", (dir / "report.html").string(), "html"});
  }
  if (!options.report_file.empty()) outputs.push_back({"--report", options.report_file, "json"});
  if (!options.junit_file.empty()) outputs.push_back({"--junit", options.junit_file, "junit"});
  if (!options.markdown_file.empty()) outputs.push_back({"--markdown", options.markdown_file, "md"});
  if (!options.html_file.empty()) outputs.push_back({"--html", options.html_file, "html"});
  return outputs;
}

}  // namespace

void add_output_options(CLI::App& verify, OutputOptions& options) {
  verify.add_option("--report", options.report_file, "Write the JSON report (docs/report-format.md) here")
      ->type_name("FILE");
  verify.add_option("--junit", options.junit_file, "Write a JUnit XML report (one test case per query shape)")
      ->type_name("FILE");
  verify.add_option("--markdown", options.markdown_file,
                    "Write a Markdown report (for a pull-request comment or a job summary)")
      ->type_name("FILE");
  verify.add_option("--html", options.html_file, "Write a self-contained HTML report")->type_name("FILE");
  verify.add_option("--report-dir", options.report_dir,
                    "Write every report into DIR: report.json, report.xml (JUnit), report.md, report.html")
      ->type_name("DIR");
  verify.add_option("--fail-on", options.fail_on, "Weakest verdict that exits 1: review or breaking")
      ->capture_default_str();
  verify.add_option("--max", options.budgets,
                    "Budget for a class: CLASS=COUNT or CLASS=PERCENT% of the compared statements "
                    "(e.g. rows_changed=0.1%, error_shadow_only=0); within it the class does not weigh in "
                    "the verdict, over it the run is breaking; repeatable")
      ->type_name("CLASS=LIMIT");
  verify.add_option("--allowlist", options.allowlist_file,
                    "YAML file of accepted differences (fingerprint or normalized, class, reason, expires: "
                    "YYYY-MM-DD); allowed findings stay in the reports, marked allowed; an expired entry "
                    "is an error (docs/ci-gate.md)")
      ->type_name("FILE");
  verify.add_flag("!--no-color", options.color, "No colors in the summary");
}

namespace {

Result<judge::GatePolicy> gate_policy(const OutputOptions& options) {
  judge::GatePolicy policy;
  const auto fail_on = verdict_from_string(options.fail_on);
  if (!fail_on || *fail_on == Verdict::kSafe) {
    return Error::bad_input("--fail-on must be 'review' or 'breaking', not '" + options.fail_on + "'");
  }
  policy.fail_on = *fail_on;
  for (const auto& text : options.budgets) {
    auto budget = judge::parse_class_budget(text);
    if (!budget) return budget.error();
    policy.budgets.push_back(std::move(*budget));
  }
  if (!options.allowlist_file.empty()) {
    if (Status s = check_input_path("--allowlist", options.allowlist_file, PathUse::kFile); !s) return s.error();
    auto allowlist = judge::load_allowlist(options.allowlist_file, judge::utc_today());
    if (!allowlist) return allowlist.error();
    policy.allowlist = std::move(*allowlist);
  }
  return policy;
}

}  // namespace

Result<PreparedOutputs> prepare_outputs(const OutputOptions& options, const std::vector<FileIdentity>& inputs) {
  PreparedOutputs prepared;
  auto policy = gate_policy(options);
  if (!policy) return policy.error();
  prepared.policy = std::move(*policy);
  prepared.color = options.color;
  if (!options.report_dir.empty()) {
    if (Status s = check_input_path("--report-dir", options.report_dir, PathUse::kDirectory); !s) return s.error();
    std::error_code error;
    std::filesystem::create_directories(options.report_dir, error);
    if (error) return Error::bad_input("--report-dir " + options.report_dir + ": " + error.message());
  }
  std::vector<std::string> named;  // two flags naming one file would overwrite each other
  for (const auto& [flag, path, format] : outputs_of(options)) {
    const std::string resolved = std::filesystem::weakly_canonical(path).string();
    if (std::find(named.begin(), named.end(), resolved) != named.end()) {
      return Error::bad_input(flag + " " + path + ": named by another report option too");
    }
    named.push_back(resolved);
    auto file = OutputFile::prepare(flag, path, inputs);
    if (!file) return file.error();
    prepared.reports.push_back({std::move(*file), format});
  }
  return prepared;
}

int finish_outputs(PreparedOutputs& outputs, const report::RunDescription& run,
                   const judge::FindingsBook& findings) {
  const judge::GateDecision gate = judge::decide(findings, outputs.policy);
  bool all_written = true;
  if (!outputs.reports.empty()) {
    const nlohmann::json json = report::to_json(run, findings, &gate);
    for (auto& [file, format] : outputs.reports) {
      if (Status written = file.write(*report::render(json, format)); !written) {
        std::cerr << "pgshadow: " << written.error().message << "\n";
        all_written = false;
      }
    }
  }
  report::print_summary(std::cout, run, findings, outputs.color && isatty(STDOUT_FILENO), &gate);
  if (findings.accounting().failed > 0) {
    // Statements that could not be run leave the verdict unproven: an infrastructure failure.
    std::cerr << "pgshadow: " << findings.accounting().failed
              << " statements could not be replayed (see 'failed' in the accounting): the run is incomplete\n";
    return static_cast<int>(ExitCode::kInfrastructure);
  }
  if (!all_written) return static_cast<int>(ExitCode::kInfrastructure);
  return static_cast<int>(gate.exit_code);
}

}  // namespace pgshadow::cli
