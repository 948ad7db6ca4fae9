// The way out of a stall (every statement in flight waits on a lock): a lock holder's next
// statement runs ahead of its turn. A holder's write that may want a row another write in flight
// waits for would wait beside it for that row, and each server could grant the row to either of
// the two: one side's order would then differ from the other's, and the sessions would wait on
// each other across the sides until lock_timeout (pgbench: two UPDATEs of one branch behind a third
// session's transaction, one of them run ahead). So a holder's statement clear of the writes in
// flight goes first; only when no holder has one does a statement that may wait beside them run,
// rather than the stall lasting until lock_timeout.
#include <algorithm>

#include "replay_engine.h"

namespace pgshadow::replay {
namespace {

constexpr const char* kBesideAWrite = "it may want a row lock a write in flight wants too (the write rule): another holder goes first";

}  // namespace

bool ReplayEngine::waits_beside_a_write(const SessionRun& holder, Pending& pending) {
  if (!pending.analysis.facts.may_write) return false;
  resolve_footprint(pending);
  const dispatch::Candidate next{&pending.event, false, true,
                                 dispatch::publishes(pending.analysis.facts, holder.next_statement_state()),
                                 footprint_in_force(pending.footprint, *pending.footprint_generation)};
  return dispatch::write_rule_holds(next, running_besides(&holder));
}

Result<bool> ReplayEngine::break_stall(SessionRun& session, Pending& pending) {
  const auto runs_itself = [&] {
    ++summary_.reordered_for_locks;
    trace_("stalled: %s runs ahead of its turn (it holds a lock others wait for)", session.id.c_str());
    arbiter_->stall_resolved();
    return true;
  };
  std::vector<SessionRun*> holders = arbiter_->holders(in_flight_, *pool_);
  // The statement waiting for its turn may itself be the one that releases the lock.
  bool own_may_run = false;
  if (!session.busy() && std::find(holders.begin(), holders.end(), &session) != holders.end()) {
    const char* why_not = why_not_run_ahead(session, pending);
    own_may_run = why_not == nullptr;
    if (own_may_run && !waits_beside_a_write(session, pending)) return runs_itself();
    trace_("stalled: %s may not run ahead yet: %s", session.id.c_str(), own_may_run ? kBesideAWrite : why_not);
    // Its statements read ahead of this one may not overtake it.
    std::erase(holders, &session);
  }
  auto ahead = arbiter_->run_ahead(holders, *feed_, [this](const SessionRun& holder, Pending& ahead_of_turn) {
    if (const char* why_not = why_not_run_ahead(holder, ahead_of_turn)) return why_not;
    return waits_beside_a_write(holder, ahead_of_turn) ? kBesideAWrite : nullptr;
  });
  if (!ahead) return ahead.error();
  if (!ahead->has_value()) {
    if (own_may_run) return runs_itself();
    ahead = arbiter_->run_ahead(holders, *feed_, [this](const SessionRun& holder, Pending& ahead_of_turn) {
      return why_not_run_ahead(holder, ahead_of_turn);
    });
    if (!ahead) return ahead.error();
  }
  if (ahead->has_value()) {
    ++summary_.reordered_for_locks;
    dispatch(*(*ahead)->holder, std::move((*ahead)->pending));
    arbiter_->stall_resolved();
  }
  return false;
}

}  // namespace pgshadow::replay
