#include "verify_outputs.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "pgshadow/report/renderers.h"
#include "terminal.h"

namespace pgshadow::cli {
namespace {

std::vector<ReportRequest> requests_of(const OutputOptions& options) {
  std::vector<ReportRequest> requests;
  if (!options.report_dir.empty()) requests = reports_in_directory(options.report_dir);
  if (!options.report_file.empty()) requests.push_back({"--report", options.report_file, "json"});
  if (!options.junit_file.empty()) requests.push_back({"--junit", options.junit_file, "junit"});
  if (!options.markdown_file.empty()) requests.push_back({"--markdown", options.markdown_file, "md"});
  if (!options.html_file.empty()) requests.push_back({"--html", options.html_file, "html"});
  return requests;
}

// -q's one line: "VERDICT: BREAKING (3 of 12 query shapes break)".
std::string verdict_line(const report::RunDescription& run, const judge::GateDecision& gate,
                         const judge::FindingsBook& findings) {
  const std::string verdict = report::verdict_word(gate.verdict, findings.accounting(), run.interrupted.has_value());
  if (run.interrupted) return "VERDICT: " + verdict + ": interrupted by " + run.interrupted->signal;
  const auto judged = findings.verdict_reasons();
  const auto& reasons = judged.empty() ? gate.reasons : judged;
  return "VERDICT: " + verdict + (reasons.empty() ? "" : ": " + reasons.front());
}

// -v: where the time went and which files hold the reports.
void print_details(std::ostream& out, const report::RunDescription& run,
                   const ReportFiles& outputs) {
  const auto seconds = [](double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f s", value);
    return std::string(text);
  };
  out << "  time: setup " << seconds(run.setup_seconds);
  if (run.replay != nullptr) {
    for (const auto& [stage, spent] : run.replay->stage_seconds) {
      if (spent >= 0.05) out << ", " << stage << " " << seconds(spent);
    }
  }
  out << "\n";
  for (const auto& report : outputs.reports()) {
    out << "  report (" << report.format << "): " << report.file.path() << "\n";
  }
}

}  // namespace

void add_output_options(CLI::App& verify, OutputOptions& options) {
  verify.add_option("--report", options.report_file,
                    "Write the JSON report (docs/report-format.md) here; - for standard output (the summary "
                    "then goes to standard error)")
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
  verify.add_flag("-q,--quiet", options.quiet, "Print only the verdict line (and errors): no summary, no progress");
  verify.add_flag("-v,--verbose", options.verbose,
                  "After the summary, also where the run's time went and which reports were written");
  verify.add_option("--markdown-budget", options.markdown_budget,
                    "The Markdown report stays under this many bytes (a pull-request comment holds 65,536 "
                    "characters); what does not fit is counted in a note")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1000}, std::size_t{100'000'000}))
      ->type_name("BYTES");
}

namespace {

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
    if (Status s = check_input_path("--allowlist", options.allowlist_file, PathUse::kFile); !s) return s.error();
    auto allowlist = judge::load_allowlist(options.allowlist_file, judge::utc_today());
    if (!allowlist) return allowlist.error();
    policy.allowlist = std::move(allowlist->entries);
    policy.severities.strict_columns = policy.severities.strict_columns || allowlist->strict_columns;
  }
  return policy;
}

}  // namespace

Result<PreparedOutputs> prepare_outputs(const OutputOptions& options, const std::vector<FileIdentity>& inputs) {
  PreparedOutputs prepared;
  auto policy = gate_policy(options);
  if (!policy) return policy.error();
  prepared.policy = std::move(*policy);
  prepared.options = options;
  auto reports = ReportFiles::prepare(options.report_dir, requests_of(options), inputs);
  if (!reports) return reports.error();
  prepared.reports = std::move(*reports);
  return prepared;
}

int finish_outputs(PreparedOutputs& outputs, const report::RunDescription& run,
                   const judge::FindingsBook& findings) {
  const OutputOptions& options = outputs.options;
  const judge::GateDecision gate = judge::decide(findings, outputs.policy);
  const bool all_written = outputs.reports.write(report::to_json(run, findings, &gate), options.markdown_budget);
  const bool report_on_stdout = outputs.reports.to_standard_output();
  std::ostream& summary = report_on_stdout ? std::cerr : std::cout;
  const bool color = use_color(options.color, report_on_stdout ? STDERR_FILENO : STDOUT_FILENO);
  if (options.quiet) {
    summary << verdict_line(run, gate, findings) << "\n";
  } else {
    report::print_summary(summary, run, findings, color, &gate);
  }
  if (options.verbose) print_details(summary, run, outputs.reports);
  if (findings.accounting().failed > 0 && !run.interrupted) {
    // Statements that could not be run leave the verdict unproven: an infrastructure failure.
    // (An interrupted run says so itself, with the signal's status.)
    std::cerr << "pgshadow: " << findings.accounting().failed
              << " statements could not be replayed (see 'failed' in the accounting): the run is incomplete\n";
    return static_cast<int>(ExitCode::kInfrastructure);
  }
  if (!all_written) return static_cast<int>(ExitCode::kInfrastructure);
  return static_cast<int>(gate.exit_code);
}

}  // namespace pgshadow::cli
