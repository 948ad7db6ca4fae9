// Writes counted as waiting on a predicted row lock before a check sees the wait
// (dispatch::Running::wait_assumed, LockArbiter::sent_to_wait): the holder's statements may run
// ahead at once instead of one lock check later, and every commit that could change the write's
// result still waits for that check (dispatch::passes_assumed_wait).
#include <algorithm>

#include "replay_engine.h"

namespace pgshadow::replay {

// Only an UPDATE or DELETE (inside a transaction block: the caller's to ask) of one plain table's rows and reading
// nothing else (sql::RowPins::where_columns), and only where each statement's snapshot is its
// own (no REPEATABLE READ or SERIALIZABLE anywhere: a transaction's snapshot taken before a
// commit would show it in every later statement) and statements may be reordered (causal order,
// no --migrate-during migration, whose waits are measured).
const std::set<std::string>* ReplayEngine::assumable_wait(const SessionRun& session) const {
  if (!overtaking_allowed() || serializable_->snapshot_kept_possible()) return nullptr;
  const sql::StatementFacts& facts = session.facts;
  if (!facts.may_write || facts.statement_count != 1 || facts.row_pins.size() != 1) return nullptr;
  if (footprint_in_force(session.footprint, session.footprint_generation) == nullptr) return nullptr;
  const auto& where_columns = facts.row_pins.begin()->second.where_columns;
  return where_columns ? &*where_columns : nullptr;
}

bool ReplayEngine::assumed_wait_in_flight() const {
  return std::any_of(in_flight_.begin(), in_flight_.end(), [](const SessionRun* session) { return session->wait_assumed(); });
}

bool ReplayEngine::passes_assumed_waits(const SessionRun& session, Pending& pending) {
  if (!assumed_wait_in_flight()) return true;
  const sql::StatementFacts& facts = pending.analysis.facts;
  if (!dispatch::publishes(facts, session.baseline_state())) return true;
  resolve_footprint(pending);
  const dispatch::Footprint* footprint = footprint_in_force(pending.footprint, *pending.footprint_generation);
  const auto committed = committed_by(&session, facts, footprint, true);
  dispatch::Candidate next{&pending.event, false, facts.may_write, true, footprint};
  next.published = committed ? &*committed : nullptr;
  for (const dispatch::Running& other : running_besides(&session)) {
    if (other.wait_assumed && !dispatch::passes_assumed_wait(next, other)) {
      hurry_assumed_waits();
      return false;
    }
  }
  return true;
}

void ReplayEngine::hurry_assumed_waits() {
  for (SessionRun* session : in_flight_) {
    for (SideRun& side : session->sides) {
      if (side.in_flight && side.wait_assumed) LockArbiter::check_soon(side);
    }
  }
}

}  // namespace pgshadow::replay
