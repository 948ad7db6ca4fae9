// facts_key: a text with its numbers marked by kind, for caches of facts_of and shape_of; and
// the numbers themselves, for the facts that count them (row pins).
#include <pg_query/pg_query.pb-c.h>

#include <algorithm>

#include "pg_query_calls.h"
#include "pgshadow/sql/query_shape.h"

namespace pgshadow::sql {
namespace {

constexpr char kMark = '\x01';

bool holds_control_byte(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 && c != '\t' && c != '\n' && c != '\r';
  });
}

// In a query (SELECT, INSERT, UPDATE, DELETE, VALUES, WITH) every number is a constant node
// (A_Const), which neither the fingerprint nor the normalized text depends on; utility
// statements keep some numbers as plain fields (a partition's MODULUS, a sequence's INCREMENT)
// that the fingerprint reads.
bool starts_a_query(int token) {
  switch (token) {
    case PG_QUERY__TOKEN__SELECT:
    case PG_QUERY__TOKEN__INSERT:
    case PG_QUERY__TOKEN__UPDATE:
    case PG_QUERY__TOKEN__DELETE_P:
    case PG_QUERY__TOKEN__VALUES:
    case PG_QUERY__TOKEN__WITH:
    case PG_QUERY__TOKEN__ASCII_40:  // (SELECT ...)
      return true;
    default:
      return false;
  }
}

// row_limit.cc and sort_order.cc read the numbers after these.
bool precedes_a_number_read(int token) {
  return token == PG_QUERY__TOKEN__LIMIT || token == PG_QUERY__TOKEN__OFFSET || token == PG_QUERY__TOKEN__FETCH ||
         token == PG_QUERY__TOKEN__ORDER;
}

}  // namespace

std::optional<std::string> facts_key(std::string_view sql) {
  if (holds_control_byte(sql)) return std::nullopt;  // a NUL too: facts_of does not parse it
  const std::string text(sql);
  const auto scanned = detail::scan(text);
  const auto* tokens = std::get_if<std::vector<detail::Token>>(&scanned);
  if (tokens == nullptr) return std::nullopt;
  std::string key;
  key.reserve(text.size());
  std::size_t copied = 0;
  bool marked = false;
  bool first = true;
  bool ended = false;  // after a semicolon: one more statement is one too many
  for (const detail::Token& token : *tokens) {
    if (token.kind == detail::TokenKind::kComment) continue;
    if (first && !starts_a_query(token.id)) return std::nullopt;
    first = false;
    if (token.id == PG_QUERY__TOKEN__ASCII_59) {
      ended = true;
      continue;
    }
    if (ended || precedes_a_number_read(token.id)) return std::nullopt;
    const bool integer = token.id == PG_QUERY__TOKEN__ICONST;
    if (!integer && token.id != PG_QUERY__TOKEN__FCONST) continue;
    const auto start = static_cast<std::size_t>(token.start);
    const auto end = static_cast<std::size_t>(token.end);
    if (start < copied || end <= start || end > text.size()) return std::nullopt;
    key.append(text, copied, start - copied);
    key += kMark;
    key += integer ? 'i' : 'd';
    copied = end;
    marked = true;
  }
  if (!marked) return std::nullopt;
  key.append(text, copied, std::string::npos);
  return key;
}

std::vector<std::string> number_constants(std::string_view sql) {
  std::vector<std::string> numbers;
  if (sql.find('\0') != std::string_view::npos) return numbers;
  const std::string text(sql);
  const auto scanned = detail::scan(text);
  const auto* tokens = std::get_if<std::vector<detail::Token>>(&scanned);
  if (tokens == nullptr) return numbers;
  for (const detail::Token& token : *tokens) {
    if (token.id != PG_QUERY__TOKEN__ICONST && token.id != PG_QUERY__TOKEN__FCONST) continue;
    const auto start = static_cast<std::size_t>(token.start);
    const auto end = static_cast<std::size_t>(token.end);
    if (end <= start || end > text.size()) return {};
    numbers.push_back(text.substr(start, end - start));
  }
  return numbers;
}

}  // namespace pgshadow::sql
