#include "production_error.h"

#include <algorithm>
#include <array>

#include "pgshadow/core/sqlstate.h"

namespace pgshadow::replay {
namespace {

// Errors whose occurrence depends on what other sessions did at the time, not on the statement
// and the data alone. 57P01 and 25P03 end the session in production; its capture has no later
// statement, so the replayed session (left open) runs nothing more either.
constexpr std::array<std::string_view, 6> kTimingErrors = {
    "40P01",  // deadlock_detected: which of the transactions is the victim
    "40001",  // serialization_failure: which transaction commits first
    "55P03",  // lock_not_available: NOWAIT or lock_timeout found the lock taken
    "57014",  // query_canceled: statement_timeout or a cancel request
    "25P03",  // idle_in_transaction_session_timeout
    "57P01",  // admin_shutdown: pg_terminate_backend from another session (skipped), a shutdown
};

}  // namespace

std::optional<std::string_view> timing_error_name(std::string_view sqlstate) {
  if (std::find(kTimingErrors.begin(), kTimingErrors.end(), sqlstate) == kTimingErrors.end()) return std::nullopt;
  return sqlstate_name(sqlstate);
}

bool replays_as_production_error(const Event& event) {
  return !event.outcome.succeeded && timing_error_name(event.outcome.sqlstate).has_value();
}

std::string production_error_statement(const Event& event, const sql::StatementFacts& facts) {
  const std::string_view sqlstate = event.outcome.sqlstate;
  const std::string_view name = *timing_error_name(sqlstate);
  // The SQLSTATE is one of the table above and its name is the server's: nothing but those is
  // spliced into the SQL, however the capture was written.
  std::string raise = "DO $pgshadow$BEGIN RAISE EXCEPTION USING ERRCODE = '" + std::string(sqlstate) +
                      "', MESSAGE = 'pgshadow: production failed here with " + std::string(name) +
                      "'; END$pgshadow$";
  // A failed COMMIT leaves no transaction open (the server rolled it back); an error raised
  // inside the transaction would leave it open and aborted.
  if (facts.commits) return "ROLLBACK; " + raise;
  return raise;
}

}  // namespace pgshadow::replay
