#pragma once
// The end of `pgshadow verify`: the reports it writes, the summary it prints, and the gate that
// turns the findings into the exit status.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "pgshadow/judge/findings.h"
#include "pgshadow/judge/gate.h"
#include "pgshadow/report/run_report.h"
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
};

void add_output_options(CLI::App& verify, OutputOptions& options);

// Checks what can be checked before any server starts (values of flags, the allowlist, its
// expiry dates). Error kBadInput naming the flag, file and line at fault.
Status check_output_options(const OutputOptions& options);

// The gate's policy from the flags (check_output_options has accepted them).
Result<judge::GatePolicy> gate_policy(const OutputOptions& options);

// Writes the reports, prints the summary, and returns the exit status the gate decides.
int finish_outputs(const OutputOptions& options, const report::RunDescription& run,
                   const judge::FindingsBook& findings);

}  // namespace pgshadow::cli
