#include "report_command.h"

#include <iostream>

#include <nlohmann/json.hpp>

#include "exit_status.h"
#include "output_file.h"
#include "path_arguments.h"
#include "pgshadow/core/verdict.h"
#include "pgshadow/report/renderers.h"

namespace pgshadow::cli {

void add_report_command(CLI::App& app, ReportOptions& options) {
  CLI::App* report = app.add_subcommand(
      "report", "Render a saved JSON report (pgshadow verify --report) as Markdown, HTML or JUnit XML.\n\n"
                "  pgshadow report report.json --format html -o report.html");
  report->footer(
      "Exit status:\n"
      "  0  rendered\n"
      "  2  bad usage or input: not a pgshadow JSON report (named with the field at fault), an\n"
      "     unknown --format\n"
      "  3  the output (-o, standard output) cannot be written\n");
  report->add_option("report", options.input, "The JSON report")->required()->type_name("FILE.json");
  report->add_option("--format,-f", options.format,
                     "md, html, junit, json, github (workflow annotations) or codequality (GitLab Code Quality)")
      ->capture_default_str();
  report->add_option("-o,--output", options.output, "Write here instead of standard output")->type_name("FILE");
}

int run_report(const ReportOptions& options) {
  // Checked before the input is read: it must not be the input.
  auto output = OutputFile::prepare("-o", options.output.empty() ? "-" : options.output, identities_of(options.input));
  if (!output) return exit_status_for(output.error());
  auto input = read_input_once("report", options.input);  // it may be a FIFO: read once
  if (!input) return exit_status_for(input.error());
  nlohmann::json report;
  try {
    report = nlohmann::json::parse(*input);
  } catch (const nlohmann::json::parse_error& error) {
    return exit_status_for(Error::bad_input(options.input + ": not valid JSON (" + error.what() + ")"));
  }
  if (Status valid = report::check_report_json(report, options.input); !valid) return exit_status_for(valid.error());
  Result<std::string> text = [&]() -> Result<std::string> {
    try {
      return report::render(report, options.format);
    } catch (const nlohmann::json::exception& error) {  // a field of the wrong type
      return Error::bad_input(options.input + ": unexpected report content (" + error.what() + ")");
    }
  }();
  if (!text) return exit_status_for(text.error());
  if (Status written = output->write(*text); !written) return exit_status_for(written.error());
  return 0;
}

}  // namespace pgshadow::cli
