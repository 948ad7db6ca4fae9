#pragma once
// `pgshadow report FILE.json --format md|html|junit [-o FILE]`: renders a saved JSON report
// again, with the same renderers `pgshadow verify` uses.
#include <string>

#include <CLI/CLI.hpp>

namespace pgshadow::cli {

struct ReportOptions {
  std::string input;
  std::string format = "md";
  std::string output;  // empty or "-": standard output
};

void add_report_command(CLI::App& app, ReportOptions& options);
int run_report(const ReportOptions& options);

}  // namespace pgshadow::cli
