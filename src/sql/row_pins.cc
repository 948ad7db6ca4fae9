#include "row_pins.h"

#include <pg_query/pg_query.pb-c.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "builtin_functions.h"
#include "column_equalities.h"
#include "pg_query_calls.h"

namespace pgshadow::sql::detail {
namespace {

// A VALUES list longer than this pins nothing: a bulk insert is one write of many rows, and
// telling it apart from another row by row costs more than it saves.
constexpr std::size_t kMaxPinnedRows = 64;

// Where the number constants of the text start, in order (the scanner's ICONST and FCONST).
std::vector<int> number_starts(const std::string& sql) {
  std::vector<int> starts;
  const auto scanned = scan(sql);
  const auto* tokens = std::get_if<std::vector<Token>>(&scanned);
  if (tokens == nullptr) return starts;
  for (const Token& token : *tokens) {
    if (token.id == PG_QUERY__TOKEN__ICONST || token.id == PG_QUERY__TOKEN__FCONST) starts.push_back(token.start);
  }
  return starts;
}

class PinReader {
 public:
  explicit PinReader(const std::string& sql) : sql_(sql) {}

  // The pinned value of a value node (column_equalities.h), nullopt for a NULL, a boolean or a
  // bit string (they pin nothing a key holds).
  std::optional<PinnedValue> read(const json& node) {
    PinnedValue pinned;
    const json* value = value_node(node, &pinned.cast);
    if (value == nullptr) return std::nullopt;
    if (const json* parameter = body_of(*value, "ParamRef"); parameter != nullptr) {
      pinned.source = PinnedValue::Source::kParameter;
      pinned.index = parameter->value("number", 0);
      if (pinned.index <= 0) return std::nullopt;
      return pinned;
    }
    if (const std::string* text = string_constant(*value); text != nullptr) {
      pinned.source = PinnedValue::Source::kString;
      pinned.text = *text;
      return pinned;
    }
    const json& constant = *value->begin();
    if (!constant.contains("ival") && !constant.contains("fval")) return std::nullopt;
    const int location = constant.value("location", -1);
    if (location < 0 || static_cast<std::size_t>(location) >= sql_.size()) return std::nullopt;
    if (!starts_) starts_ = number_starts(sql_);
    // A negative constant's location is its minus sign, before the number's own token.
    pinned.source = PinnedValue::Source::kNumber;
    pinned.negated = sql_[static_cast<std::size_t>(location)] == '-';
    const auto before = std::lower_bound(starts_->begin(), starts_->end(), location + (pinned.negated ? 1 : 0));
    if (before == starts_->end()) return std::nullopt;
    pinned.index = static_cast<int>(before - starts_->begin());
    return pinned;
  }

 private:
  const std::string& sql_;
  std::optional<std::vector<int>> starts_;
};

// Whether the tree holds a row-locking part besides its top statement (a data-modifying or
// locking subquery): its rows are not the top statement's pins.
bool locks_elsewhere(const json& top_body) {
  bool found = false;
  for (const auto& [key, child] : top_body.items()) {
    for_each_node(child, [&](const std::string& type, const json& body) {
      if (type == "InsertStmt" || type == "UpdateStmt" || type == "DeleteStmt" || type == "MergeStmt") found = true;
      if (type == "SelectStmt" && body.contains("lockingClause")) found = true;
    });
  }
  return found;
}

std::map<std::string, PinnedValue> where_pins(const json& body, PinReader& reader) {
  std::map<std::string, PinnedValue> pins;
  const auto where = body.find("whereClause");
  if (where == body.end()) return pins;
  for_each_equality(*where, [&](const std::string& column, const json& value) {
    if (pins.count(column) != 0) return;  // `a = 1 AND a = 2`: the first is as good as either
    if (auto pinned = reader.read(value)) pins.emplace(column, std::move(*pinned));
  });
  return pins;
}

std::set<std::string> assigned_columns(const json& target_list) {
  std::set<std::string> assigned;
  for (const json& target : target_list) {
    if (const json* result = body_of(target, "ResTarget"); result != nullptr) assigned.insert(result->value("name", ""));
  }
  return assigned;
}

// The columns an UPDATE's or DELETE's WHERE names, when the statement reads nothing else than
// the columns of the rows it changes (RowPins::where_columns).
std::optional<std::set<std::string>> where_columns(const json& body) {
  const auto relation = body.find("relation");
  if (relation == body.end() || !relation->is_object()) return std::nullopt;
  std::set<std::string> names_of_the_row{relation->value("relname", "")};
  if (const auto alias = relation->find("alias"); alias != relation->end() && alias->is_object()) {
    names_of_the_row.insert(alias->value("aliasname", ""));
  }
  bool reads_more = false;
  for_each_node(body, [&](const std::string& type, const json& node) {
    if (type == "SubLink" || type == "CurrentOfExpr") reads_more = true;
    // The application's own function may read other tables through the statement's snapshot,
    // taken before a commit the write waits behind or after it.
    if (type == "FuncCall" && !is_pure_builtin(node) && !draws_from_sequence(node)) reads_more = true;
  });
  if (reads_more) return std::nullopt;
  std::set<std::string> columns;
  const auto where = body.find("whereClause");
  if (where == body.end()) return columns;
  for_each_node(*where, [&](const std::string& type, const json& reference) {
    if (type != "ColumnRef" || reads_more) return;
    const json fields = reference.value("fields", json::array());
    const json* last = fields.empty() ? nullptr : body_of(fields.back(), "String");
    if (last == nullptr) {
      reads_more = true;  // t.*
      return;
    }
    const std::string name = last->value("sval", "");
    // `WHERE t = ROW(...)`: the whole row, every column of it.
    if (fields.size() == 1 && names_of_the_row.count(name) != 0) reads_more = true;
    columns.insert(name);
  });
  if (reads_more) return std::nullopt;
  return columns;
}

std::string relation_name(const json& body, const char* field) {
  const auto relation = body.find(field);
  return relation != body.end() && relation->is_object() ? relation->value("relname", "") : std::string();
}

std::optional<std::pair<std::string, RowPins>> existing_rows(const std::string& kind, const json& body,
                                                             PinReader& reader) {
  std::string table;
  RowPins pins;
  if (kind == "UpdateStmt") {
    if (body.contains("fromClause")) return std::nullopt;
    table = relation_name(body, "relation");
    pins.assigned = assigned_columns(body.value("targetList", json::array()));
    pins.where_columns = where_columns(body);
  } else if (kind == "DeleteStmt") {
    if (body.contains("usingClause")) return std::nullopt;
    table = relation_name(body, "relation");
    pins.where_columns = where_columns(body);
  } else {
    // A SELECT (locking or not) of one table, no set operation.
    const json from = body.value("fromClause", json::array());
    if (from.size() != 1 || body.value("op", "SETOP_NONE") != "SETOP_NONE") return std::nullopt;
    const json* range = body_of(from[0], "RangeVar");
    if (range == nullptr) return std::nullopt;
    table = range->value("relname", "");
  }
  if (table.empty()) return std::nullopt;
  pins.rows.push_back(where_pins(body, reader));
  return std::make_pair(table, std::move(pins));
}

std::optional<std::pair<std::string, RowPins>> inserted_rows(const json& body, PinReader& reader) {
  const std::string table = relation_name(body, "relation");
  const json columns = body.value("cols", json::array());
  const auto select = body.find("selectStmt");
  if (table.empty() || columns.empty() || select == body.end()) return std::nullopt;
  const json* values = body_of(*select, "SelectStmt");
  if (values == nullptr || !values->contains("valuesLists") || values->contains("withClause")) return std::nullopt;
  const json& lists = (*values)["valuesLists"];
  if (!lists.is_array() || lists.empty() || lists.size() > kMaxPinnedRows) return std::nullopt;
  RowPins pins;
  pins.kind = RowPins::Kind::kInserted;
  for (const json& list : lists) {
    const json* row = body_of(list, "List");
    if (row == nullptr) return std::nullopt;
    const json items = row->value("items", json::array());
    if (items.size() != columns.size()) return std::nullopt;
    std::map<std::string, PinnedValue> pinned;
    for (std::size_t at = 0; at < items.size(); ++at) {
      const json* column = body_of(columns[at], "ResTarget");
      if (column == nullptr || column->contains("indirection")) return std::nullopt;  // (a[1], b.c)
      if (auto value = reader.read(items[at])) pinned.emplace(column->value("name", ""), std::move(*value));
    }
    pins.rows.push_back(std::move(pinned));
  }
  if (const auto conflict = body.find("onConflictClause"); conflict != body.end()) {
    pins.on_conflict = true;
    pins.assigned = assigned_columns(conflict->value("targetList", json::array()));
  }
  return std::make_pair(table, std::move(pins));
}

}  // namespace

std::map<std::string, RowPins> find_row_pins(const json& statement, const std::string& sql) {
  std::map<std::string, RowPins> found;
  if (!statement.is_object() || statement.size() != 1) return found;
  const std::string& kind = statement.begin().key();
  const json& body = *statement.begin();
  if (kind != "InsertStmt" && kind != "UpdateStmt" && kind != "DeleteStmt" && kind != "SelectStmt") return found;
  if (body.contains("withClause") || locks_elsewhere(body)) return found;
  PinReader reader(sql);
  auto pins = kind == "InsertStmt" ? inserted_rows(body, reader) : existing_rows(kind, body, reader);
  if (pins) found.emplace(std::move(pins->first), std::move(pins->second));
  return found;
}

}  // namespace pgshadow::sql::detail
