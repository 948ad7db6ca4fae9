#pragma once
// Whether equality on some columns pins at most one row of a table: the table has a unique index
// (not partial, not on expressions) whose columns are all among them. Asked of the baseline's
// catalog (production's schema) and remembered per table. Not thread-safe.
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "pgshadow/pg/session_connection.h"

namespace pgshadow::replay {

class UniqueKeys {
 public:
  explicit UniqueKeys(pg::SessionConnection& catalog) : catalog_(catalog) {}

  // False when the table is unknown (a temporary table, another search_path) or the catalog
  // cannot be read: the LIMIT is then judged by its row counts alone.
  bool pins_one_row(const std::string& schema, const std::string& table, const std::vector<std::string>& columns);

 private:
  std::vector<std::set<std::string>> keys_of(const std::string& schema, const std::string& table);

  pg::SessionConnection& catalog_;
  std::map<std::pair<std::string, std::string>, std::vector<std::set<std::string>>> known_;
};

}  // namespace pgshadow::replay
