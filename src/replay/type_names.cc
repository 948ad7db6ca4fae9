#include "type_names.h"

namespace pgshadow::replay {
namespace {

constexpr std::size_t kMaxTypesRemembered = 100'000;

std::string type_query(std::uint32_t oid) {
  return "SELECT quote_ident(n.nspname) || '.' || quote_ident(t.typname) FROM pg_type t JOIN pg_namespace n "
         "ON n.oid = t.typnamespace WHERE t.oid = " + std::to_string(oid);
}

}  // namespace

void TypeNames::resolve(std::vector<compare::ColumnHeader>& columns, pg::SessionConnection* session,
                        pg::SessionConnection& monitor) {
  for (compare::ColumnHeader& column : columns) {
    if (column.type_oid < compare::kFirstNormalObjectId) continue;
    if (const auto found = known_.find(column.type_oid); found != known_.end()) {
      column.type_name = found->second;
      continue;
    }
    const bool session_usable = session != nullptr && session->transaction_state() != pg::TransactionState::kFailed;
    auto name = session_usable ? session->query_scalar(type_query(column.type_oid))
                               : monitor.query_scalar(type_query(column.type_oid));
    if (!name.ok() || name->empty()) continue;  // not visible from here: compared by OID
    if (known_.size() >= kMaxTypesRemembered) known_.clear();
    known_.emplace(column.type_oid, *name);
    column.type_name = *name;
  }
}

}  // namespace pgshadow::replay
