#pragma once
// Which tables a statement reads and writes, by name, from its parse tree. Private to sql.
#include <set>
#include <string>

#include "parse_tree.h"

namespace pgshadow::sql::detail {

struct TableUse {
  std::set<std::string> touched;  // every relation named, read or written ("orders", "app.orders")
  std::set<std::string> written;  // INSERT/UPDATE/DELETE/MERGE targets (CTEs too), COPY FROM, TRUNCATE,
                                  // ALTER TABLE, CREATE TABLE AS / SELECT INTO
  std::set<std::string> created;  // CREATE TABLE AS / SELECT INTO targets: tables with the statement's rows
};

void collect_table_use(const json& statement, TableUse& use);

}  // namespace pgshadow::sql::detail
