#pragma once
// A relation named as a statement wrote it, as SQL the catalog resolves: to_regclass of the name
// quoted (the parser already folded its case), NULL where this connection's search_path finds
// no such relation (another session's temporary table, another schema).
#include <string>

#include "pgshadow/pg/session_connection.h"

namespace pgshadow::replay {

inline std::string regclass_of(const pg::SessionConnection& catalog, const std::string& schema,
                               const std::string& relation) {
  if (schema.empty()) return "to_regclass(quote_ident(" + catalog.quote_literal(relation) + "))";
  return "to_regclass(format('%I.%I', " + catalog.quote_literal(schema) + ", " + catalog.quote_literal(relation) +
         "))";
}

// "app.orders" or "orders", split at its last dot.
inline std::string regclass_of(const pg::SessionConnection& catalog, const std::string& name_as_written) {
  const std::size_t dot = name_as_written.rfind('.');
  if (dot == std::string::npos) return regclass_of(catalog, "", name_as_written);
  return regclass_of(catalog, name_as_written.substr(0, dot), name_as_written.substr(dot + 1));
}

}  // namespace pgshadow::replay
