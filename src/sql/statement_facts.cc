#include <nlohmann/json.hpp>

#include <string>

#include "nesting.h"
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

// Functions whose result differs between two runs of the same statement (time, randomness).
bool is_volatile_function(std::string_view name) {
  static constexpr std::string_view kVolatile[] = {
      "now", "random", "clock_timestamp", "statement_timestamp", "transaction_timestamp",
      "timeofday", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
      "setseed", "random_normal", "pg_backend_pid", "txid_current", "pg_current_xact_id", "inet_client_port",
  };
  for (std::string_view known : kVolatile) {
    if (known == name) return true;
  }
  return false;
}

// The first reason found anywhere in the tree (subqueries and CTEs included: a LIMIT without
// ORDER BY inside a subquery picks arbitrary rows just as well).
std::string find_nondeterminism(const json& node) {
  if (node.is_array()) {
    for (const json& child : node) {
      if (std::string reason = find_nondeterminism(child); !reason.empty()) return reason;
    }
    return {};
  }
  if (!node.is_object()) return {};
  if (node.size() == 1) {
    const std::string& type = node.begin().key();
    const json& body = *node.begin();
    if (type == "FuncCall" && body.contains("funcname") && !body["funcname"].empty()) {
      const json& last = body["funcname"].back();
      if (last.contains("String")) {
        const std::string name = last["String"].value("sval", "");
        if (is_volatile_function(name)) return "calls " + name + "()";
      }
    } else if (type == "SQLValueFunction") {
      const std::string op = body.value("op", "");
      if (op.find("CURRENT_TIME") != std::string::npos || op.find("LOCALTIME") != std::string::npos ||
          op.find("CURRENT_DATE") != std::string::npos) {
        return "reads the clock (" + op.substr(op.find('_') + 1) + ")";
      }
    } else if (type == "RangeTableSample") {
      return "TABLESAMPLE";
    } else if (type == "LockingClause" && body.value("waitPolicy", "") == "LockWaitSkip") {
      return "SKIP LOCKED";
    } else if (type == "SelectStmt" && !body.contains("sortClause")) {
      if (body.contains("limitCount") || body.contains("limitOffset")) return "LIMIT or OFFSET without ORDER BY";
      if (body.contains("distinctClause") && !body["distinctClause"].empty() &&
          !body["distinctClause"][0].empty()) {
        return "DISTINCT ON without ORDER BY";
      }
    }
  }
  for (const auto& [key, child] : node.items()) {
    if (std::string reason = find_nondeterminism(child); !reason.empty()) return reason;
  }
  return {};
}

// Functions that write (sequences, large objects, notifications) or take a transaction id:
// a read-only transaction rejects them.
bool is_writing_function(std::string_view name) {
  static constexpr std::string_view kWriting[] = {
      "nextval", "setval", "pg_notify", "txid_current", "pg_current_xact_id", "lo_create", "lo_creat",
      "lo_import", "lo_unlink", "lo_put", "lo_from_bytea", "pg_advisory_xact_lock", "pg_advisory_lock",
  };
  for (std::string_view known : kWriting) {
    if (known == name) return true;
  }
  return false;
}

bool contains_write(const json& node) {
  if (node.is_array()) {
    for (const json& child : node) {
      if (contains_write(child)) return true;
    }
    return false;
  }
  if (!node.is_object()) return false;
  if (node.size() == 1) {
    const std::string& type = node.begin().key();
    const json& body = *node.begin();
    if (type == "InsertStmt" || type == "UpdateStmt" || type == "DeleteStmt" || type == "MergeStmt") return true;
    if (type == "LockingClause") return true;  // FOR UPDATE/SHARE takes row locks, which write
    if (type == "FuncCall" && body.contains("funcname") && !body["funcname"].empty()) {
      const json& last = body["funcname"].back();
      if (last.contains("String") && is_writing_function(last["String"].value("sval", ""))) return true;
    }
  }
  for (const auto& [key, child] : node.items()) {
    if (key == "intoClause" || contains_write(child)) return true;  // SELECT ... INTO creates a table
  }
  return false;
}

bool is_query_node(const json& node) {
  return is_node_of_type(node, "SelectStmt");  // SELECT, VALUES, TABLE, set operations
}

// Statements that cannot write by their kind, when what they wrap cannot either.
bool statement_may_write(const json& node) {
  if (is_query_node(node)) return contains_write(node);
  if (!node.is_object() || node.size() != 1) return true;
  const std::string& type = node.begin().key();
  const json& body = *node.begin();
  if (type == "VariableShowStmt" || type == "VariableSetStmt" || type == "TransactionStmt" ||
      type == "FetchStmt" || type == "ClosePortalStmt" || type == "DeallocateStmt" ||
      type == "ListenStmt" || type == "UnlistenStmt" || type == "DiscardStmt") {
    return false;
  }
  if (type == "ExplainStmt") {
    // EXPLAIN ANALYZE runs the statement.
    for (const json& option : body.value("options", json::array())) {
      if (option.contains("DefElem") && option["DefElem"].value("defname", "") == "analyze") {
        const auto query = body.find("query");
        return query == body.end() || statement_may_write(*query);
      }
    }
    return false;
  }
  if (type == "DeclareCursorStmt" || type == "PrepareStmt") {
    const auto query = body.find("query");
    return query == body.end() || statement_may_write(*query);
  }
  return true;
}

bool statement_is_plain_read(const json& node) {
  if (is_query_node(node)) return !contains_write(node);
  return is_node_of_type(node, "VariableShowStmt");
}

// The facts from the parse tree, walked recursively (see nesting.h for where this runs).
StatementFacts facts_from_tree(const std::string& sql) {
  StatementFacts facts;
  auto parsed = detail::parse_to_json(sql);
  const std::string* tree_text = std::get_if<std::string>(&parsed);
  if (tree_text == nullptr) return facts;
  const json tree = json::parse(*tree_text, nullptr, /*allow_exceptions=*/false);
  if (tree.is_discarded()) return facts;
  facts.parsed = true;

  const auto statements = tree.find("stmts");
  if (statements == tree.end() || !statements->is_array() || statements->empty()) return facts;
  facts.may_write = false;
  facts.is_plain_read = true;
  for (const json& raw_statement : *statements) {
    const auto node = raw_statement.find("stmt");
    if (node == raw_statement.end()) continue;
    ++facts.statement_count;
    if (is_node_of_type(*node, "TransactionStmt")) facts.is_transaction_control = true;
    if (statement_may_write(*node)) facts.may_write = true;
    if (!statement_is_plain_read(*node)) facts.is_plain_read = false;
    if (is_node_of_type(*node, "CopyStmt")) {
      const json& copy = *node->begin();
      if (copy.value("is_from", false) && !copy.contains("filename") && !copy.value("is_program", false)) {
        facts.copies_from_client = true;
      }
    }
    // The last statement's result is the one a simple-protocol client sees.
    facts.has_top_level_order_by = sorts_at_top(*node);
    if (facts.nondeterminism.empty()) facts.nondeterminism = find_nondeterminism(*node);
  }
  return facts;
}

}  // namespace

StatementFacts facts_of(std::string_view sql) {
  StatementFacts facts;
  if (sql.find('\0') != std::string_view::npos) return facts;  // the server rejects it too
  const std::string text(sql);
  const std::optional<std::size_t> nesting = detail::estimated_nesting(text);
  // Unscannable text does not parse; a statement too deep to walk stays unanalysed (parsed is
  // false: it counts as a write that may do anything, as unparsable text does).
  if (!nesting || *nesting > detail::kMaxNesting) return facts;
  detail::run_with_stack_for(*nesting, [&] { facts = facts_from_tree(text); });
  return facts;
}

}  // namespace pgshadow::sql
