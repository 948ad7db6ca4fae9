// open_capture: from the paths a user named to one EventSource. Each path is one input (a file,
// standard input, or a directory or glob of rotated files of one format); inputs are merged by
// MergedEventSource.
#include <sys/stat.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "csvlog_event_source.h"
#include "input_selection.h"
#include "input_stream.h"
#include "jsonl_event_source.h"
#include "jsonlog_event_source.h"
#include "merged_event_source.h"
#include "pgshadow/capture/event_source.h"
#include "stderr_event_source.h"
#include "stderr_settings.h"

namespace pgshadow::capture {
namespace {

// `first_opened`: selection.files[0] already opened (standard input).
Result<std::unique_ptr<EventSource>> source_for(InputSelection selection, const CaptureReadOptions& options,
                                                InputProblems& problems, const ServerLogSettings& settings,
                                                std::unique_ptr<InputStream> first_opened = nullptr) {
  auto& [format, files, description] = selection;
  switch (format) {
    case LogFormat::kCsvlog:
      return std::unique_ptr<EventSource>(std::make_unique<CsvlogEventSource>(
          std::move(files), std::move(description), problems, settings, std::move(first_opened)));
    case LogFormat::kJsonlog:
      return std::unique_ptr<EventSource>(std::make_unique<JsonlogEventSource>(
          std::move(files), std::move(description), problems, settings, std::move(first_opened)));
    case LogFormat::kCapture:
      return std::unique_ptr<EventSource>(std::make_unique<JsonlEventSource>(
          std::move(files), std::move(description), problems, std::move(first_opened)));
    case LogFormat::kStderr:
    case LogFormat::kSyslog: {
      const StderrOptions stderr_options{options.log_line_prefix, options.log_settings_file,
                                         format == LogFormat::kSyslog};
      auto source = open_stderr_log(std::move(files), std::move(description), stderr_options, problems,
                                    settings, std::move(first_opened));
      if (!source) return source.error();
      return std::unique_ptr<EventSource>(std::move(*source));
    }
  }
  return Error::bad_input("unknown input format: " + description);
}

// Standard input, a FIFO or a character device can be read only once: opened once, and its
// format told from its first line, which the reader then reads again from memory.
Result<std::unique_ptr<EventSource>> source_for_stream(const std::string& path, const CaptureReadOptions& options,
                                                       InputProblems& problems, const ServerLogSettings& settings) {
  const std::string name = path == InputStream::kStandardInput ? "standard input" : path;
  auto input = InputStream::open(path);
  if (!input) return input.error();
  LogFormat format;
  try {
    format = format_of_first_line((*input)->peek_first_line());
  } catch (...) {
    return read_error(name);
  }
  InputSelection selection{format, {path}, std::string(format_name(format)) + ": " + name};
  return source_for(std::move(selection), options, problems, settings, std::move(*input));
}

// The server's log_timezone and log_parameter_max_length, from the options and the settings
// file (and the postgresql.auto.conf beside it).
Status resolve_server_settings(const CaptureReadOptions& options, ServerLogSettings& settings) {
  std::optional<std::string> zone_name = options.log_timezone;
  std::string zone_origin = "--log-timezone";
  if (!options.log_settings_file.empty()) {
    auto read = read_log_settings(options.log_settings_file);
    if (!read) return read.error();
    if (!zone_name && read->log_timezone) {
      zone_name = read->log_timezone;
      zone_origin = "log_timezone in " + read->log_timezone_from;
    }
    settings.log_parameter_max_length = read->log_parameter_max_length;
  }
  if (zone_name) {
    auto zone = LogTimeZone::named(*zone_name, zone_origin);
    if (!zone) return zone.error();
    settings.time_zone = std::move(*zone);
  }
  return Status::success();
}

bool names_stream(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && (S_ISFIFO(info.st_mode) || S_ISCHR(info.st_mode) || S_ISSOCK(info.st_mode));
}

}  // namespace

Result<std::unique_ptr<EventSource>> open_capture(const std::vector<std::string>& paths,
                                                  const CaptureReadOptions& options) {
  if (paths.empty()) return Error::bad_input("no capture input given");
  auto merged = std::make_unique<MergedEventSource>();
  if (Status s = resolve_server_settings(options, merged->server_settings()); !s) return s.error();
  const ServerLogSettings& settings = merged->server_settings();
  const SelectionContext context{settings.time_zone, options.log_line_prefix};
  bool standard_input_used = false;
  for (const std::string& path : paths) {
    Result<std::unique_ptr<EventSource>> source = Error::bad_input("");
    if (path == InputStream::kStandardInput) {
      if (standard_input_used) return Error::bad_input("standard input (\"-\") named more than once");
      standard_input_used = true;
      source = source_for_stream(path, options, merged->problem_sink(), settings);
    } else if (names_stream(path)) {
      source = source_for_stream(path, options, merged->problem_sink(), settings);
    } else {
      auto selection = select_input(path, context);
      if (!selection) return selection.error();
      source = source_for(std::move(*selection), options, merged->problem_sink(), settings);
    }
    if (!source) return source.error();
    merged->add_input(std::move(*source));
  }
  return std::unique_ptr<EventSource>(std::move(merged));
}

}  // namespace pgshadow::capture
