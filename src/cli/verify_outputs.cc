#include "verify_outputs.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "pgshadow/report/renderers.h"

namespace pgshadow::cli {
namespace {

struct Output {
  std::string path;
  const char* format;
};

std::vector<Output> outputs_of(const OutputOptions& options) {
  std::vector<Output> outputs;
  if (!options.report_dir.empty()) {
    const std::filesystem::path dir(options.report_dir);
    outputs.push_back({(dir / "report.json").string(), "json"});
    outputs.push_back({(dir / "report.xml").string(), "junit"});
    outputs.push_back({(dir / "report.md").string(), "md"});
    outputs.push_back({(dir / "report.html").string(), "html"});
  }
  if (!options.report_file.empty()) outputs.push_back({options.report_file, "json"});
  if (!options.junit_file.empty()) outputs.push_back({options.junit_file, "junit"});
  if (!options.markdown_file.empty()) outputs.push_back({options.markdown_file, "md"});
  if (!options.html_file.empty()) outputs.push_back({options.html_file, "html"});
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
  verify.add_flag("--strict-columns", options.strict_columns,
                  "The application scans result columns strictly (Go's sqlx and the like): a column added to "
                  "a result (columns_added) is breaking, not review");
  verify.add_flag("!--no-color", options.color, "No colors in the summary");
}

Result<judge::GatePolicy> gate_policy(const OutputOptions& options) {
  judge::GatePolicy policy;
  const auto fail_on = verdict_from_string(options.fail_on);
  if (!fail_on || *fail_on == Verdict::kSafe) {
    return Error::bad_input("--fail-on must be 'review' or 'breaking', not '" + options.fail_on + "'");
  }
  policy.fail_on = *fail_on;
  policy.severities.strict_columns = options.strict_columns;
  for (const auto& text : options.budgets) {
    auto budget = judge::parse_class_budget(text);
    if (!budget) return budget.error();
    policy.budgets.push_back(std::move(*budget));
  }
  if (!options.allowlist_file.empty()) {
    auto allowlist = judge::load_allowlist(options.allowlist_file, judge::utc_today());
    if (!allowlist) return allowlist.error();
    policy.allowlist = std::move(allowlist->entries);
    policy.severities.strict_columns = policy.severities.strict_columns || allowlist->strict_columns;
  }
  return policy;
}

Status check_output_options(const OutputOptions& options) {
  auto policy = gate_policy(options);
  if (!policy) return policy.error();
  if (!options.report_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(options.report_dir, error);
    if (error) return Error::bad_input("--report-dir " + options.report_dir + ": " + error.message());
  }
  return Status::success();
}

int finish_outputs(const OutputOptions& options, const report::RunDescription& run,
                   const judge::FindingsBook& findings) {
  auto policy = gate_policy(options);
  if (!policy) {  // accepted before the run: only an allowlist that changed meanwhile lands here
    std::cerr << "pgshadow: " << policy.error().message << "\n";
    return static_cast<int>(ExitCode::kBadInput);
  }
  const judge::GateDecision gate = judge::decide(findings, *policy);
  const std::vector<Output> outputs = outputs_of(options);
  if (!outputs.empty()) {
    const nlohmann::json json = report::to_json(run, findings, &gate);
    for (const auto& output : outputs) {
      std::ofstream out(output.path);
      out << *report::render(json, output.format);
      if (!out) std::cerr << "pgshadow: cannot write the " << output.format << " report to " << output.path << "\n";
    }
  }
  report::print_summary(std::cout, run, findings, options.color && isatty(STDOUT_FILENO), &gate);
  if (findings.accounting().failed > 0) {
    // Statements that could not be run leave the verdict unproven: an infrastructure failure.
    std::cerr << "pgshadow: " << findings.accounting().failed
              << " statements could not be replayed (see 'failed' in the accounting): the run is incomplete\n";
    return static_cast<int>(ExitCode::kInfrastructure);
  }
  return static_cast<int>(gate.exit_code);
}

}  // namespace pgshadow::cli
