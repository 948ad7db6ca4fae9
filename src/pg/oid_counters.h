#pragma once
// Brings the OID counters of two clusters level, so that the objects the replayed traffic creates
// (tables, types, temporary schemas) get the same OIDs on both sides and `'t1'::regclass::oid`
// compares equal. The clusters start as byte-identical copies; the migration, run on the shadow
// alone, moved the shadow's counter on.
//
// How: the OID counter is cluster-wide and every large object created takes the next value of it
// (lo_create(0) looks for a free OID among large objects only, so, with no large object in the
// way, one value each). The counter behind is moved on by creating and dropping that many large
// objects in its `postgres` database; the servers keep running. pg_resetwal -o would do the same
// with two more restarts of both servers.
#include <cstdint>

#include "admin_connection.h"
#include "pgshadow/util/result.h"

namespace pgshadow::pg {

// Returns the OID both counters will hand out next. Error kInfrastructure when a cluster cannot
// be asked, or the counters would not come level (another session taking OIDs meanwhile).
Result<std::uint32_t> align_oid_counters(AdminConnection& baseline, AdminConnection& shadow);

}  // namespace pgshadow::pg
