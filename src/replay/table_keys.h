#pragma once
// What the baseline's catalog (production's schema) says of a table's keys, remembered per table:
// its unique keys (does equality on some columns pin at most one row?) and the tables its
// foreign keys reference (where a missing parent row would show). Not thread-safe.
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "pgshadow/pg/session_connection.h"

namespace pgshadow::replay {

class TableKeys {
 public:
  explicit TableKeys(pg::SessionConnection& catalog) : catalog_(catalog) {}

  // False when the table is unknown (a temporary table, another search_path) or the catalog
  // cannot be read: the LIMIT is then judged by its row counts alone.
  // True when a unique index (not partial, not on expressions) has all its columns among them.
  bool pins_one_row(const std::string& schema, const std::string& table, const std::vector<std::string>& columns);
  // The relation names the table's foreign keys reference; empty when unknown.
  std::set<std::string> referenced_tables(const std::string& table);

 private:
  std::vector<std::set<std::string>> keys_of(const std::string& schema, const std::string& table);

  pg::SessionConnection& catalog_;
  std::map<std::pair<std::string, std::string>, std::vector<std::set<std::string>>> known_;
  std::map<std::string, std::set<std::string>> referenced_;
};

}  // namespace pgshadow::replay
