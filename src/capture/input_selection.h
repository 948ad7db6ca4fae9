#pragma once
// From one path a user named to the files to read and their format: a file, a directory, or a
// glob pattern. A directory (or a pattern) holds the rotated files of one log; when the server
// wrote several formats side by side (log_destination = 'stderr,csvlog,jsonlog') they carry the
// same traffic, so only the most structured format is read (csvlog, then jsonlog, then stderr)
// and the description says so. Files are in reading order: by their first timestamp, not their
// names. Standard input ("-") is not handled here (it has no name to tell its format by).
#include <string>
#include <vector>

#include <optional>

#include "log_format.h"
#include "log_time_zone.h"
#include "pgshadow/util/result.h"

namespace pgshadow::capture {

struct InputSelection {
  LogFormat format;
  std::vector<std::string> files;  // reading order
  // e.g. "csvlog: 3 files in DIR (also found 3 jsonlog and 3 stderr files: ignored, same traffic)"
  std::string description;
};

// Errors (exact texts in tests/capture/open_capture_test.cc): a path that does not exist, a
// pattern that matches nothing, a directory without log or capture files, a directory mixing
// captures and server logs.
// What reading order needs to know: the zone of the log times, the prefix of stderr logs.
struct SelectionContext {
  const LogTimeZone& zone;
  std::optional<std::string> log_line_prefix;
};

// The format of a file is told by its content (log_format.h), whatever its name.
Result<InputSelection> select_input(const std::string& path, const SelectionContext& context);

}  // namespace pgshadow::capture
