#include "pgshadow/sql/statement_target.h"

#include <nlohmann/json.hpp>

#include "pg_query_calls.h"

namespace pgshadow::sql {
namespace {

using nlohmann::json;

std::string relation_name(const json& range_var) {
  const std::string name = range_var.value("relname", "");
  const std::string schema = range_var.value("schemaname", "");
  return schema.empty() ? name : schema + "." + name;
}

// Depth-first, in document order: the first RangeVar under `node`.
std::string first_relation(const json& node) {
  if (node.is_object()) {
    if (const auto it = node.find("RangeVar"); it != node.end()) return relation_name(*it);
    for (const auto& [key, child] : node.items()) {
      if (std::string found = first_relation(child); !found.empty()) return found;
    }
  } else if (node.is_array()) {
    for (const auto& child : node) {
      if (std::string found = first_relation(child); !found.empty()) return found;
    }
  }
  return "";
}

std::string kind_of(const std::string& node_name) {
  std::string kind = node_name;
  if (kind.size() > 4 && kind.ends_with("Stmt")) kind.resize(kind.size() - 4);
  for (char& c : kind) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return kind;
}

}  // namespace

StatementTarget target_of(std::string_view sql) {
  StatementTarget target{"UNPARSABLE", ""};
  if (sql.find('\0') != std::string_view::npos) return target;
  const auto parsed = detail::parse_to_json(std::string(sql));
  if (!std::holds_alternative<std::string>(parsed)) return target;
  const json tree = json::parse(std::get<std::string>(parsed), nullptr, false);
  if (!tree.is_object() || !tree.contains("stmts") || tree["stmts"].empty()) return target;
  const json& statement = tree["stmts"][0].value("stmt", json::object());
  if (statement.empty()) return target;
  const auto first = statement.begin();  // a statement node has one key: its type
  const std::string node_name = first.key();
  const json& node = first.value();
  target.kind = kind_of(node_name);
  if (node.contains("relation")) {
    target.table = relation_name(node["relation"]);
  } else {
    target.table = first_relation(node.value("fromClause", json::array()));
    if (target.table.empty()) target.table = first_relation(node);
  }
  return target;
}

}  // namespace pgshadow::sql
