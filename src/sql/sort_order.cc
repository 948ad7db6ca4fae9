#include "sort_order.h"

#include <string>
#include <vector>

namespace pgshadow::sql::detail {
namespace {

// Two expressions as written, ignoring where they were written: ORDER BY "Post"."score" is the
// select list's "Post"."score". PostgreSQL matches the analysed expressions, which can also
// match differently written ones (score and "Post"."score"); missing those leaves a key unknown,
// which only makes the comparison stricter.
bool same_expression(const json& a, const json& b) {
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same_expression(a[i], b[i])) return false;
    }
    return true;
  }
  if (!a.is_object()) return a == b;
  const auto without_location = [](const json& node) {
    std::size_t count = 0;
    for (const auto& [key, value] : node.items()) count += key == "location" ? 0 : 1;
    return count;
  };
  if (without_location(a) != without_location(b)) return false;
  for (const auto& [key, value] : a.items()) {
    if (key == "location") continue;
    const auto other = b.find(key);
    if (other == b.end() || !same_expression(value, *other)) return false;
  }
  return true;
}

// The names of a ColumnRef ("t", "id" for t.id), empty when it is not one or holds a *.
std::vector<std::string> column_ref_names(const json& node) {
  const json* ref = body_of(node, "ColumnRef");
  if (ref == nullptr) return {};
  std::vector<std::string> names;
  for (const json& field : ref->value("fields", json::array())) {
    if (!field.contains("String")) return {};
    names.push_back(field["String"].value("sval", ""));
  }
  return names;
}

bool is_star(const json& target) {
  const json value = target.value("val", json());
  const json* ref = body_of(value, "ColumnRef");
  if (ref == nullptr) return false;
  const json fields = ref->value("fields", json::array());
  return !fields.empty() && fields.back().contains("A_Star");
}

// The name PostgreSQL gives a select-list entry's column, when pgshadow can tell: its alias, or
// the column a plain column reference reads.
std::string output_name(const json& target) {
  if (target.contains("name")) return target.value("name", "");
  const auto names = column_ref_names(target.value("val", json()));
  return names.empty() ? std::string() : names.back();
}

// The name a FROM clause of one table gives it (its alias, else its name); "" for anything else
// (a join, a subquery, several tables). Every column reference of the query is then to it.
std::string only_table(const json& select) {
  const json from = select.value("fromClause", json::array());
  if (from.size() != 1) return {};
  const json* table = body_of(from[0], "RangeVar");
  if (table == nullptr) return {};
  const json alias = table->value("alias", json());
  return alias.is_object() ? alias.value("aliasname", "") : table->value("relname", "");
}

// The expression with `table.column` written as `column`: the same column when the query reads
// one table ("User"."name" in ORDER BY is "name" in the select list).
json without_qualifier(const json& node, const std::string& table) {
  if (table.empty()) return node;
  if (node.is_array()) {
    json copy = json::array();
    for (const json& child : node) copy.push_back(without_qualifier(child, table));
    return copy;
  }
  if (!node.is_object()) return node;
  const std::vector<std::string> names = column_ref_names(node);
  if (names.size() == 2 && names[0] == table) {
    json copy = node;
    json& fields = copy["ColumnRef"]["fields"];
    fields.erase(fields.begin());
    return copy;
  }
  json copy = json::object();
  for (const auto& [key, child] : node.items()) copy[key] = without_qualifier(child, table);
  return copy;
}

std::optional<SortKeyColumn> key_column(const json& select, const json& key) {
  // ORDER BY 2: the second column of the result, * expanded.
  if (const json* constant = body_of(key, "A_Const"); constant != nullptr) {
    if (!constant->contains("ival")) return std::nullopt;
    const int position = (*constant)["ival"].value("ival", 0);
    if (position < 1) return std::nullopt;
    return SortKeyColumn{static_cast<std::size_t>(position - 1), {}};
  }
  const std::vector<std::string> names = column_ref_names(key);
  // A bare name: PostgreSQL takes the output column of that name first, else an input column,
  // which the result then does not hold under that name.
  if (names.size() == 1) return SortKeyColumn{std::nullopt, names[0]};
  const std::string table = only_table(select);
  const json unqualified_key = without_qualifier(key, table);
  const json targets = select.value("targetList", json::array());
  bool star_before = false;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const json target = targets[i].value("ResTarget", json());
    if (is_star(target)) {
      star_before = true;
      continue;
    }
    if (!same_expression(without_qualifier(target.value("val", json()), table), unqualified_key)) continue;
    if (!star_before) return SortKeyColumn{i, {}};
    std::string name = output_name(target);
    if (name.empty()) return std::nullopt;
    return SortKeyColumn{std::nullopt, std::move(name)};
  }
  // SELECT * from one table: its column of that name is in the result (and is the result's only
  // column of that name when resolve_sort_keys finds just one).
  if (names.size() == 2 && !table.empty() && names[0] == table && star_before) return SortKeyColumn{std::nullopt, names[1]};
  return std::nullopt;
}

std::optional<RowCount> row_count(const json& node) {
  if (const json* constant = body_of(node, "A_Const"); constant != nullptr) {
    if (constant->value("isnull", false)) return std::nullopt;  // LIMIT ALL / LIMIT NULL: no limit
    RowCount count;
    if (constant->contains("ival")) count.constant = (*constant)["ival"].value("ival", 0);
    return count;
  }
  RowCount count;
  if (const json* parameter = body_of(node, "ParamRef"); parameter != nullptr) count.parameter = parameter->value("number", 0);
  return count;  // an expression: a limit whose value pgshadow cannot read
}

}  // namespace

std::optional<SortOrder> find_sort_order(const json& statement) {
  const json* select = body_of(statement, "SelectStmt");
  if (select == nullptr || !select->contains("sortClause")) return std::nullopt;
  SortOrder order;
  order.all_keys_in_result = true;
  for (const json& item : (*select)["sortClause"]) {
    const json* sort_by = body_of(item, "SortBy");
    auto column = sort_by == nullptr ? std::nullopt : key_column(*select, sort_by->value("node", json()));
    if (!column) {
      order.all_keys_in_result = false;
      break;
    }
    order.keys.push_back(std::move(*column));
  }
  if (select->contains("limitCount") && select->value("limitOption", "") != "LIMIT_OPTION_WITH_TIES") {
    order.limit = row_count((*select)["limitCount"]);
  }
  if (select->contains("limitOffset")) order.offset = row_count((*select)["limitOffset"]);
  return order;
}

}  // namespace pgshadow::sql::detail
