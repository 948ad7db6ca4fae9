#include "stderr_prefix_guess.h"

#include "stderr_line_prefix.h"

namespace pgshadow::capture {

const std::vector<std::string>& common_log_line_prefixes() {
  static const std::vector<std::string> prefixes = {
      "%m [%p] ",                                            // PostgreSQL 10+ default
      "%m [%p] %q%u@%d ",                                    // Debian and Ubuntu packages
      "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",     // pgbadger's recommendation
      "%m [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ",
      "%t [%p]: user=%u,db=%d,app=%a,client=%h ",            // pgbadger's, without %l
      "%m [%p]: user=%u,db=%d,app=%a,client=%h ",
      "%t [%p-%l] %q%u@%d ",
      "%m [%p-%l] %q%u@%d ",
      "%m [%p] %q[user=%u,db=%d,app=%a] ",
      "%t [%p] %q[user=%u,db=%d,app=%a] ",
      "%t:%r:%u@%d:[%p]:",                                   // Amazon RDS
      "%m:%r:%u@%d:[%p]:",
      "%t [%p]: [%l-1] ",                                    // pgfouine / older pgbadger
      "%m [%p] %q%u@%d/%a ",
      "%t [%p] %q%u@%d ",
      "%t [%p] ",
      "%m ",
      "%t ",
      "",                                                    // PostgreSQL 9.x default
  };
  return prefixes;
}

Result<PrefixGuess> guess_log_line_prefix(const std::vector<std::string>& first_lines,
                                          const std::string& file) {
  PrefixGuess best;
  PrefixFields fields;
  for (const std::string& candidate : common_log_line_prefixes()) {
    auto prefix = LinePrefix::compile(candidate);
    if (!prefix) continue;
    std::size_t matched = 0, tried = 0;
    for (const std::string& line : first_lines) {
      if (line.starts_with('\t')) continue;
      ++tried;
      if (prefix->match(line, fields)) ++matched;
    }
    if (matched > best.lines_matched) best = {candidate, matched, tried};
  }
  if (best.lines_matched == 0 || best.lines_matched * 2 < best.lines_tried) {
    constexpr std::size_t kShown = 200;
    std::string first = first_lines.empty() ? std::string("(the file is empty)") : first_lines.front();
    if (first.size() > kShown) first = first.substr(0, kShown) + "...";
    return Error::bad_input(file + ":1: no known log_line_prefix matches this log; give "
                            "--log-line-prefix. First line: " + first);
  }
  return best;
}

}  // namespace pgshadow::capture
