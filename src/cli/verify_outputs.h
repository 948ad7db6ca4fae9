#pragma once
// The end of `pgshadow verify`: the reports it writes, the summary it prints, and the gate that
// turns the findings into the exit status.
#include <string>

#include <CLI/CLI.hpp>

#include "pgshadow/judge/findings.h"
#include "pgshadow/report/run_report.h"
#include "pgshadow/util/result.h"

namespace pgshadow::cli {

struct OutputOptions {
  std::string report_file;  // JSON report
  std::string fail_on = "breaking";
  bool color = true;
};

void add_output_options(CLI::App& verify, OutputOptions& options);

// Checks what can be checked before any server starts (values of flags, policy files).
// Error kBadInput naming the flag, file and line at fault.
Status check_output_options(const OutputOptions& options);

// Writes the reports, prints the summary, and returns the exit status the gate decides.
int finish_outputs(const OutputOptions& options, const report::RunDescription& run,
                   const judge::FindingsBook& findings);

}  // namespace pgshadow::cli
