#pragma once
// Where a stderr log's log_line_prefix comes from when the user names a settings file instead
// of giving the prefix: whatever they could get out of the server that wrote the log. Pure
// functions apart from reading the file; thread-safe.
//
// Accepted, told apart by their shape:
// - postgresql.conf (or any file of "name = value" lines): the last uncommented
//   `log_line_prefix = '...'` line, with the server's quoting ('' and backslash escapes);
// - `psql -c 'SHOW log_line_prefix'` output (the aligned table with its header);
// - `postgres -C log_line_prefix` or `psql -Atc 'SHOW log_line_prefix'` output: the value
//   itself on one line (trailing spaces are part of it).
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "pgshadow/util/result.h"

namespace pgshadow::capture {

// `file_name` only names the source in error messages.
// Errors: "FILE: no log_line_prefix setting found (expected ...)", an unterminated quote.
Result<std::string> log_line_prefix_from_settings(std::string_view text, const std::string& file_name);

// Reads `file` and applies log_line_prefix_from_settings. Errors also: the file cannot be read.
Result<std::string> read_log_line_prefix_setting(const std::string& file);

// The settings of postgresql.conf syntax capture uses (log_line_prefix, log_timezone,
// log_parameter_max_length), the last line of each winning; quotes undone as the server does.
Result<std::map<std::string, std::string>> conf_settings(std::string_view text, const std::string& file_name);

// What --log-settings FILE says about how the server wrote its log. FILE is a postgresql.conf
// (and then postgresql.auto.conf beside it is read too, and wins, as in the server), or the
// output of SHOW log_line_prefix / postgres -C log_line_prefix (the prefix only).
struct LogSettings {
  std::optional<std::string> log_line_prefix;
  std::string log_line_prefix_from;  // the file it was read from
  std::optional<std::string> log_timezone;
  std::string log_timezone_from;
  std::optional<int> log_parameter_max_length;  // -1: values never cut
};
// Errors: FILE is a directory or cannot be read, an unterminated quote, a file that is neither a
// postgresql.conf nor SHOW or -C output.
Result<LogSettings> read_log_settings(const std::string& file);

}  // namespace pgshadow::capture
