#include "stderr_prefix_guess.h"

#include <cctype>

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

namespace {

// The start of a line with every letter shown as 'a' and every digit as '9' (other bytes as they
// are): enough to see a prefix's layout, "9999-99-99 99:99:99.999 aaa [999] ", and nothing of
// what the line says.
std::string form_of(std::string_view line) {
  constexpr std::size_t kShown = 80;
  std::string form;
  for (const char c : line.substr(0, kShown)) {
    const auto byte = static_cast<unsigned char>(c);
    form += std::isdigit(byte) != 0 ? '9' : (std::isalpha(byte) != 0 || byte >= 0x80) ? 'a' : c;
  }
  return line.size() > kShown ? form + "..." : form;
}

}  // namespace

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
    // The line itself carries user names, addresses and statement text: show only its form.
    const std::string first = first_lines.empty() ? std::string("(the file is empty)")
                                                  : "(letters as a, digits as 9) " + form_of(first_lines.front());
    return Error::bad_input(file + ":1: no known log_line_prefix matches this log; give "
                            "--log-line-prefix. First line " + first);
  }
  return best;
}

}  // namespace pgshadow::capture
