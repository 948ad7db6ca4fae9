#include "pgshadow/sql/query_shape.h"

#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "nesting.h"
#include "pg_query_calls.h"
#include "text_tests.h"
#include "pgshadow/util/xxh3.h"

namespace pgshadow::sql {
namespace {

using detail::is_space;
using detail::Token;
using detail::TokenKind;

constexpr std::string_view kUnparsable = "<unparsable statement>";
constexpr std::string_view kTooDeep = "<too deep to parse>";

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// "text-" and 16 hex digits: a shape for SQL the parser rejects, from its best text.
std::string text_fingerprint(std::string_view text) {
  Xxh3Hasher hasher;
  hasher.update(text);
  return "text-" + hasher.digest().to_hex().substr(0, 16);
}

// The highest n of the $n placeholders already in the text, so added ones continue the count.
int highest_parameter(const std::string& text, const std::vector<Token>& tokens) {
  int highest = 0;
  for (const Token& token : tokens) {
    if (token.kind != TokenKind::kParameter) continue;
    int n = 0;
    const char* digits = text.data() + token.start + 1;  // past the '$'
    std::from_chars(digits, text.data() + token.end, n);
    highest = std::max(highest, n);
  }
  return highest;
}

// Where a token's text ends. For U&'...' the scanner reports an empty span, so such a
// constant runs up to the next token (trailing blanks excluded).
std::size_t end_of(const std::string& text, const std::vector<Token>& tokens, std::size_t i) {
  const Token& token = tokens[i];
  if (token.end > token.start) return static_cast<std::size_t>(token.end);
  std::size_t end = i + 1 < tokens.size() ? static_cast<std::size_t>(tokens[i + 1].start) : text.size();
  while (end > static_cast<std::size_t>(token.start) && is_space(text[end - 1])) --end;
  return end;
}

// pg_query_normalize replaces constants only where its walker goes: it leaves them in
// utility statements (CALL, COMMENT, NOTIFY, COPY, PREPARE, CREATE TABLE ... DEFAULT, ...)
// and keeps comments, which often carry request data (sqlcommenter tags, user ids). This
// scanner-driven pass replaces every constant still there by the next $n and drops comments,
// so a shape never shows input data. nullopt when the scanner rejects the text.
std::optional<std::string> redact_literals(const std::string& text) {
  auto scanned = detail::scan(text);
  if (!std::holds_alternative<std::vector<Token>>(scanned)) return std::nullopt;
  const auto& tokens = std::get<std::vector<Token>>(scanned);

  int next_parameter = highest_parameter(text, tokens) + 1;
  std::string redacted;
  redacted.reserve(text.size());
  std::size_t copied_up_to = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& token = tokens[i];
    if (token.kind != TokenKind::kConstant && token.kind != TokenKind::kComment) continue;
    const auto start = static_cast<std::size_t>(token.start);
    redacted.append(text, copied_up_to, start - copied_up_to);
    if (token.kind == TokenKind::kConstant) {
      redacted += '$';
      redacted += std::to_string(next_parameter++);
    } else {
      redacted += ' ';  // a comment becomes a blank so the tokens around it stay apart
    }
    copied_up_to = end_of(text, tokens, i);
  }
  redacted.append(text, copied_up_to);
  // Drivers differ in whether they send the final semicolon; the shape should not.
  std::string_view shown = trimmed(redacted);
  while (!shown.empty() && (shown.back() == ';' || is_space(shown.back()))) shown.remove_suffix(1);
  return std::string(shown);
}

// The shape by libpg_query's normalizer and fingerprint, which recurse once per tree level.
QueryShape parsed_shape(const std::string& text) {
  auto by_parser = detail::normalize(text);
  const std::string* normalizable = std::get_if<std::string>(&by_parser);
  const std::optional<std::string> normalized =
      redact_literals(normalizable != nullptr ? *normalizable : text);

  QueryShape shape;
  shape.normalized = normalized.value_or(std::string(kUnparsable));
  auto fingerprint = detail::fingerprint(text);
  if (auto* parsed = std::get_if<std::string>(&fingerprint)) {
    shape.fingerprint = std::move(*parsed);
  } else {
    shape.fingerprint = text_fingerprint(normalized ? std::string_view(*normalized) : std::string_view(text));
  }
  return shape;
}

}  // namespace

QueryShape shape_of(std::string_view sql) {
  // libpg_query reads C strings: a NUL would silently cut the statement short.
  if (sql.find('\0') != std::string_view::npos) {
    return {text_fingerprint(sql), std::string(kUnparsable)};
  }
  const std::string text(sql);
  const std::size_t nesting = detail::estimated_nesting(text).value_or(0);
  QueryShape shape;
  if (nesting <= detail::kMaxNesting &&
      detail::run_with_stack_for(nesting, [&] { shape = parsed_shape(text); })) {
    return shape;
  }
  // Statements that differ only in their constants still share the shape (the scanner, which
  // does not recurse, takes the constants out).
  const std::optional<std::string> without_constants = redact_literals(text);
  return {text_fingerprint(without_constants.value_or(text)), std::string(kTooDeep)};
}

}  // namespace pgshadow::sql
