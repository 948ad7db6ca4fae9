#include "table_use.h"

namespace pgshadow::sql::detail {
namespace {

// A RangeVar's body as a name: schema-qualified only when the statement qualifies it.
std::string relation_name(const json& range_var) {
  const std::string schema = range_var.value("schemaname", "");
  const std::string relation = range_var.value("relname", "");
  return schema.empty() ? relation : schema + "." + relation;
}

void add(const json& range_var, TableUse& use, bool written, bool created = false) {
  const std::string name = relation_name(range_var);
  if (name.empty()) return;
  use.touched.insert(name);
  if (written) use.written.insert(name);
  if (created) use.created.insert(name);
}

}  // namespace

void collect_table_use(const json& statement, TableUse& use) {
  for_each_node(statement, [&](const std::string& type, const json& body) {
    if (type == "RangeVar") {
      add(body, use, false);
    } else if (type == "InsertStmt" || type == "UpdateStmt" || type == "DeleteStmt" || type == "MergeStmt" ||
               type == "AlterTableStmt") {
      if (body.contains("relation")) add(body["relation"], use, true);
    } else if (type == "CopyStmt") {
      if (body.contains("relation")) add(body["relation"], use, body.value("is_from", false));
    } else if (type == "TruncateStmt") {
      for (const json& relation : body.value("relations", json::array())) {
        if (const json* range_var = body_of(relation, "RangeVar")) add(*range_var, use, true);
      }
    } else if (type == "CreateTableAsStmt") {
      if (body.contains("into") && body["into"].contains("rel")) add(body["into"]["rel"], use, true, true);
    } else if (type == "SelectStmt") {
      if (body.contains("intoClause") && body["intoClause"].contains("rel")) add(body["intoClause"]["rel"], use, true, true);
    }
  });
}

}  // namespace pgshadow::sql::detail
