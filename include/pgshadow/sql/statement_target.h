#pragma once
// What a statement acts on, in a reviewer's words: its kind and its main table, from
// PostgreSQL's own parse tree. Used to group findings (JUnit classnames) by what they touch.
// Thread-safe.
#include <string>
#include <string_view>

namespace pgshadow::sql {

struct StatementTarget {
  // "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", or the parse node's name for others
  // ("TRANSACTION", "VARIABLESET", ...); "UNPARSABLE" when the parser rejects the text.
  std::string kind;
  // The first table named: the target of INSERT/UPDATE/DELETE/MERGE, else the first relation
  // of the FROM clause (schema-qualified as written); empty when there is none.
  std::string table;
};

// Of the first statement of `sql` (a normalized shape parses: $n are parameters).
StatementTarget target_of(std::string_view sql);

}  // namespace pgshadow::sql
