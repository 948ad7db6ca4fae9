#pragma once
// The formats capture reads, and how an input's format is told: by its content (the first
// lines, decompressed), whatever its name — a csvlog named .log, a file without an extension,
// logrotate's postgresql-15-main.log.1 and .log.2.gz, standard input — and by its name only
// when it is empty. Pure functions apart from format_of_file; thread-safe.
#include <optional>
#include <string>
#include <string_view>

namespace pgshadow::capture {

// Ordered from the most structured server log to the least; kCapture is pgshadow's own format.
enum class LogFormat { kCsvlog, kJsonlog, kStderr, kSyslog, kCapture };

// "csvlog", "jsonlog", "stderr", "syslog", "capture": the names used in descriptions and messages.
std::string_view format_name(LogFormat format);

// By extension, case-insensitive, a compression suffix (.gz, .bz2, .xz) or a logrotate number
// (.1) looked through: *.csv csvlog, *.json jsonlog (the server's names), *.log stderr, *.jsonl
// capture. nullopt for anything else.
std::optional<LogFormat> format_of_name(const std::string& path);

// By the first line that is not blank: a JSON object with "pgshadow_capture" is a capture, one
// with "timestamp" and "error_severity" a jsonlog; a line whose first comma-separated field is a
// log time ("2026-12-01 09:28:01.531 CET") a csvlog; a line rsyslog wrote ("Dec  1 09:28:01 HOST
// postgres[PID]: ...") a syslog file; anything else a stderr log.
// A JSON line that is neither (a capture without its header, a jsonlog line with invalid UTF-8)
// is a capture, or a jsonlog when `by_name` says so, for their readers' messages.
LogFormat format_of_first_line(std::string_view line, std::optional<LogFormat> by_name = std::nullopt);

// Whether a line of unknown origin starts like a stderr log line of some prefix: a time
// ("2026-..."), an epoch (%n) or a "[pid]".
bool looks_like_stderr_log(std::string_view line);

struct SniffedFile {
  LogFormat format;
  std::string first_line;  // the first non-blank line, decompressed ("" for an empty file)
};
// Opens `path` (any compression) and tells its format by content; nullopt when it cannot be
// read or holds no line (then its name decides, if anything).
std::optional<SniffedFile> sniff_file(const std::string& path);

}  // namespace pgshadow::capture
