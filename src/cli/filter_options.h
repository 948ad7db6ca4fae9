#pragma once
// How captures are read and filtered: options shared by `verify` and `capture`.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "pgshadow/capture/event_filter.h"
#include "pgshadow/util/result.h"

namespace pgshadow::cli {

struct FilterOptions {
  std::vector<std::string> databases;
  std::vector<std::string> users;
  std::vector<std::string> applications;
  std::string since;
  std::string until;
  std::optional<double> sessions_sample;
  std::uint64_t seed = 0;
  std::string shard;
  std::optional<std::string> log_line_prefix;  // stderr logs
  std::string log_settings;                    // stderr logs: where to read log_line_prefix
};

void add_filter_options(CLI::App& command, FilterOptions& options);

// Error kBadInput naming the flag and value at fault.
Result<capture::EventFilter> build_filter(const FilterOptions& options);

// Opens the captures and wraps them in the filter when there is one. `filtered` points at the
// filtering source (owned by the returned pointer) or is null.
Result<std::unique_ptr<capture::EventSource>> open_filtered_capture(
    const std::vector<std::string>& paths, const FilterOptions& options,
    const capture::FilteredEventSource** filtered);

}  // namespace pgshadow::cli
