#pragma once
// `pgshadow capture`: converts server logs to the canonical capture, or describes them.
#include <string>
#include <vector>

#include "filter_options.h"

namespace pgshadow::cli {

struct CaptureOptions {
  std::vector<std::string> inputs;
  std::string output;  // -o FILE ("-" = standard output)
  bool stats = false;
  bool json = false;
  FilterOptions filters;
};

void add_capture_command(CLI::App& app, CaptureOptions& options);
int run_capture(const CaptureOptions& options);

}  // namespace pgshadow::cli
