#include <string>

#include "nondeterminism.h"
#include "outside_reach.h"
#include "parse_tree.h"
#include "nesting.h"
#include "pg_query_calls.h"
#include "pgshadow/sql/query_shape.h"
#include "row_limit.h"
#include "row_pins.h"
#include "sort_order.h"
#include "lock_footprint.h"
#include "table_use.h"

namespace pgshadow::sql {
namespace {

using detail::is_node_of_type;
using detail::json;

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

bool statement_is_explainable(const json& node) {
  if (is_query_node(node)) return !node.begin()->contains("intoClause");
  return is_node_of_type(node, "InsertStmt") || is_node_of_type(node, "UpdateStmt") ||
         is_node_of_type(node, "DeleteStmt") || is_node_of_type(node, "MergeStmt");
}

bool statement_is_plain_read(const json& node) {
  if (is_query_node(node)) return !contains_write(node);
  return is_node_of_type(node, "VariableShowStmt");
}

SavepointStep savepoint_step(const json& node) {
  const json* transaction = detail::body_of(node, "TransactionStmt");
  if (transaction == nullptr) return {};
  const std::string kind = transaction->value("kind", "");
  SavepointStep step;
  step.name = transaction->value("savepoint_name", "");
  if (kind == "TRANS_STMT_SAVEPOINT") step.kind = SavepointStep::Kind::kSavepoint;
  if (kind == "TRANS_STMT_RELEASE") step.kind = SavepointStep::Kind::kRelease;
  if (kind == "TRANS_STMT_ROLLBACK_TO") step.kind = SavepointStep::Kind::kRollbackTo;
  return step;
}

// BEGIN, START TRANSACTION, SAVEPOINT, RELEASE SAVEPOINT.
bool opens_only(const json& node) {
  const json* transaction = detail::body_of(node, "TransactionStmt");
  if (transaction == nullptr) return false;
  const std::string kind = transaction->value("kind", "");
  return kind == "TRANS_STMT_BEGIN" || kind == "TRANS_STMT_START" || kind == "TRANS_STMT_SAVEPOINT" ||
         kind == "TRANS_STMT_RELEASE";
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
  facts.lock_footprint.emplace();
  facts.only_opens = true;
  for (const json& raw_statement : *statements) {
    const auto node = raw_statement.find("stmt");
    if (node == raw_statement.end()) continue;
    ++facts.statement_count;
    if (is_node_of_type(*node, "TransactionStmt")) facts.is_transaction_control = true;
    if (!opens_only(*node)) facts.only_opens = false;
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
    facts.unordered_limit = detail::find_unordered_limit(*node);
    facts.sort_order = detail::find_sort_order(*node);
    if (facts.nondeterminism.empty()) facts.nondeterminism = detail::find_nondeterminism(*node);
    if (!facts.outside_reach) facts.outside_reach = detail::find_outside_reach(*node);
    detail::add_lock_footprint(*node, facts.lock_footprint);
    detail::TableUse use;
    detail::collect_table_use(*node, use);
    facts.tables_touched.insert(use.touched.begin(), use.touched.end());
    facts.tables_written.insert(use.written.begin(), use.written.end());
    facts.tables_created.insert(use.created.begin(), use.created.end());
    facts.relations_created.insert(use.relations_created.begin(), use.relations_created.end());
    facts.savepoint = savepoint_step(*node);
    const json* transaction = detail::body_of(*node, "TransactionStmt");
    facts.rolls_back = transaction != nullptr && (transaction->value("kind", "") == "TRANS_STMT_ROLLBACK" ||
                                                  transaction->value("kind", "") == "TRANS_STMT_ROLLBACK_PREPARED");
    facts.commits = transaction != nullptr && (transaction->value("kind", "") == "TRANS_STMT_COMMIT" ||
                                               transaction->value("kind", "") == "TRANS_STMT_PREPARE");
  }
  facts.is_explainable = facts.statement_count == 1 && statement_is_explainable(statements->at(0)["stmt"]);
  if (facts.statement_count == 1 && facts.lock_footprint) facts.row_pins = detail::find_row_pins(statements->at(0)["stmt"], sql);
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
