#pragma once
// A compiled PostgreSQL log_line_prefix: splits one physical line of a stderr log into the
// prefix's fields and the rest, "SEVERITY:  text".
//
// The prefix is compiled once into a list of literals and escapes, so a line costs a few
// memchr-style searches, not a regex. A value such as %u, %d or %a may hold spaces or brackets,
// so an escape's value ends at the literal text that follows it in the prefix; when that
// choice does not lead to a whole match (wrong field syntax, no severity after the prefix), the
// next occurrence of the literal is tried. A value is searched for at most kMaxFieldBytes, so
// a line that does not match costs little however long it is.
//
// PostgreSQL 15 escapes (elog.c, log_line_prefix): %a %u %d %r %h %b %p %P %t %m %n %i %e %c
// %l %s %v %x %q %Q %%, with optional padding (%-10u, %10p). %q ends the prefix of processes
// without a client connection (postmaster, checkpointer, ...). Unknown escapes print nothing
// in the server, so they match nothing here. Immutable after compile(): thread-safe.
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "pgshadow/util/result.h"

namespace pgshadow::capture {

// The fields one line's prefix carried, by escape letter. Views into the matched line.
struct PrefixFields {
  // value(c): the value of escape %c with its padding removed; empty when the prefix has no %c
  // or the server printed nothing for it (e.g. %u of a background process, %P of a leader).
  std::string_view value(char escape) const {
    const auto index = static_cast<unsigned char>(escape);
    return index < values.size() ? values[index] : std::string_view{};
  }
  std::array<std::string_view, 128> values{};
  bool session_part = false;  // the part after %q matched (a process with a client connection)
  std::string_view severity;  // "LOG", "ERROR", ... or a secondary keyword: "DETAIL", "STATEMENT"
  std::string_view text;      // after "SEVERITY:  "
};

class LinePrefix {
 public:
  // Longest value a free-text escape is searched for (user, database and application names are
  // at most 63 bytes; host names 255; the ps display for %i a little more).
  static constexpr std::size_t kMaxFieldBytes = 1024;

  // Errors: none in practice (every string is a valid prefix for the server); kept as a Result
  // so that a stricter check can be added without changing callers.
  static Result<LinePrefix> compile(std::string_view log_line_prefix);

  // Fills `fields` and returns true when `line` is this prefix followed by "WORD:  " with WORD
  // a severity (DEBUG, LOG, INFO, NOTICE, WARNING, ERROR, FATAL, PANIC) or the keyword of a
  // secondary line (DETAIL, HINT, QUERY, CONTEXT, LOCATION, STATEMENT, BACKTRACE).
  bool match(std::string_view line, PrefixFields& fields) const;

  const std::string& text() const { return text_; }
  // Whether the prefix prints escape %c (for a session process).
  bool has(char escape) const;

 private:
  struct Element {
    bool is_literal = false;
    std::string literal;  // is_literal: the text
    char escape = 0;      // !is_literal: the escape letter
    bool padded = false;  // !is_literal: a width was given (%-10u): trim spaces around the value
  };

  bool match_from(std::size_t index, std::size_t end_index, std::string_view line, std::size_t pos,
                  PrefixFields& fields) const;
  bool match_field(std::size_t index, std::size_t end_index, std::string_view line, std::size_t pos,
                   PrefixFields& fields) const;

  std::string text_;
  std::vector<Element> elements_;
  std::size_t q_index_ = 0;  // index of the first element after %q; == elements_.size() without %q
  bool has_q_ = false;
};

// Splits "WORD:  text" when WORD is a severity or secondary keyword (see LinePrefix::match).
bool split_severity(std::string_view rest, std::string_view& severity, std::string_view& text);

// True for the keywords of the lines the server appends to a message: DETAIL, HINT, QUERY,
// CONTEXT, LOCATION, STATEMENT, BACKTRACE.
bool is_secondary_keyword(std::string_view word);

}  // namespace pgshadow::capture
