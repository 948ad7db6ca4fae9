#include "pgshadow/sql/global_references.h"

#include <nlohmann/json.hpp>

#include "pg_query_calls.h"

namespace pgshadow::sql {
namespace {

using nlohmann::json;

// A role given by name (RoleSpec of type ROLESPEC_CSTRING); the pseudo-roles have no rolename.
void add_role_spec(const json& body, GlobalReferences& into) {
  if (body.value("roletype", "") != "ROLESPEC_CSTRING") return;
  if (auto name = body.value("rolename", ""); !name.empty()) into.roles.insert(name);
}

// SET ROLE x / SET SESSION AUTHORIZATION x: the role is a string constant.
void add_set_statement(const json& body, GlobalReferences& into) {
  const std::string name = body.value("name", "");
  if (name == "default_tablespace" && body.contains("args") && !body["args"].empty()) {
    // pg_dump writes SET default_tablespace = '' for the default one.
    const json& argument = body["args"][0];
    if (argument.contains("A_Const") && argument["A_Const"].contains("sval") &&
        !argument["A_Const"]["sval"].value("sval", "").empty()) {
      into.tablespace = true;
    }
  }
  if (name != "role" && name != "session_authorization") return;
  if (!body.contains("args") || body["args"].empty()) return;
  const json& argument = body["args"][0];
  if (!argument.contains("A_Const") || !argument["A_Const"].contains("sval")) return;
  const std::string role = argument["A_Const"]["sval"].value("sval", "");
  if (!role.empty() && role != "none") into.roles.insert(role);
}

bool is_tablespace_statement(std::string_view key) {
  return key == "CreateTableSpaceStmt" || key == "AlterTableSpaceOptionsStmt" || key == "DropTableSpaceStmt";
}

void walk(const json& node, GlobalReferences& into) {
  if (node.is_array()) {
    for (const json& child : node) walk(child, into);
    return;
  }
  if (!node.is_object()) return;
  // A RoleSpec comes wrapped ({"RoleSpec": {...}}) in lists, bare where the field's type says it
  // (CREATE SCHEMA ... AUTHORIZATION's authrole).
  if (node.contains("roletype")) add_role_spec(node, into);
  for (const auto& [key, value] : node.items()) {
    if (is_tablespace_statement(key) || (key == "objtype" && value == "OBJECT_TABLESPACE") ||
        (key == "tablespacename" && value.is_string() && !value.get<std::string>().empty())) {
      into.tablespace = true;
    }
    if (key == "CreateRoleStmt") {
      if (auto name = value.value("role", ""); !name.empty()) {
        into.roles.insert(name);
        into.created_roles.insert(name);
      }
    } else if (key == "GrantRoleStmt" && value.contains("granted_roles")) {
      // GRANT app TO bob: the granted roles are AccessPriv nodes carrying the role's name.
      for (const json& granted : value["granted_roles"]) {
        if (granted.contains("AccessPriv")) {
          if (auto name = granted["AccessPriv"].value("priv_name", ""); !name.empty()) into.roles.insert(name);
        }
      }
    } else if (key == "VariableSetStmt") {
      add_set_statement(value, into);
    }
    walk(value, into);
  }
}

}  // namespace

void collect_global_references(std::string_view sql, GlobalReferences& into) {
  if (sql.find('\0') != std::string_view::npos) return;
  auto parsed = detail::parse_to_json(std::string(sql));
  const auto* tree = std::get_if<std::string>(&parsed);
  if (tree == nullptr) return;
  const json root = json::parse(*tree, nullptr, false);
  if (!root.is_discarded()) walk(root, into);
}

}  // namespace pgshadow::sql
