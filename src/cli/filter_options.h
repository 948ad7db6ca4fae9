#pragma once
// How captures are read and filtered: options shared by `verify` and `capture`.
#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "pgshadow/capture/capture_quality.h"
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
  std::string log_settings;                    // postgresql.conf: log_line_prefix, log_timezone, ...
  std::optional<std::string> log_timezone;     // the server's log_timezone (IANA name)
  double max_unusable = capture::kDefaultMaxUnusableShare;  // --max-unusable
};

void add_filter_options(CLI::App& command, FilterOptions& options);

// Error kBadInput naming the flag and value at fault.
Result<capture::EventFilter> build_filter(const FilterOptions& options);

// Opens the captures and wraps them in the filter when there is one, and (`checked`) in the
// capture quality check (capture_quality.h): the source's end is then an Error when no event
// was kept or too much of the capture was unusable. `filtered` points at the filtering source
// (owned by the returned pointer) or is null.
Result<std::unique_ptr<capture::EventSource>> open_filtered_capture(
    const std::vector<std::string>& paths, const FilterOptions& options,
    const capture::FilteredEventSource** filtered, bool checked = true);

// For a source from open_filtered_capture(checked): reads ahead to its first event, so that a
// capture with nothing to compare fails before any server is started.
Status read_first_event(capture::EventSource& source);

}  // namespace pgshadow::cli
