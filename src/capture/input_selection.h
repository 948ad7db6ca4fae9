#pragma once
// From one path a user named to the files to read and their format: a file, a directory, or a
// glob pattern. A directory (or a pattern) holds the rotated files of one log; when the server
// wrote several formats side by side (log_destination = 'stderr,csvlog,jsonlog') they carry the
// same traffic, so only the most structured format is read (csvlog, then jsonlog, then stderr)
// and the description says so. Files are in reading order: by their first timestamp, not their
// names. Standard input ("-") is not handled here (it has no name to tell its format by).
#include <string>
#include <vector>

#include "log_format.h"
#include "pgshadow/util/result.h"

namespace pgshadow::capture {

struct InputSelection {
  LogFormat format;
  std::vector<std::string> files;  // reading order
  // e.g. "csvlog: 3 files in DIR (also found 3 jsonlog and 3 stderr files: ignored, same traffic)"
  std::string description;
};

// Errors (exact texts in tests/capture/open_capture_test.cc): a path that does not exist, a
// pattern that matches nothing, a file of unknown format, a directory without log or capture
// files, a directory mixing captures and server logs.
Result<InputSelection> select_input(const std::string& path);

}  // namespace pgshadow::capture
