#include "lock_footprint.h"

#include "builtin_functions.h"

namespace pgshadow::sql::detail {
namespace {

std::string unqualified(const json& range_var) { return range_var.value("relname", ""); }

// The relation name a regclass literal ends with, as the catalog spells it: 'app.order_ids' ->
// "order_ids", 'Order_Ids' -> "order_ids", '"Order_Ids"' -> "Order_Ids".
std::string unqualified_relation(const std::string& text) {
  std::size_t last_start = 0;
  bool quoted = false;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] == '"') quoted = !quoted;
    if (text[at] == '.' && !quoted) last_start = at + 1;
  }
  const std::string last = text.substr(last_start);
  std::string name;
  if (last.size() >= 2 && last.front() == '"' && last.back() == '"') {
    for (std::size_t at = 1; at + 1 < last.size(); ++at) {
      if (last[at] == '"' && at + 2 < last.size() && last[at + 1] == '"') ++at;
      name += last[at];
    }
    return name;
  }
  for (const char c : last) name += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return name;
}

// The sequence a nextval or setval call draws from, named as a footprint names tables (the
// unqualified name), or "" when its argument is not a literal: two statements that draw from one
// sequence get their ids in the order they run, so they contend as two writes of one table do.
std::string sequence_argument(const json& func_call) {
  const auto args = func_call.find("args");
  if (args == func_call.end() || !args->is_array() || args->empty()) return {};
  const json* argument = &(*args)[0];
  if (const json* cast = body_of(*argument, "TypeCast"); cast != nullptr && cast->contains("arg")) {
    argument = &(*cast)["arg"];
  }
  const std::string* text = string_constant(*argument);
  return text != nullptr ? unqualified_relation(*text) : std::string();
}

// A SELECT's locking clause locks the rows of the relations it names (by their aliases), or of
// every relation in its FROM list when it names none: the FROM list's relations cover both.
void add_selected_relations(const json& select, std::set<std::string>& tables) {
  const auto from = select.find("fromClause");
  if (from == select.end()) return;
  for_each_node(*from, [&](const std::string& type, const json& body) {
    if (type == "RangeVar") tables.insert(unqualified(body));
  });
}

}  // namespace

void add_lock_footprint(const json& statement, std::optional<std::set<std::string>>& footprint) {
  if (!footprint) return;
  if (!statement.is_object() || statement.size() != 1) {
    footprint.reset();
    return;
  }
  const std::string& kind = statement.begin().key();
  // Row locks come from DML and locking reads; transaction control takes none. Everything else
  // (DDL, LOCK, COPY, CALL, DO, EXECUTE, TRUNCATE, ...) may lock whole tables or run any code.
  if (kind != "InsertStmt" && kind != "UpdateStmt" && kind != "DeleteStmt" && kind != "MergeStmt" &&
      kind != "SelectStmt" && kind != "TransactionStmt" && kind != "VariableShowStmt" && kind != "VariableSetStmt") {
    footprint.reset();
    return;
  }
  bool known = true;
  std::set<std::string>& tables = *footprint;
  for_each_node(statement, [&](const std::string& type, const json& body) {
    if (!known) return;
    if (type == "FuncCall" && draws_from_sequence(body)) {
      const std::string sequence = sequence_argument(body);
      if (sequence.empty()) known = false;
      tables.insert(sequence);
    } else if (type == "FuncCall" && !is_pure_builtin(body)) {
      known = false;
    }
    if (type == "InsertStmt" || type == "UpdateStmt" || type == "DeleteStmt" || type == "MergeStmt") {
      if (body.contains("relation")) tables.insert(unqualified(body["relation"]));
    }
    if (type == "SelectStmt" && body.contains("lockingClause")) add_selected_relations(body, tables);
    if (type == "SelectStmt" && body.contains("intoClause")) known = false;  // creates a table
  });
  if (!known) footprint.reset();
}

}  // namespace pgshadow::sql::detail
