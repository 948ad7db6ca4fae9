#include "verify_outputs.h"

#include <unistd.h>

#include <fstream>
#include <iostream>

namespace pgshadow::cli {

void add_output_options(CLI::App& verify, OutputOptions& options) {
  verify.add_option("--report", options.report_file, "Write the JSON report (docs/report-format.md) here")
      ->type_name("FILE");
  verify.add_option("--fail-on", options.fail_on, "Weakest verdict that exits 1: review or breaking")
      ->capture_default_str();
  verify.add_flag("!--no-color", options.color, "No colors in the summary");
}

Status check_output_options(const OutputOptions& options) {
  if (!verdict_from_string(options.fail_on) || options.fail_on == "safe") {
    return Error::bad_input("--fail-on must be 'review' or 'breaking', not '" + options.fail_on + "'");
  }
  return Status::success();
}

int finish_outputs(const OutputOptions& options, const report::RunDescription& run,
                   const judge::FindingsBook& findings) {
  if (!options.report_file.empty()) {
    std::ofstream out(options.report_file);
    out << report::to_json(run, findings).dump(2) << "\n";
    if (!out) std::cerr << "pgshadow: cannot write the report to " << options.report_file << "\n";
  }
  report::print_summary(std::cout, run, findings, options.color && isatty(STDOUT_FILENO));
  if (findings.accounting().failed > 0) {
    // Statements that could not be run leave the verdict unproven: an infrastructure failure.
    std::cerr << "pgshadow: " << findings.accounting().failed
              << " statements could not be replayed (see 'failed' in the accounting): the run is incomplete\n";
    return static_cast<int>(ExitCode::kInfrastructure);
  }
  return static_cast<int>(exit_code_for(findings.verdict(), *verdict_from_string(options.fail_on)));
}

}  // namespace pgshadow::cli
