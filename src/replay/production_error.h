#pragma once
// Production errors that depend on timing, and the statement that repeats one on a replay side.
//
// A statement that production lost to a race (a deadlock victim, a serialization failure, a
// NOWAIT or lock_timeout that found the lock taken, a statement_timeout or a cancel request, a
// session ended by a timeout or by another backend) cannot be replayed faithfully: the replay
// does not run the same race, so the statement succeeds on both sides, or both sides deadlock
// and each server's detector aborts a different victim, and the sides differ for no reason of
// the migration's. Such a statement is replayed on both sides as the error production got: it
// aborts the open transaction as the real error did, so what follows behaves as in production,
// and its own SQL (a pg_sleep that production cancelled) never runs.
#include <optional>
#include <string>
#include <string_view>

#include "pgshadow/core/event.h"
#include "pgshadow/sql/query_shape.h"

namespace pgshadow::replay {

// The condition name of a timing-dependent SQLSTATE ("deadlock_detected" for 40P01), nullopt
// for any other.
std::optional<std::string_view> timing_error_name(std::string_view sqlstate);

// Whether the event is replayed as its production error: it failed in production with a
// timing-dependent SQLSTATE.
bool replays_as_production_error(const Event& event);

// The SQL that fails on a replay side with the event's production SQLSTATE, in the simple
// protocol whatever the event's (an Execute of a prepared statement included: nothing is bound).
// A commit that failed also ends its transaction, as the failed COMMIT did in production.
std::string production_error_statement(const Event& event, const sql::StatementFacts& facts);

}  // namespace pgshadow::replay
