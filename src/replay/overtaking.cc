// Causal order: a statement waiting for its turn need not hold back the statements read after it
// that production ran beside it. Without this the replay is one queue: a statement whose session
// is still busy, or a write that will wait on another session's open transaction, holds every
// session behind it, and the replay's concurrency falls below production's.
#include <algorithm>
#include <deque>

#include "replay_engine.h"

namespace pgshadow::replay {
namespace {

// How far behind the statement waiting for its turn a statement may start first: production's
// overlaps span a few statements per session, and each look costs the replay's thread.
constexpr std::size_t kOvertakingWindow = 16;

pg::TransactionState state_of(const SessionRun* session) {
  return session != nullptr ? session->next_statement_state() : pg::TransactionState::kIdle;  // a session yet to start
}

}  // namespace

// Not in timed order (production's pacing is the point, and the lock impact is measured on it),
// nor beside a --migrate-during migration (the waits behind it are measured), nor where a
// transaction may run SERIALIZABLE (its failures depend on the interleaving).
bool ReplayEngine::overtaking_allowed() const {
  return settings_.order == ReplayOrder::kCausal && !migration_ && !serializable_->possible();
}

const SessionRun* ReplayEngine::predicted_holder(const SessionRun* session, Pending& pending) {
  if (!overtaking_allowed() || !pending.analysis.facts.may_write) return nullptr;
  resolve_footprint(pending);
  const dispatch::Footprint* wanted = footprint_in_force(pending.footprint, *pending.footprint_generation);
  if (wanted == nullptr) return nullptr;
  for (const SessionRun* holder : write_holders_) {
    if (holder == session || holder->transaction_footprint_unknown) continue;
    if (dispatch::will_wait(*wanted, holder->transaction_footprint)) return holder;
  }
  return nullptr;
}

Result<bool> ReplayEngine::dispatch_an_overtaker(const SessionRun& waiting_session, Pending& waiting,
                                                 const SessionRun* waiting_on) {
  if (!overtaking_allowed()) return false;
  const dispatch::Policy rule = policy();
  std::deque<dispatch::Footprint> published;  // what each publishing statement makes visible
  const auto queued = [&](const SessionRun* session, Pending& pending, const SessionRun* holder) {
    const sql::StatementFacts& facts = pending.analysis.facts;
    const dispatch::Footprint* footprint = footprint_in_force(pending.footprint, *pending.footprint_generation);
    const bool publishing = dispatch::publishes(facts, state_of(session));
    const dispatch::Footprint* visible = nullptr;
    if (auto gathered = published_by(session, facts, footprint, publishing)) visible = &published.emplace_back(*gathered);
    return dispatch::Queued{&pending.event,
                            facts.may_write,
                            publishing,
                            footprint,
                            dispatch::keeps_to_itself(facts, publishing, footprint),
                            holder != nullptr ? holder->id : std::string(),
                            footprint_in_force(pending.reads, *pending.footprint_generation),
                            visible};
  };
  resolve_footprint(waiting);
  std::vector<dispatch::Queued> earlier{queued(&waiting_session, waiting, waiting_on)};
  std::vector<const std::string*> sessions_seen{&waiting_session.id};
  for (std::size_t index = 0; index < kOvertakingWindow; ++index) {
    // Nothing after a commit that waits on no one, and whose rows are not known (published_by
    // knows them only where commits may overlap), may start before it.
    const dispatch::Queued& last = earlier.back();
    if (last.publishes && last.waits_on.empty() && last.published == nullptr) {
      return false;
    }
    auto ahead = feed_->ahead(index);
    if (!ahead) return ahead.error();
    Pending* candidate = *ahead;
    if (candidate == nullptr) return false;
    const std::string& id = candidate->event.session_id;
    SessionRun* session = pool_->started(id);
    const SessionRun* holder = predicted_holder(session, *candidate);
    dispatch::Queued as_queued = queued(session, *candidate, holder);
    const bool first_of_its_session =
        std::none_of(sessions_seen.begin(), sessions_seen.end(), [&](const std::string* seen) { return *seen == id; });
    if (first_of_its_session && holder == nullptr && (session == nullptr || !session->busy()) &&
        std::all_of(earlier.begin(), earlier.end(),
                    [&](const dispatch::Queued& before) { return dispatch::may_overtake(before, as_queued, id, rule); })) {
      const dispatch::Candidate next{as_queued.event,     false,           as_queued.may_write,
                                     as_queued.publishes, as_queued.footprint, as_queued.keeps_to_itself,
                                     as_queued.reads,     as_queued.published};
      if (dispatch::hold_for(next, running_besides(session), rule) == dispatch::Hold::kNone) {
        ++summary_.started_out_of_order;
        trace_("%s starts before %s (read %zu after it)", id.c_str(), waiting_session.id.c_str(), index + 1);
        SessionRun& starting = pool_->session_for(id);
        dispatch(starting, feed_->take_ahead(index));
        return true;
      }
    }
    earlier.push_back(std::move(as_queued));
    sessions_seen.push_back(&candidate->event.session_id);
  }
  return false;
}

}  // namespace pgshadow::replay
