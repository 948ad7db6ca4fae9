#include "pg_query_calls.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

namespace pgshadow::sql::detail {
namespace {

// Owns one libpg_query result and frees it with its matching pg_query_free_* function.
template <class R, void (*free_result)(R)>
class Owned {
 public:
  explicit Owned(R result) : result_(result) {}
  ~Owned() { free_result(result_); }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  const R* operator->() const { return &result_; }

 private:
  R result_;
};

ParserError to_parser_error(const PgQueryError& error) {
  return {error.message != nullptr ? error.message : "unknown parser error", error.cursorpos};
}

TokenKind kind_of(PgQuery__Token token) {
  switch (token) {
    case PG_QUERY__TOKEN__SQL_COMMENT:
    case PG_QUERY__TOKEN__C_COMMENT:
      return TokenKind::kComment;
    case PG_QUERY__TOKEN__SCONST:
    case PG_QUERY__TOKEN__USCONST:
    case PG_QUERY__TOKEN__ICONST:
    case PG_QUERY__TOKEN__FCONST:
    case PG_QUERY__TOKEN__BCONST:
    case PG_QUERY__TOKEN__XCONST:
      return TokenKind::kConstant;
    case PG_QUERY__TOKEN__PARAM:
      return TokenKind::kParameter;
    case PG_QUERY__TOKEN__ASCII_92:
      return TokenKind::kBackslash;
    case PG_QUERY__TOKEN__ASCII_40:
    case PG_QUERY__TOKEN__ASCII_91:
    case PG_QUERY__TOKEN__CASE:
      return TokenKind::kOpening;
    case PG_QUERY__TOKEN__ASCII_41:
    case PG_QUERY__TOKEN__ASCII_93:
    case PG_QUERY__TOKEN__END_P:
      return TokenKind::kClosing;
    case PG_QUERY__TOKEN__ASCII_44:
    case PG_QUERY__TOKEN__ASCII_59:
    case PG_QUERY__TOKEN__AND:
    case PG_QUERY__TOKEN__OR:
    case PG_QUERY__TOKEN__WHEN:
    case PG_QUERY__TOKEN__THEN:
    case PG_QUERY__TOKEN__ELSE:
      return TokenKind::kSeparator;
    case PG_QUERY__TOKEN__ASCII_37:
    case PG_QUERY__TOKEN__ASCII_42:
    case PG_QUERY__TOKEN__ASCII_43:
    case PG_QUERY__TOKEN__ASCII_45:
    case PG_QUERY__TOKEN__ASCII_46:
    case PG_QUERY__TOKEN__ASCII_47:
    case PG_QUERY__TOKEN__ASCII_58:
    case PG_QUERY__TOKEN__ASCII_60:
    case PG_QUERY__TOKEN__ASCII_61:
    case PG_QUERY__TOKEN__ASCII_62:
    case PG_QUERY__TOKEN__ASCII_94:
    case PG_QUERY__TOKEN__Op:
    case PG_QUERY__TOKEN__TYPECAST:
    case PG_QUERY__TOKEN__DOT_DOT:
    case PG_QUERY__TOKEN__COLON_EQUALS:
    case PG_QUERY__TOKEN__EQUALS_GREATER:
    case PG_QUERY__TOKEN__LESS_EQUALS:
    case PG_QUERY__TOKEN__GREATER_EQUALS:
    case PG_QUERY__TOKEN__NOT_EQUALS:
    case PG_QUERY__TOKEN__NOT:
    case PG_QUERY__TOKEN__IS:
    case PG_QUERY__TOKEN__ISNULL:
    case PG_QUERY__TOKEN__NOTNULL:
    case PG_QUERY__TOKEN__LIKE:
    case PG_QUERY__TOKEN__ILIKE:
    case PG_QUERY__TOKEN__SIMILAR:
    case PG_QUERY__TOKEN__BETWEEN:
    case PG_QUERY__TOKEN__IN_P:
    case PG_QUERY__TOKEN__COLLATE:
    case PG_QUERY__TOKEN__AT:
    case PG_QUERY__TOKEN__OVERLAPS:
    case PG_QUERY__TOKEN__JOIN:
    case PG_QUERY__TOKEN__UNION:
    case PG_QUERY__TOKEN__INTERSECT:
    case PG_QUERY__TOKEN__EXCEPT:
      return TokenKind::kOperator;
    default:
      return TokenKind::kOther;
  }
}

}  // namespace

ParserOutcome<std::string> parse_to_json(const std::string& sql) {
  const Owned<PgQueryParseResult, pg_query_free_parse_result> result(pg_query_parse(sql.c_str()));
  if (result->error != nullptr) return to_parser_error(*result->error);
  return std::string(result->parse_tree);
}

ParserOutcome<std::string> fingerprint(const std::string& sql) {
  const Owned<PgQueryFingerprintResult, pg_query_free_fingerprint_result> result(
      pg_query_fingerprint(sql.c_str()));
  if (result->error != nullptr) return to_parser_error(*result->error);
  return std::string(result->fingerprint_str);
}

ParserOutcome<std::string> normalize(const std::string& sql) {
  const Owned<PgQueryNormalizeResult, pg_query_free_normalize_result> result(
      pg_query_normalize(sql.c_str()));
  if (result->error != nullptr) return to_parser_error(*result->error);
  return std::string(result->normalized_query);
}

ParserOutcome<std::vector<Token>> scan(const std::string& sql) {
  const Owned<PgQueryScanResult, pg_query_free_scan_result> result(pg_query_scan(sql.c_str()));
  if (result->error != nullptr) return to_parser_error(*result->error);
  PgQuery__ScanResult* unpacked = pg_query__scan_result__unpack(
      nullptr, result->pbuf.len, reinterpret_cast<const std::uint8_t*>(result->pbuf.data));
  if (unpacked == nullptr) return ParserError{"cannot decode the scanner's tokens", 0};
  std::vector<Token> tokens;
  tokens.reserve(unpacked->n_tokens);
  for (std::size_t i = 0; i < unpacked->n_tokens; ++i) {
    const PgQuery__ScanToken& token = *unpacked->tokens[i];
    tokens.push_back({token.start, token.end, kind_of(token.token), static_cast<int>(token.token)});
  }
  pg_query__scan_result__free_unpacked(unpacked, nullptr);
  return tokens;
}

ParserOutcome<std::vector<StatementRange>> split(const std::string& script) {
  const Owned<PgQuerySplitResult, pg_query_free_split_result> result(
      pg_query_split_with_parser(script.c_str()));
  if (result->error != nullptr) return to_parser_error(*result->error);
  std::vector<StatementRange> ranges;
  ranges.reserve(static_cast<std::size_t>(result->n_stmts));
  for (int i = 0; i < result->n_stmts; ++i) {
    ranges.push_back({result->stmts[i]->stmt_location, result->stmts[i]->stmt_len});
  }
  return ranges;
}

}  // namespace pgshadow::sql::detail
