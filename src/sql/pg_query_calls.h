#pragma once
// The libpg_query calls this module makes, each returning plain C++ values: every libpg_query
// result is freed before these functions return, so no caller ever holds parser memory.
// Thread-safe: libpg_query keeps its parser state per thread.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace pgshadow::sql::detail {

// What the parser or scanner reported about input it rejected.
struct ParserError {
  std::string message;       // PostgreSQL's words: "syntax error at or near \"TABLEX\""
  int cursor_position = 0;   // 1-based *character* (not byte) position in the input; 0 unknown
};

template <class T>
using ParserOutcome = std::variant<T, ParserError>;

// Texts passed in must not contain a NUL byte (libpg_query reads C strings); callers check.
ParserOutcome<std::string> parse_to_json(const std::string& sql);
ParserOutcome<std::string> fingerprint(const std::string& sql);  // 16 hex digits
ParserOutcome<std::string> normalize(const std::string& sql);    // constants -> $n

// A scanner token of interest to us, in byte offsets of the scanned text.
enum class TokenKind {
  kComment,    // -- ... or /* ... */
  kConstant,   // string, number, bit-string or hex-string literal (any quoting, $$ too)
  kParameter,  // $n
  kBackslash,  // a bare backslash: never SQL, always a psql meta-command
  // For the nesting estimate (nesting.h): what opens and closes a nested part, what separates
  // the items of a list the parser keeps flat, and what nests its operands one level deeper.
  kOpening,    // ( [ CASE
  kClosing,    // ) ] END
  kSeparator,  // , ; AND OR WHEN THEN ELSE (AND and OR chains become one flat BoolExpr)
  kOperator,   // + - * / = <> :: IS NOT LIKE IN BETWEEN JOIN UNION ... (each one a node)
  kOther,      // keywords, identifiers, other punctuation
};

struct Token {
  int start = 0;
  // End offset (exclusive). Unreliable for U&'...' strings: libpg_query reports an empty span
  // for them (its look-ahead for UESCAPE), so use the next token's start instead.
  int end = 0;
  TokenKind kind = TokenKind::kOther;
  int id = 0;  // the scanner's own token (PgQuery__Token in <pg_query/pg_query.pb-c.h>)
};

ParserOutcome<std::vector<Token>> scan(const std::string& sql);

// One statement of a script as the parser split it: byte range, semicolon excluded, leading
// whitespace and comments included.
struct StatementRange {
  int location = 0;
  int length = 0;
};

ParserOutcome<std::vector<StatementRange>> split(const std::string& script);

}  // namespace pgshadow::sql::detail
