#pragma once
// The formats capture reads, and how an input's format is told: by its name (the extension the
// server or pgshadow gives it, before an optional ".gz"), or, for standard input, by its first
// line. Pure functions, thread-safe.
#include <optional>
#include <string>
#include <string_view>

namespace pgshadow::capture {

// Ordered from the most structured server log to the least; kCapture is pgshadow's own format.
enum class LogFormat { kCsvlog, kJsonlog, kStderr, kCapture };

// "csvlog", "jsonlog", "stderr", "capture": the names used in descriptions and messages.
std::string_view format_name(LogFormat format);

// By extension, case-insensitive, ".gz" looked through: *.csv csvlog, *.json jsonlog (the
// server's names), *.log stderr, *.jsonl capture. nullopt for anything else.
std::optional<LogFormat> format_of_name(const std::string& path);

// By the first line of an input without a name (standard input): a JSON object with
// "pgshadow_capture" is a capture, one with "timestamp" and "error_severity" a jsonlog, a line
// whose first comma-separated field is a log timestamp a csvlog; anything else a stderr log.
LogFormat format_of_first_line(std::string_view line);

}  // namespace pgshadow::capture
