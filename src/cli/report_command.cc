#include "report_command.h"

#include <fstream>
#include <iostream>

#include <nlohmann/json.hpp>

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
  std::ifstream in(options.input);
  if (!in) return fail("cannot read " + options.input);
  nlohmann::json report;
  try {
    report = nlohmann::json::parse(in);
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
  if (options.output.empty() || options.output == "-") {
    std::cout << *text;
    return 0;
  }
  std::ofstream out(options.output);
  out << *text;
  if (!out) return fail("cannot write " + options.output);
  return 0;
}

}  // namespace pgshadow::cli
