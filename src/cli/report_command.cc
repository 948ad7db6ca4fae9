#include "report_command.h"

#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "output_file.h"
#include "path_arguments.h"
#include "pgshadow/core/verdict.h"
#include "pgshadow/report/renderers.h"

namespace pgshadow::cli {

void add_report_command(CLI::App& app, ReportOptions& options) {
  CLI::App* report = app.add_subcommand(
      "report", "Render a saved JSON report (pgshadow verify --report) as Markdown, HTML or JUnit XML.\n\n"
                "  pgshadow report report.json --format html -o report.html");
  report->add_option("report", options.input, "The JSON report")->required()->type_name("FILE.json");
  report->add_option("--format,-f", options.format, "md, html, junit or json")->capture_default_str();
  report->add_option("-o,--output", options.output, "Write here instead of standard output")->type_name("FILE");
}

int run_report(const ReportOptions& options) {
  const auto fail = [](const std::string& message) {
    std::cerr << "pgshadow: " << message << "\n";
    return static_cast<int>(ExitCode::kBadInput);
  };
  std::optional<OutputFile> output;  // checked before the input is read: it must not be the input
  if (!options.output.empty() && options.output != "-") {
    auto prepared = OutputFile::prepare("-o", options.output, identities_of(options.input));
    if (!prepared) return fail(prepared.error().message);
    output.emplace(std::move(*prepared));
  }
  auto input = read_input_once("report", options.input);  // it may be a FIFO: read once
  if (!input) return fail(input.error().message);
  nlohmann::json report;
  try {
    report = nlohmann::json::parse(*input);
  } catch (const nlohmann::json::parse_error& error) {
    return fail(options.input + ": not valid JSON (" + error.what() + ")");
  }
  if (Status valid = report::check_report_json(report, options.input); !valid) return fail(valid.error().message);
  Result<std::string> text = [&]() -> Result<std::string> {
    try {
      return report::render(report, options.format);
    } catch (const nlohmann::json::exception& error) {  // a field of the wrong type
      return Error::bad_input(options.input + ": unexpected report content (" + error.what() + ")");
    }
  }();
  if (!text) return fail(text.error().message);
  if (!output) {
    std::cout << *text;
    return 0;
  }
  if (Status written = output->write(*text); !written) {
    std::cerr << "pgshadow: " << written.error().message << "\n";
    return static_cast<int>(ExitCode::kInfrastructure);
  }
  return 0;
}

}  // namespace pgshadow::cli
