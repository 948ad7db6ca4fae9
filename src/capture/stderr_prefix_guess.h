#pragma once
// Guessing a stderr log's log_line_prefix when the user did not give it. The candidates are
// derived from the lines themselves: the prefix text of a "connection authorized: user=U
// database=D" line, with each part that has the shape of an escape's value made that escape
// (a time %m/%t, a session id %c, a pid %p, a line number %l, a SQLSTATE %e, U %u, D %d, the
// application %a, a client %r/%h), with %q tried at each place; the common prefixes
// (PostgreSQL's default, Debian's, pgbadger's, RDS's...) are candidates too. Each is tried on
// the first lines (about 2000: a log may start with hundreds of checkpoint lines). A candidate is
// out when it reads a "connection authorized" line's user or database otherwise than the line
// names them (users like "[queryid=0] postgres"), or reads a client session's line (a
// statement, a connection) as a process without a session. Of the rest, the one that matches
// the most lines wins, then the one whose names hold no space, then the most specific. When
// another reads the same lines otherwise and nothing settles it, the guess is refused with the
// prefixes that fit. Pure; thread-safe.
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

// The common candidates, in order of preference on a tie.
const std::vector<std::string>& common_log_line_prefixes();

// The candidates derived from the lines (see above), for the first few "connection authorized" lines.
std::vector<std::string> derived_log_line_prefixes(const std::vector<std::string>& lines);

// `first_lines`: the first lines of the log (about 200), without their newlines; `file` names
// it in the error. The winner must parse at least half of the lines tried: a prefix that only
// fits here and there is the wrong one.
// Errors (kBadInput): "FILE:1: no known log_line_prefix matches this log; give
// --log-line-prefix. First line: LINE" (the line cut at 200 bytes); "FILE: cannot tell the
// log_line_prefix from the first N lines: K prefixes fit them all but read them differently:
// 'A', 'B'; give the server's with --log-line-prefix, or --log-settings postgresql.conf".
Result<PrefixGuess> guess_log_line_prefix(const std::vector<std::string>& first_lines,
                                          const std::string& file);

}  // namespace pgshadow::capture
