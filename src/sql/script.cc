#include "pgshadow/sql/script.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "pg_query_calls.h"
#include "text_position.h"
#include "text_tests.h"

namespace pgshadow::sql {
namespace {

using detail::is_space;
using detail::ParserError;
using detail::StatementRange;
using detail::Token;
using detail::TokenKind;

// Builds "FILE:LINE: what" messages for one script.
class ScriptErrors {
 public:
  ScriptErrors(std::string_view text, std::string_view file_name)
      : text_(text), file_name_(file_name), lines_(text) {}

  Error at_byte(std::size_t offset, std::string_view what) const {
    return Error::bad_input(file_name_ + ":" + std::to_string(lines_.line_of(offset)) + ": " +
                            std::string(what));
  }

  Error from_parser(const ParserError& error) const {
    if (error.cursor_position <= 0) return Error::bad_input(file_name_ + ": " + error.message);
    const auto character = static_cast<std::size_t>(error.cursor_position - 1);
    return at_byte(detail::byte_offset_of_character(text_, character), error.message);
  }

  std::uint64_t line_of(std::size_t offset) const { return lines_.line_of(offset); }

 private:
  std::string_view text_;
  std::string file_name_;
  detail::LineIndex lines_;
};

// A bare backslash is never SQL: it starts a psql meta-command (\connect, \set, \i ...),
// which pgshadow cannot run. Named up to the next blank, as the user wrote it.
std::string meta_command_at(std::string_view text, std::size_t offset) {
  std::size_t end = offset + 1;
  while (end < text.size() && !is_space(text[end])) ++end;
  return std::string(text.substr(offset, end - offset));
}

// The statement's text: from its first token that is not a comment to its last, with the
// parser's range (which includes leading comments and blanks) narrowed to the code.
// nullopt for a range with no code (";;" or a trailing comment).
std::optional<ScriptStatement> statement_in(const std::string& script, const StatementRange& range,
                                            const std::vector<Token>& tokens,
                                            const ScriptErrors& errors) {
  const auto range_end = static_cast<std::size_t>(range.location + range.length);
  auto first = std::lower_bound(tokens.begin(), tokens.end(), range.location,
                                [](const Token& token, int offset) { return token.start < offset; });
  auto past_last = first;
  while (past_last != tokens.end() && static_cast<std::size_t>(past_last->start) < range_end) {
    ++past_last;
  }
  while (first != past_last && first->kind == TokenKind::kComment) ++first;
  if (first == past_last) return std::nullopt;

  // Trailing comments go; token ends are not used (unreliable for U&'' strings), blanks are.
  std::size_t end = range_end;
  for (auto token = past_last; token != first && (token - 1)->kind == TokenKind::kComment;) {
    --token;
    end = static_cast<std::size_t>(token->start);
  }
  const auto start = static_cast<std::size_t>(first->start);
  while (end > start && is_space(script[end - 1])) --end;
  return ScriptStatement{script.substr(start, end - start), errors.line_of(start)};
}

}  // namespace

Result<std::vector<ScriptStatement>> split_script(std::string_view text,
                                                  std::string_view file_name) {
  return split_script(text, file_name, "is not supported in a migration");
}

Result<std::vector<ScriptStatement>> split_script(std::string_view text, std::string_view file_name,
                                                  std::string_view why_meta_refused) {
  const ScriptErrors errors(text, file_name);
  // libpg_query reads C strings: a NUL would silently cut the script short.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return errors.at_byte(nul, "NUL byte in the script");
  }
  const std::string script(text);

  auto scanned = detail::scan(script);
  if (const auto* error = std::get_if<ParserError>(&scanned)) return errors.from_parser(*error);
  const auto& tokens = std::get<std::vector<Token>>(scanned);
  for (const Token& token : tokens) {
    if (token.kind != TokenKind::kBackslash) continue;
    const auto offset = static_cast<std::size_t>(token.start);
    return errors.at_byte(offset, "psql meta-command " + meta_command_at(script, offset) +
                                      " " + std::string(why_meta_refused));
  }

  // The parser, not the scanner, splits: it knows CREATE RULE ... (a; b) and function bodies.
  auto split = detail::split(script);
  if (const auto* error = std::get_if<ParserError>(&split)) return errors.from_parser(*error);
  std::vector<ScriptStatement> statements;
  for (const StatementRange& range : std::get<std::vector<StatementRange>>(split)) {
    if (auto statement = statement_in(script, range, tokens, errors)) {
      statements.push_back(std::move(*statement));
    }
  }
  return statements;
}

}  // namespace pgshadow::sql
