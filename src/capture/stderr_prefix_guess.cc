#include "stderr_prefix_guess.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <set>

#include "stderr_line_prefix.h"
#include "text_helpers.h"

namespace pgshadow::capture {
namespace {

// Where "SEVERITY:  " starts in a line: the end of its prefix, or npos.
std::size_t severity_position(std::string_view line) {
  static constexpr std::string_view kWords[] = {"LOG", "ERROR", "FATAL", "PANIC", "WARNING", "NOTICE", "INFO",
                                                "DEBUG", "DETAIL", "HINT", "STATEMENT", "CONTEXT", "QUERY",
                                                "LOCATION"};
  std::size_t best = std::string_view::npos;
  for (std::string_view word : kWords) {
    for (std::size_t at = line.find(word); at != std::string_view::npos && at < best; at = line.find(word, at + 1)) {
      std::string_view rest = line.substr(at + word.size());
      if (word == "DEBUG" && !rest.empty() && is_digit(rest[0])) rest.remove_prefix(1);
      if (rest.starts_with(":  ") && (at == 0 || !std::isalnum(static_cast<unsigned char>(line[at - 1])))) {
        best = at;
        break;
      }
    }
  }
  return best;
}

// The names a "connection authorized: user=U database=D application_name=A ..." line gives.
struct AuthorizedNames {
  std::string user, database, application;
};
std::optional<AuthorizedNames> authorized_names(std::string_view text) {
  constexpr std::string_view kStart = "connection authorized: user=";
  if (text.size() > 7 && text.substr(5, 2) == ": ") text.remove_prefix(7);  // verbose: "00000: "
  if (!text.starts_with(kStart)) return std::nullopt;
  text.remove_prefix(kStart.size());
  AuthorizedNames names;
  const auto database = text.find(" database=");
  if (database == std::string_view::npos) return std::nullopt;
  names.user = text.substr(0, database);
  text.remove_prefix(database + 10);
  const auto end = text.find(' ');
  names.database = text.substr(0, end);
  if (const auto app = text.find("application_name="); app != std::string_view::npos) {
    std::string_view value = text.substr(app + 17);
    names.application = value.substr(0, value.find(' '));
  }
  return names;
}

std::size_t length_while(std::string_view text, std::size_t at, bool (*pred)(char)) {
  std::size_t n = at;
  while (n < text.size() && pred(text[n])) ++n;
  return n - at;
}

bool ends_with_key(std::string_view before, std::initializer_list<std::string_view> keys) {
  return std::any_of(keys.begin(), keys.end(), [&](std::string_view key) { return before.ends_with(key); });
}

// The server's time shapes: "2026-12-01 09:28:01.531 CET" (%m) or without the milliseconds (%t).
std::size_t time_length(std::string_view text, std::size_t at, bool& milliseconds) {
  constexpr std::string_view kShape = "0000-00-00 00:00:00";
  if (text.size() < at + kShape.size()) return 0;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const char c = text[at + i];
    if (kShape[i] == '0' ? !is_digit(c) : c != kShape[i]) return 0;
  }
  std::size_t n = at + kShape.size();
  milliseconds = n + 4 <= text.size() && text[n] == '.' && length_while(text, n + 1, is_digit) == 3;
  if (milliseconds) n += 4;
  if (n >= text.size() || text[n] != ' ') return 0;
  const auto zone_end = text.find_first_of(" ]:|,", n + 1);
  return (zone_end == std::string_view::npos ? text.size() : zone_end) - at;
}

// A log_line_prefix that prints `prefix_text` for a session whose names are `names`: each part
// of the text that has the shape of an escape's value (a time, a session id, a pid, a line
// number, a SQLSTATE, the user, database and application named by the line, a client address)
// becomes that escape, the rest stays literal ('%' doubled).
std::string template_of(std::string_view text, const AuthorizedNames& names) {
  std::string out;
  bool have_pid = false, have_line = false;
  std::set<char> used;
  for (std::size_t at = 0; at < text.size();) {
    const std::string_view before = std::string_view(out);
    const std::string_view rest = text.substr(at);
    bool milliseconds = false;
    if (const std::size_t n = time_length(text, at, milliseconds); n > 0 && !used.contains('m')) {
      out += milliseconds ? "%m" : "%t";
      used.insert('m');
      at += n;
      continue;
    }
    // Names, hinted by their keys, else in the order user, database, application.
    struct Name {
      char escape;
      const std::string* value;
      std::initializer_list<std::string_view> keys;
    };
    const Name named[] = {{'u', &names.user, {"user=", "usr="}},
                          {'d', &names.database, {"db=", "database=", "dbname="}},
                          {'a', &names.application, {"app=", "application=", "appname="}}};
    bool took = false;
    for (const Name* hinted : {&named[0], &named[1], &named[2]}) {
      if (!hinted->value->empty() && ends_with_key(before, hinted->keys) && rest.starts_with(*hinted->value)) {
        out += '%';
        out += hinted->escape;
        used.insert(hinted->escape);
        at += hinted->value->size();
        took = true;
        break;
      }
    }
    if (took) continue;
    for (const Name& name : named) {
      if (!name.value->empty() && !used.contains(name.escape) && rest.starts_with(*name.value) &&
          (at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1])))) {
        out += '%';
        out += name.escape;
        used.insert(name.escape);
        at += name.value->size();
        took = true;
        break;
      }
    }
    if (took) continue;
    // A name the server did not know yet when it wrote the line: by its key, else the next one.
    if (rest.starts_with("[unknown]")) {
      char escape = ends_with_key(before, {"app=", "application="}) ? 'a'
                    : ends_with_key(before, {"db=", "database="}) ? 'd'
                    : ends_with_key(before, {"user="}) ? 'u'
                    : !used.contains('u') ? 'u' : !used.contains('d') ? 'd' : 'a';
      out += '%';
      out += escape;
      used.insert(escape);
      at += 9;
      continue;
    }
    // %i: the command tag, "authentication" while a connection is authorized.
    if (rest.starts_with("authentication") && (rest.size() == 14 || !std::isalnum(static_cast<unsigned char>(rest[14])))) {
      out += "%i";
      at += 14;
      continue;
    }
    if (rest.starts_with("[local]")) {
      out += ends_with_key(before, {"client=", "host="}) ? "%h" : "%r";
      at += 7;
      continue;
    }
    const std::size_t hex_run = length_while(text, at, is_hex);
    if (hex_run > 0 && at + hex_run < text.size() && text[at + hex_run] == '.' &&
        length_while(text, at + hex_run + 1, is_hex) > 0 && !used.contains('c')) {
      out += "%c";
      used.insert('c');
      at += hex_run + 1 + length_while(text, at + hex_run + 1, is_hex);
      continue;
    }
    // A SQLSTATE: five digits or capitals, starting with 0 or holding a letter (a pid never does).
    if (rest.size() >= 5 && std::all_of(rest.begin(), rest.begin() + 5, [](char c) { return is_digit(c) || (c >= 'A' && c <= 'Z'); }) &&
        (rest[0] == '0' || !std::all_of(rest.begin(), rest.begin() + 5, is_digit)) &&
        (rest.size() == 5 || !std::isalnum(static_cast<unsigned char>(rest[5])))) {
      out += "%e";
      at += 5;
      continue;
    }
    const bool negative = rest.size() > 1 && rest[0] == '-' && is_digit(rest[1]) && ends_with_key(before, {"queryid=", "query_id="});
    const std::size_t digits = length_while(text, at + (negative ? 1 : 0), is_digit);
    if (digits > 0 && (at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1])))) {
      const std::size_t n = digits + (negative ? 1 : 0);
      if (ends_with_key(before, {"queryid=", "query_id="})) {
        out += "%Q";
      } else if (ends_with_key(before, {"xid=", "tx=", "txid="})) {
        out += "%x";
      } else if (text.substr(at + n).starts_with("/") && length_while(text, at + n + 1, is_digit) > 0) {
        out += "%v";
        at += 1 + length_while(text, at + n + 1, is_digit);
      } else if (!have_pid) {
        out += "%p";
        have_pid = true;
      } else if (!have_line) {
        out += "%l";
        have_line = true;
      } else {
        out.append(text.substr(at, n));
      }
      at += n;
      continue;
    }
    if (text[at] == '%') out += '%';
    out += text[at++];
  }
  return out;
}

// `prefix` with %q inserted at each place that is not inside an escape: a process without a
// session stops printing there.
std::vector<std::string> with_each_q(const std::string& prefix) {
  std::vector<std::string> out{prefix};
  for (std::size_t i = 1; i < prefix.size(); ++i) {
    const bool inside_escape = prefix[i - 1] == '%' && (i < 2 || prefix[i - 2] != '%');
    if (!inside_escape) out.push_back(prefix.substr(0, i) + "%q" + prefix.substr(i));
  }
  return out;
}

std::size_t escapes_in(const std::string& prefix) {
  std::size_t n = 0;
  for (std::size_t i = 0; i + 1 < prefix.size(); ++i) {
    if (prefix[i] == '%' && prefix[i + 1] != '%' && prefix[i + 1] != 'q') ++n, ++i;
  }
  return n;
}

struct Score {
  std::string prefix;
  std::size_t matched = 0;
  std::size_t session_lines = 0;    // matched with their part after %q
  std::size_t names_refuted = 0;    // "connection authorized" lines whose %u/%d it reads otherwise
  std::size_t names_with_space = 0;  // %u, %d, %a values holding a space (a misplaced value)
  // Lines only a client session writes (statements, connections) that it reads as a process
  // without one (stopping at %q): the part after %q is not what the server prints.
  std::size_t sessions_read_as_background = 0;
  std::size_t session_messages = 0;  // such lines matched at all
  std::vector<std::string> readings;  // the fields it reads, per line, for telling guesses apart
};

Score score(const std::string& candidate, const std::vector<std::string_view>& lines) {
  Score s;
  s.prefix = candidate;
  auto prefix = LinePrefix::compile(candidate);
  if (!prefix) return s;
  PrefixFields fields;
  for (std::string_view line : lines) {
    if (!prefix->match(line, fields)) {
      s.readings.emplace_back();
      continue;
    }
    ++s.matched;
    std::string_view message = fields.text;
    if (message.size() > 7 && message.substr(5, 2) == ": ") message.remove_prefix(7);  // verbose: "00000: "
    const bool session_message = message.starts_with("statement: ") || message.starts_with("execute ") ||
                                 message.starts_with("duration: ") ||
                                 message.starts_with("connection authorized:") ||
                                 message.starts_with("disconnection:");
    if (session_message) ++s.session_messages;
    if (session_message && !fields.session_part) ++s.sessions_read_as_background;
    if (fields.session_part && (prefix->has('u') || prefix->has('d') || prefix->has('c'))) ++s.session_lines;
    for (char escape : {'u', 'd', 'a'}) {
      if (fields.value(escape).find(' ') != std::string_view::npos) ++s.names_with_space;
    }
    if (const auto names = authorized_names(fields.text); names && fields.session_part) {
      if ((prefix->has('u') && fields.value('u') != names->user) ||
          (prefix->has('d') && fields.value('d') != names->database)) {
        ++s.names_refuted;
      }
    }
    std::string reading;
    for (char escape : {'m', 't', 'n', 'p', 'c', 'u', 'd', 'a', 'e', 'l'}) {
      reading += fields.value(escape);
      reading += '\x1f';
    }
    s.readings.push_back(std::move(reading));
  }
  return s;
}

}  // namespace

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

std::vector<std::string> derived_log_line_prefixes(const std::vector<std::string>& lines) {
  std::set<std::string> derived;
  std::size_t authorized_seen = 0;
  for (const std::string& line : lines) {
    const std::size_t at = severity_position(line);
    if (at == std::string_view::npos) continue;
    const std::string_view text = std::string_view(line).substr(at);
    const auto colon = text.find(":  ");
    const auto names = authorized_names(text.substr(colon + 3));
    if (!names) continue;
    for (std::string& candidate : with_each_q(template_of(std::string_view(line).substr(0, at), *names))) {
      derived.insert(std::move(candidate));
    }
    if (++authorized_seen == 3) break;  // a few sessions are enough: the prefix is the server's
  }
  return {derived.begin(), derived.end()};
}

Result<PrefixGuess> guess_log_line_prefix(const std::vector<std::string>& first_lines, const std::string& file) {
  std::vector<std::string_view> lines;
  for (const std::string& line : first_lines) {
    if (!line.starts_with('\t') && !line.starts_with(' ')) lines.emplace_back(line);
  }
  std::vector<std::string> candidates = derived_log_line_prefixes(first_lines);
  for (const std::string& common : common_log_line_prefixes()) {
    if (std::find(candidates.begin(), candidates.end(), common) == candidates.end()) candidates.push_back(common);
  }
  std::vector<Score> scores;
  for (const std::string& candidate : candidates) {
    Score s = score(candidate, lines);
    // A prefix that reads a "connection authorized" line's user or database otherwise than the
    // line names them is wrong, however many lines it matches ("[queryid=0] postgres").
    if (s.matched > 0 && s.names_refuted == 0 && s.sessions_read_as_background == 0) scores.push_back(std::move(s));
  }
  // Most lines matched; then the fewest names with spaces; then the most specific (most
  // escapes); then, reading the lines alike, a common prefix, and one without %q.
  const auto& common = common_log_line_prefixes();
  const auto is_common = [&](const Score& s) { return std::find(common.begin(), common.end(), s.prefix) != common.end(); };
  std::stable_sort(scores.begin(), scores.end(), [&](const Score& a, const Score& b) {
    if (a.matched != b.matched) return a.matched > b.matched;
    if (a.names_with_space != b.names_with_space) return a.names_with_space < b.names_with_space;
    if (escapes_in(a.prefix) != escapes_in(b.prefix)) return escapes_in(a.prefix) > escapes_in(b.prefix);
    if (a.readings == b.readings && is_common(a) != is_common(b)) return is_common(a);
    return a.prefix.find("%q") == std::string::npos && b.prefix.find("%q") != std::string::npos;
  });
  if (scores.empty() || scores.front().matched * 2 < lines.size()) {
    // The line itself carries user names, addresses and statement text: show only its form.
    const std::string first = first_lines.empty() ? std::string("(the file is empty)")
                                                  : "(letters as a, digits as 9) " + form_of(first_lines.front());
    return Error::bad_input(file + ":1: no known log_line_prefix matches this log; give "
                            "--log-line-prefix. First line " + first);
  }
  const Score& best = scores.front();
  // Unsure: another prefix matches as many lines, as cleanly, and reads them otherwise, and the
  // lines do not settle it (the sample held no line of a session, or both read sessions alike).
  std::vector<std::string> also_fit;
  for (std::size_t i = 1; i < scores.size(); ++i) {
    const Score& other = scores[i];
    if (other.matched != best.matched || other.names_with_space != best.names_with_space) break;
    const bool settled = best.session_lines > 0 && escapes_in(best.prefix) > escapes_in(other.prefix) &&
                         other.session_lines < best.session_lines;
    if (!settled && other.readings != best.readings) also_fit.push_back(other.prefix);
  }
  // A sample of processes without sessions only (a log starting with thousands of checkpoint
  // lines) says nothing of what follows %q.
  if (best.session_messages == 0 && best.prefix.find("%q") != std::string::npos) {
    for (std::size_t i = 1; i < scores.size() && scores[i].matched == best.matched; ++i) {
      if (std::find(also_fit.begin(), also_fit.end(), scores[i].prefix) == also_fit.end()) also_fit.push_back(scores[i].prefix);
    }
  }
  if (!also_fit.empty()) {
    std::string listed = "'" + best.prefix + "'";
    for (const std::string& prefix : also_fit) listed += ", '" + prefix + "'";
    return Error::bad_input(file + ": cannot tell the log_line_prefix from the first " + std::to_string(lines.size()) +
                            " lines: " + std::to_string(also_fit.size() + 1) +
                            " prefixes fit them all but read them differently: " + listed +
                            "; give the server's with --log-line-prefix, or --log-settings postgresql.conf");
  }
  return PrefixGuess{best.prefix, best.matched, lines.size()};
}

}  // namespace pgshadow::capture
