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
#include <string>
#include <string_view>

#include "pgshadow/util/result.h"

namespace pgshadow::capture {

// `file_name` only names the source in error messages.
// Errors: "FILE: no log_line_prefix setting found (expected ...)", an unterminated quote.
Result<std::string> log_line_prefix_from_settings(std::string_view text, const std::string& file_name);

// Reads `file` and applies log_line_prefix_from_settings. Errors also: the file cannot be read.
Result<std::string> read_log_line_prefix_setting(const std::string& file);

}  // namespace pgshadow::capture
