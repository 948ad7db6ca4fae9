#pragma once
// Guessing a stderr log's log_line_prefix when the user did not give it: the common prefixes
// (PostgreSQL's default, Debian's, pgbadger's recommendations, RDS's...) are each tried on the
// first lines of the log, and the one that parses the most of them wins. Pure; thread-safe.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "pgshadow/util/result.h"

namespace pgshadow::capture {

struct PrefixGuess {
  std::string log_line_prefix;
  std::size_t lines_matched = 0;
  std::size_t lines_tried = 0;  // the sample's lines, less continuation lines (they carry no prefix)
};

// The candidates, in order of preference on a tie.
const std::vector<std::string>& common_log_line_prefixes();

// `first_lines`: the first lines of the log (about 200), without their newlines; `file` names
// it in the error. The winner must parse at least half of the lines tried: a prefix that only
// fits here and there is the wrong one.
// Error (kBadInput): "FILE:1: no known log_line_prefix matches this log; give
// --log-line-prefix. First line: LINE" (the line cut at 200 bytes).
Result<PrefixGuess> guess_log_line_prefix(const std::vector<std::string>& first_lines,
                                          const std::string& file);

}  // namespace pgshadow::capture
