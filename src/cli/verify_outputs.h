#pragma once
// The end of `pgshadow verify`: the reports it writes, the summary it prints, and the gate that
// turns the findings into the exit status.
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "pgshadow/judge/findings.h"
#include "pgshadow/judge/gate.h"
#include "pgshadow/report/renderers.h"
#include "pgshadow/report/run_report.h"
#include "report_files.h"
#include "pgshadow/util/result.h"

namespace pgshadow::cli {

struct OutputOptions {
  std::string report_file;  // JSON report
  std::string junit_file;
  std::string markdown_file;
  std::string html_file;
  std::string report_dir;   // all four, as report.{json,xml,md,html}
  std::string fail_on = "breaking";
  std::vector<std::string> budgets;  // "rows_changed=0.1%"
  std::string allowlist_file;
  bool strict_columns = false;  // columns_added is breaking
  bool color = true;
  std::size_t markdown_budget = report::kDefaultMarkdownBudget;  // bytes
  bool quiet = false;    // -q: the verdict line only, no progress
  bool verbose = false;  // -v: also where the time went and which reports were written
};

void add_output_options(CLI::App& verify, OutputOptions& options);

// What the end of the run needs, settled before any server starts: the gate's policy (the
// allowlist read once) and every report file checked for writing.
struct PreparedOutputs {
  judge::GatePolicy policy;
  ReportFiles reports;
  OutputOptions options;
};

// Error kBadInput naming the flag, file and line at fault: a flag's value, the allowlist, an
// expired entry, a report path that cannot be written or that is one of `inputs`.
Result<PreparedOutputs> prepare_outputs(const OutputOptions& options, const std::vector<FileIdentity>& inputs);

// Writes the reports, prints the summary, and returns the exit status: the gate's, or 3 when a
// report could not be written (named on stderr; no partial file is left where it was expected)
// or statements could not be replayed.
int finish_outputs(PreparedOutputs& outputs, const report::RunDescription& run,
                   const judge::FindingsBook& findings);

}  // namespace pgshadow::cli
