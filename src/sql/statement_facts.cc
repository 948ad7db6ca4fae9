#include <nlohmann/json.hpp>

#include <string>

#include "pg_query_calls.h"
#include "pgshadow/sql/query_shape.h"

namespace pgshadow::sql {
namespace {

using nlohmann::json;

// A parse tree node is an object with one key, its type: {"SelectStmt": {...}}.
bool is_node_of_type(const json& node, std::string_view type) {
  return node.is_object() && node.size() == 1 && node.begin().key() == type;
}

// Whether the rows this statement returns are sorted by the statement itself. Only the
// outermost SELECT counts (for UNION and friends, the sort on the set operation's top node):
// an ORDER BY inside a subquery or CTE does not fix the order of the result. EXPLAIN and
// DECLARE CURSOR are judged by the query they wrap.
bool sorts_at_top(const json& node) {
  if (is_node_of_type(node, "SelectStmt")) return node.begin()->contains("sortClause");
  if (is_node_of_type(node, "ExplainStmt") || is_node_of_type(node, "DeclareCursorStmt")) {
    const json& body = *node.begin();
    const auto query = body.find("query");
    return query != body.end() && sorts_at_top(*query);
  }
  return false;  // INSERT/UPDATE/DELETE ... RETURNING, utility statements: no ORDER BY
}

}  // namespace

StatementFacts facts_of(std::string_view sql) {
  StatementFacts facts;
  if (sql.find('\0') != std::string_view::npos) return facts;  // the server rejects it too

  auto parsed = detail::parse_to_json(std::string(sql));
  const std::string* tree_text = std::get_if<std::string>(&parsed);
  if (tree_text == nullptr) return facts;
  const json tree = json::parse(*tree_text, nullptr, /*allow_exceptions=*/false);
  if (tree.is_discarded()) return facts;
  facts.parsed = true;

  const auto statements = tree.find("stmts");
  if (statements == tree.end() || !statements->is_array() || statements->empty()) return facts;
  for (const json& raw_statement : *statements) {
    const auto node = raw_statement.find("stmt");
    if (node == raw_statement.end()) continue;
    ++facts.statement_count;
    if (is_node_of_type(*node, "TransactionStmt")) facts.is_transaction_control = true;
    // The last statement's result is the one a simple-protocol client sees.
    facts.has_top_level_order_by = sorts_at_top(*node);
  }
  return facts;
}

}  // namespace pgshadow::sql
