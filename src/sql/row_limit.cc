#include "row_limit.h"

namespace pgshadow::sql::detail {
namespace {

bool is_value(const json& node) { return is_node_of_type(node, "A_Const") || is_node_of_type(node, "ParamRef"); }

// The column a ColumnRef names (its last field), "" for anything else.
std::string column_of(const json& node) {
  const json* ref = body_of(node, "ColumnRef");
  if (ref == nullptr) return {};
  const json fields = ref->value("fields", json::array());
  return !fields.empty() && fields.back().contains("String") ? fields.back()["String"].value("sval", "") : "";
}

// `column = value` (either way round): the column, else "".
std::string equality_column(const json& node) {
  const json* expr = body_of(node, "A_Expr");
  if (expr == nullptr || expr->value("kind", "") != "AEXPR_OP") return {};
  const json names = expr->value("name", json::array());
  if (names.size() != 1 || !names[0].contains("String") || names[0]["String"].value("sval", "") != "=") return {};
  const json left = expr->value("lexpr", json());
  const json right = expr->value("rexpr", json());
  if (is_value(right)) return column_of(left);
  if (is_value(left)) return column_of(right);
  return {};
}

void collect_equalities(const json& where, std::vector<std::string>& columns) {
  if (const json* boolean = body_of(where, "BoolExpr"); boolean != nullptr) {
    if (boolean->value("boolop", "") != "AND_EXPR") return;
    for (const json& arg : boolean->value("args", json::array())) collect_equalities(arg, columns);
    return;
  }
  if (std::string column = equality_column(where); !column.empty()) columns.push_back(std::move(column));
}

}  // namespace

std::optional<RowLimit> find_unordered_limit(const json& statement) {
  const json* select = body_of(statement, "SelectStmt");
  if (select == nullptr || select->contains("sortClause") || !select->contains("limitCount")) return std::nullopt;
  RowLimit limit;
  const json& count = (*select)["limitCount"];
  if (const json* constant = body_of(count, "A_Const"); constant != nullptr) {
    if (constant->contains("ival")) limit.count = (*constant)["ival"].value("ival", 0);
    if (constant->value("isnull", false)) return std::nullopt;  // LIMIT ALL / LIMIT NULL: no limit
  } else if (const json* parameter = body_of(count, "ParamRef"); parameter != nullptr) {
    limit.count_parameter = parameter->value("number", 0);
  }
  const json from = select->value("fromClause", json::array());
  if (from.size() == 1) {
    if (const json* table = body_of(from[0], "RangeVar"); table != nullptr) {
      limit.schema = table->value("schemaname", "");
      limit.table = table->value("relname", "");
      if (select->contains("whereClause")) collect_equalities((*select)["whereClause"], limit.equality_columns);
    }
  }
  return limit;
}

}  // namespace pgshadow::sql::detail
