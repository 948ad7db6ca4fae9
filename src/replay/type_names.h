#pragma once
// Names of the types a side's results use that are not builtin (OID >= kFirstNormalObjectId):
// a composite type, domain or enum the baseline or the traffic created has its own OID on each
// cluster, so results are compared by the type's schema-qualified name instead. Remembered per
// OID for one side. Not thread-safe.
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "pgshadow/compare/result_signature.h"
#include "pgshadow/pg/session_connection.h"

namespace pgshadow::replay {

class TypeNames {
 public:
  // Fills type_name of every non-builtin column. `session` is the connection that produced the
  // result (it sees types its own open transaction created); `monitor` serves when the session
  // cannot be asked (its transaction failed). A type neither can name keeps an empty name.
  void resolve(std::vector<compare::ColumnHeader>& columns, pg::SessionConnection* session,
               pg::SessionConnection& monitor);

 private:
  std::unordered_map<std::uint32_t, std::string> known_;
};

}  // namespace pgshadow::replay
