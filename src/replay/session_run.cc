#include "session_run.h"

namespace pgshadow::replay {

bool SessionRun::progressing() const {
  if (!event) return false;
  for (const SideRun& side : sides) {
    if (side.awaiting_send) return true;  // sent once the connections before it are open
    if (side.in_flight && !side.waiting_on_lock && !side.waiting_behind_migration) return true;
  }
  return false;
}

bool SessionRun::behind_migration() const {
  if (!event || progressing()) return false;
  for (const SideRun& side : sides) {
    if (side.in_flight && side.waiting_behind_migration) return true;
  }
  return false;
}

pg::TransactionState SessionRun::baseline_state() const {
  const SideRun& baseline = sides[kBaselineSide];
  if (!baseline.connection) return pg::TransactionState::kIdle;
  return busy() ? baseline.state_before : baseline.connection->transaction_state();
}

pg::TransactionState SessionRun::next_statement_state() const {
  if (busy() && (!facts.parsed || facts.is_transaction_control)) return pg::TransactionState::kUnknown;
  return baseline_state();
}

}  // namespace pgshadow::replay
