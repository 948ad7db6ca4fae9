#pragma once
// Whether two results differ only in values of object identifier types.
//
// Object identifiers (oid, regclass, regtype, regproc, ...) are handed out by each server's OID
// counter: equal on two servers only while both created the same objects in the same order.
// A result that differs in those columns alone says which counter value an object got, not what
// the application reads.
#include <cstdint>

#include "pgshadow/compare/result_signature.h"

namespace pgshadow::compare {

// PostgreSQL's object identifier types (pg_type.h): oid, xid, cid and the reg* aliases.
bool is_object_id_type(std::uint32_t type_oid);

// True when both succeeded with the same columns and row count, both samples hold every row,
// and every cell that differs (row by row, in order) is in a column of an object identifier
// type. False when nothing differs or when the samples cannot tell.
bool differs_only_in_object_ids(const ResultSignature& baseline, const ResultSignature& shadow);

}  // namespace pgshadow::compare
