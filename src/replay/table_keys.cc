#include "table_keys.h"

#include <algorithm>

#include "catalog_names.h"

namespace pgshadow::replay {
namespace {

constexpr std::size_t kMaxTablesRemembered = 10'000;

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(separator, start), text.size());
    if (end > start) parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

}  // namespace

std::set<std::string> TableKeys::referenced_tables(const std::string& table) {
  if (const auto found = referenced_.find(table); found != referenced_.end()) return found->second;
  if (referenced_.size() >= kMaxTablesRemembered) referenced_.clear();
  const std::string query =
      "SELECT string_agg(r.relname, chr(1)) FROM pg_constraint k JOIN pg_class r ON r.oid = k.confrelid "
      "WHERE k.contype = 'f' AND k.conrelid = " + regclass_of(catalog_, table);
  std::set<std::string> tables;
  if (auto listed = catalog_.query_scalar(query); listed.ok()) {
    for (const std::string& name : split(*listed, '\x01')) tables.insert(name);
  }
  referenced_.emplace(table, tables);
  return tables;
}

std::vector<std::set<std::string>> TableKeys::keys_of(const std::string& schema, const std::string& table) {
  const auto key = std::make_pair(schema, table);
  if (const auto found = known_.find(key); found != known_.end()) return found->second;
  if (known_.size() >= kMaxTablesRemembered) known_.clear();
  // One text: the unique indexes' column lists, \x02 between indexes, \x01 between columns
  // (control characters no column name holds in practice).
  const std::string query =
      "SELECT string_agg((SELECT string_agg(a.attname, chr(1) ORDER BY a.attnum) "
      "FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)), chr(2)) "
      "FROM pg_index i WHERE i.indrelid = " + regclass_of(catalog_, schema, table) +
      " AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL";
  std::vector<std::set<std::string>> keys;
  if (auto listed = catalog_.query_scalar(query); listed.ok()) {
    for (const std::string& index : split(*listed, '\x02')) {
      const std::vector<std::string> columns = split(index, '\x01');
      keys.emplace_back(columns.begin(), columns.end());
    }
  }
  known_.emplace(key, keys);
  return keys;
}

bool TableKeys::pins_one_row(const std::string& schema, const std::string& table,
                              const std::vector<std::string>& columns) {
  if (table.empty() || columns.empty()) return false;
  const std::set<std::string> given(columns.begin(), columns.end());
  for (const auto& key : keys_of(schema, table)) {
    if (!key.empty() && std::includes(given.begin(), given.end(), key.begin(), key.end())) return true;
  }
  return false;
}

}  // namespace pgshadow::replay
