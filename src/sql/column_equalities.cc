#include "column_equalities.h"

namespace pgshadow::sql::detail {
namespace {

// The column a ColumnRef names (its last field), "" for anything else.
std::string column_of(const json& node) {
  const json* ref = body_of(node, "ColumnRef");
  if (ref == nullptr) return {};
  const json fields = ref->value("fields", json::array());
  return !fields.empty() && fields.back().contains("String") ? fields.back()["String"].value("sval", "") : "";
}

bool is_plain_equals(const json& expr) {
  if (expr.value("kind", "") != "AEXPR_OP") return false;
  const json names = expr.value("name", json::array());
  return names.size() == 1 && names[0].contains("String") && names[0]["String"].value("sval", "") == "=";
}

}  // namespace

const json* value_node(const json& node, std::string* cast) {
  const json* value = &node;
  std::string type;
  if (const json* typed = body_of(node, "TypeCast"); typed != nullptr && typed->contains("arg")) {
    value = &(*typed)["arg"];
    const json names = typed->value("typeName", json::object()).value("names", json::array());
    if (!names.empty() && names.back().contains("String")) type = names.back()["String"].value("sval", "");
    if (type.empty()) return nullptr;
  }
  if (!is_node_of_type(*value, "A_Const") && !is_node_of_type(*value, "ParamRef")) return nullptr;
  if (cast != nullptr) *cast = std::move(type);
  return value;
}

void for_each_equality(const json& where,
                       const std::function<void(const std::string& column, const json& value)>& found) {
  if (const json* boolean = body_of(where, "BoolExpr"); boolean != nullptr) {
    if (boolean->value("boolop", "") != "AND_EXPR") return;
    for (const json& arg : boolean->value("args", json::array())) for_each_equality(arg, found);
    return;
  }
  const json* expr = body_of(where, "A_Expr");
  if (expr == nullptr || !is_plain_equals(*expr) || !expr->contains("lexpr") || !expr->contains("rexpr")) return;
  const json& left = (*expr)["lexpr"];
  const json& right = (*expr)["rexpr"];
  if (std::string column = column_of(left); !column.empty() && value_node(right, nullptr) != nullptr) {
    found(column, right);
  } else if (column = column_of(right); !column.empty() && value_node(left, nullptr) != nullptr) {
    found(column, left);
  }
}

}  // namespace pgshadow::sql::detail
