#include "row_limit.h"

#include "column_equalities.h"

namespace pgshadow::sql::detail {

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
      // Only an uncast value: a cast may compare by another type's equality (citext's ignores case).
      if (select->contains("whereClause")) {
        for_each_equality((*select)["whereClause"], [&](const std::string& column, const json& value) {
          std::string cast;
          if (value_node(value, &cast) != nullptr && cast.empty()) limit.equality_columns.push_back(column);
        });
      }
    }
  }
  return limit;
}

}  // namespace pgshadow::sql::detail
