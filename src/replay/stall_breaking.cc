// The way out of a stall (every statement in flight waits on a lock): a lock holder's next
// statement runs ahead of its turn. A holder's write that may want a row another write in flight
// waits for would wait beside it for that row, and each server could grant the row to either of
// the two: one side's order would then differ from the other's, and the sessions would wait on
// each other across the sides until lock_timeout (pgbench: two UPDATEs of one branch behind a third
// session's transaction, one of them run ahead). So a holder's statement clear of the writes in
// flight goes first; then one that only may want a row they want (its footprint cannot tell its
// rows apart); only when no holder has either does one that surely wants such a row run, rather
// than the stall lasting until lock_timeout. No wait makes that last case safe: when the row's
// holder updated it, its waiters all follow the update to the new version once it commits, and
// race for it on each server.
#include <algorithm>
#include <optional>
#include <vector>

#include "replay_engine.h"

namespace pgshadow::replay {
namespace {

constexpr const char* kBesideAWrite = "it may want a row lock a write in flight wants too (the write rule): another holder goes first";
constexpr const char* kSurelyBesideAWrite = "it wants a row a write in flight wants: another holder goes first";

}  // namespace

ReplayEngine::BesideWrites ReplayEngine::beside_writes(const SessionRun& holder, Pending& pending) {
  if (!pending.analysis.facts.may_write) return BesideWrites::kClear;
  resolve_footprint(pending);
  const dispatch::Candidate next{&pending.event, false, true,
                                 dispatch::publishes(pending.analysis.facts, holder.next_statement_state()),
                                 footprint_in_force(pending.footprint, *pending.footprint_generation)};
  const std::vector<dispatch::Running> others = running_besides(&holder);
  if (!dispatch::write_rule_holds(next, others)) return BesideWrites::kClear;
  return dispatch::surely_waits_beside(next, others) ? BesideWrites::kSurelyWaits : BesideWrites::kMayWait;
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
  std::optional<BesideWrites> own;  // when it may run ahead
  if (!session.busy() && std::find(holders.begin(), holders.end(), &session) != holders.end()) {
    const char* why_not = why_not_run_ahead(session, pending);
    if (why_not == nullptr) own = beside_writes(session, pending);
    if (own == BesideWrites::kClear) return runs_itself();
    trace_("stalled: %s may not run ahead yet: %s", session.id.c_str(),
           own == BesideWrites::kSurelyWaits ? kSurelyBesideAWrite : own ? kBesideAWrite : why_not);
    // Its statements read ahead of this one may not overtake it.
    std::erase(holders, &session);
  }
  // The holders' statements in three rounds: clear of the writes in flight; then one that only
  // may want a row they want; then any.
  for (const BesideWrites worst : {BesideWrites::kClear, BesideWrites::kMayWait, BesideWrites::kSurelyWaits}) {
    if (worst != BesideWrites::kClear && own && *own <= worst) return runs_itself();
    auto ahead = arbiter_->run_ahead(holders, *feed_, [&](const SessionRun& holder, Pending& ahead_of_turn) {
      if (const char* why_not = why_not_run_ahead(holder, ahead_of_turn)) return why_not;
      const BesideWrites beside = beside_writes(holder, ahead_of_turn);
      return beside <= worst ? nullptr : beside == BesideWrites::kSurelyWaits ? kSurelyBesideAWrite : kBesideAWrite;
    });
    if (!ahead) return ahead.error();
    if (ahead->has_value()) {
      ++summary_.reordered_for_locks;
      dispatch(*(*ahead)->holder, std::move((*ahead)->pending));
      arbiter_->stall_resolved();
      return false;
    }
  }
  return false;
}

}  // namespace pgshadow::replay
