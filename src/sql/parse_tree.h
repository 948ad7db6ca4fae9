#pragma once
// Reading libpg_query's JSON parse tree: a node is an object with one key, its type
// ({"SelectStmt": {...}}). Private to the sql module.
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace pgshadow::sql::detail {

using nlohmann::json;

inline bool is_node_of_type(const json& node, std::string_view type) {
  return node.is_object() && node.size() == 1 && node.begin().key() == type;
}

// The body of a node of that type, or nullptr.
inline const json* body_of(const json& node, std::string_view type) {
  return is_node_of_type(node, type) ? &*node.begin() : nullptr;
}

// The unqualified name of a FuncCall body ("now" for pg_catalog.now()), "" when not a plain name.
inline std::string function_name(const json& func_call) {
  const auto names = func_call.find("funcname");
  if (names == func_call.end() || !names->is_array() || names->empty()) return {};
  const json& last = names->back();
  return last.contains("String") ? last["String"].value("sval", "") : std::string();
}

// The value of a string constant node ({"A_Const": {"sval": {"sval": "now"}}}), or nullptr.
inline const std::string* string_constant(const json& node) {
  const json* constant = body_of(node, "A_Const");
  if (constant == nullptr) return nullptr;
  const auto sval = constant->find("sval");
  if (sval == constant->end() || !sval->is_object()) return nullptr;
  const auto text = sval->find("sval");
  return text != sval->end() && text->is_string() ? text->get_ptr<const std::string*>() : nullptr;
}

// Calls visit(type, body) for every node below (and including) `node`, depth first.
template <class Visit>
void for_each_node(const json& node, const Visit& visit) {
  if (node.is_array()) {
    for (const json& child : node) for_each_node(child, visit);
    return;
  }
  if (!node.is_object()) return;
  if (node.size() == 1 && node.begin()->is_object()) visit(node.begin().key(), *node.begin());
  for (const auto& [key, child] : node.items()) for_each_node(child, visit);
}

}  // namespace pgshadow::sql::detail
