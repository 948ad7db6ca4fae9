#include "replay_engine.h"

#include <algorithm>
#include <utility>

#include "pgshadow/pg/conninfo.h"
#include "answer_deadline.h"
#include "production_error.h"
#include "sequence_realignment.h"

namespace pgshadow::replay {

namespace {

double milliseconds(Clock::duration elapsed) {
  return std::chrono::duration<double, std::milli>(elapsed).count();
}

// The probe's sessions log in like the replay's, to the pristine clone of their side.
PristineLogin pristine_login(const ReplayTargets& targets) {
  return [&targets](int side, const std::string& user) -> Result<std::string> {
    const std::string& pristine = side == kBaselineSide ? targets.pristine_baseline_conninfo : targets.pristine_shadow_conninfo;
    if (targets.logins == nullptr) return pristine;
    auto login = targets.logins->login_for(side, user);
    if (!login) return login.error();
    return pg::with_database(login->conninfo, pg::database_of(pristine));
  };
}

// Commit overlap (dispatch::Policy::apart_commits_overlap) is off: it passes every test (the
// failure once blamed on it was a test that read results in capture order), but it bought nothing
// on bench/replay_bench (4-client TPC-B 3.6 s -> 3.7 s, 16 clients 4.5 -> 4.3, 64 clients 6.0 ->
// 6.4, more CPU) for more interleavings to reason about. Off, nothing it alone reads is gathered.
constexpr bool kApartCommitsOverlap = false;

}  // namespace

ReplayEngine::ReplayEngine(const ReplayTargets& targets, const ReplaySettings& settings, ReplayObserver& observer,
                           const std::atomic<bool>* interrupted, const ReplayEnvironment& environment)
    : targets_(targets), settings_(settings), observer_(observer), interrupted_(interrupted),
      clock_(environment.clock != nullptr ? *environment.clock : steady_clock_),
      trace_(environment.trace, clock_), stages_(clock_),
      answer_within_(answer_deadline(settings.statement_timeout)),
      probe_limits_{answer_within_.value_or(std::chrono::milliseconds(0)), interrupted},
      monitor_limits_{std::chrono::milliseconds(kAnswerGrace), interrupted},
      started_(clock_.now()), progress_at_(started_) {}

// The monitors (one connection per side for catalog, role and lock questions), the isolation
// probe when there are pristine clones, and the parts that use them.
Status ReplayEngine::open_parts() {
  for (int side = 0; side < 2; ++side) {
    auto monitor = pg::SessionConnection::open(conninfo_of(targets_, side), {}, interrupted_);
    if (!monitor) return Error{monitor.error().kind, std::string(kSideNames[side]) + ": " + monitor.error().message};
    monitors_[static_cast<std::size_t>(side)] = std::move(monitor).value();
  }
  std::unique_ptr<IsolationProbe> probe;
  if (!targets_.pristine_baseline_conninfo.empty()) {
    auto opened = IsolationProbe::open(pristine_login(targets_), settings_.statement_timeout, probe_limits_);
    if (!opened) return opened.error();
    probe = std::move(opened).value();
  }
  const std::array<pg::SessionConnection*, 2> monitors{monitors_[0].get(), monitors_[1].get()};
  pool_.emplace(targets_, settings_, monitors, monitor_limits_, interrupted_, stages_);
  if (targets_.migrate_during != nullptr) {
    migration_ = std::make_unique<ConcurrentMigration>(*targets_.migrate_during, targets_.shadow_conninfo, interrupted_,
                                                       started_);
  }
  arbiter_.emplace(monitors, monitor_limits_, stages_, clock_, trace_, [this](int side) { note_connection_trouble(side); },
                   [this] { return migration_ ? migration_->backend_pid() : 0; });
  classifier_.emplace(monitors, std::move(probe), settings_, probe_limits_);
  contention_.emplace(monitors, monitor_limits_, stages_, trace_);
  // Assumed waits need to know that every snapshot is a statement's (READ COMMITTED).
  serializable_.emplace(monitors, monitor_limits_, trace_, /*watch_repeatable_read=*/true);
  return Status::success();
}

Result<ReplaySummary> ReplayEngine::run(capture::EventSource& source) {
  feed_.emplace(source, settings_, observer_, stages_);
  if (Status opened = open_parts(); !opened) return opened.error();
  for (;;) {
    if (interrupted() || server_gone_) break;
    auto next = feed_->next();
    if (!next) return next.error();
    if (!next->has_value()) break;
    Pending pending = std::move(**next);
    resolve_footprint(pending);
    SessionRun& session = pool_->session_for(pending.event.session_id);
    Status ready = start_migration_if_due(pending.event);
    if (ready) ready = wait_until_dispatchable(session, pending);
    if (!ready) {
      if (ready.error().kind != ErrorKind::kInterrupted) return ready.error();
      observer_.on_not_replayed(pending.event);
      break;
    }
    if (server_gone_) {  // found while this event waited for its turn
      ++summary_.failed;
      observer_.on_failed(pending.event, "not replayed: " + *server_gone_);
      break;
    }
    dispatch(session, std::move(pending));
    report_progress(false);
  }
  while (!in_flight_.empty()) {
    if (Status pumped = pump(); !pumped) return pumped.error();
  }
  if (Status migrated = finish_migration(); !migrated) return migrated.error();
  if (server_gone_ && !interrupted()) account_rest_as_failed();
  // What was read ahead for the lock arbiter and never run has its fate too; the capture is not
  // read further, so the judge's balance is against the events read until now.
  if (interrupted()) {
    for (const Pending& unrun : feed_->take_lookahead()) observer_.on_not_replayed(unrun.event);
  }
  report_progress(true);
  summary_.events = feed_->events();
  summary_.skipped = feed_->skipped();
  summary_.events_without_duration = feed_->events_without_duration();
  summary_.sessions = pool_->sessions_started();
  summary_.roles = pool_->roles();
  summary_.wall_seconds = std::chrono::duration<double>(clock_.now() - started_).count();
  summary_.stage_seconds = stages_.seconds();
  if (interrupted()) {
    return Error{ErrorKind::kInterrupted, "interrupted after " + std::to_string(summary_.events) + " events"};
  }
  return summary_;
}

// The statements in flight, but `session`'s, as the dispatch rule sees them.
std::vector<dispatch::Running> ReplayEngine::running_besides(const SessionRun* session) const {
  std::vector<dispatch::Running> running;
  running.reserve(in_flight_.size());
  for (const SessionRun* other : in_flight_) {
    if (other == session) continue;
    const bool publishing = dispatch::publishes(other->facts, other->baseline_state());
    const dispatch::Footprint* footprint = footprint_in_force(other->footprint, other->footprint_generation);
    running.push_back({&*other->event, other->facts.may_write, publishing, other->progressing(), footprint,
                       other->behind_migration(), dispatch::keeps_to_itself(other->facts, publishing, footprint),
                       footprint_in_force(other->reads, other->footprint_generation),
                       publishing && other->published ? &*other->published : nullptr, other->wait_assumed(),
                       other->wait_assumed() ? assumable_wait(*other) : nullptr, other->facts.only_opens});
  }
  return running;
}

dispatch::Policy ReplayEngine::policy() const {
  const bool causal = settings_.order == ReplayOrder::kCausal;
  return {settings_.order, settings_.jobs, causal && !serializable_->possible(),
          kApartCommitsOverlap && causal && !serializable_->snapshot_kept_possible() && !migration_};
}

std::optional<dispatch::Footprint> ReplayEngine::published_by(const SessionRun* session,
                                                              const sql::StatementFacts& facts,
                                                              const dispatch::Footprint* footprint,
                                                              bool publishing) const {
  // Only commit overlap reads it: without it, no copy of the transaction's footprint per look.
  if (!policy().apart_commits_overlap) return std::nullopt;
  return committed_by(session, facts, footprint, publishing);
}

std::optional<dispatch::Footprint> ReplayEngine::committed_by(const SessionRun* session,
                                                              const sql::StatementFacts& facts,
                                                              const dispatch::Footprint* footprint,
                                                              bool publishing) const {
  if (!publishing || (facts.may_write && footprint == nullptr)) return std::nullopt;
  if (session != nullptr && session->transaction_footprint_unknown) return std::nullopt;
  dispatch::Footprint gathered = session != nullptr ? session->transaction_footprint : dispatch::Footprint{};
  if (footprint != nullptr) gathered.add(*footprint);
  return gathered;
}

Status ReplayEngine::wait_until_dispatchable(SessionRun& session, Pending& pending) {
  if (settings_.order == ReplayOrder::kTimed) {
    if (Status waited = wait_for_production_time(pending.event); !waited) return waited;
  }
  serializable_->saw(pending.event.sql);
  const dispatch::Policy rule = policy();
  queued_behind_migration_ = {};
  // Since when, while held with a statement behind the migration in flight.
  bool held = false;
  Clock::time_point held_at{};
  const auto held_until_now = [&] {
    if (held) queued_behind_migration_ += clock_.now() - held_at;
    held = false;
  };
  for (;;) {
    // Asked again each time: the statement before it in its session may still be in flight (a
    // write after BEGIN is no autocommit, one after COMMIT is).
    const bool publishing = dispatch::publishes(pending.analysis.facts, session.next_statement_state());
    resolve_footprint(pending);  // the catalog may have changed while it waited
    const dispatch::Footprint* footprint = footprint_in_force(pending.footprint, *pending.footprint_generation);
    // An assumed wait in flight asks what a commit makes visible (passes_assumed_wait).
    const auto published = publishing && assumed_wait_in_flight()
                               ? committed_by(&session, pending.analysis.facts, footprint, publishing)
                               : published_by(&session, pending.analysis.facts, footprint, publishing);
    const dispatch::Candidate next{&pending.event,
                                   session.busy(),
                                   pending.analysis.facts.may_write,
                                   publishing,
                                   footprint,
                                   dispatch::keeps_to_itself(pending.analysis.facts, publishing, footprint),
                                   footprint_in_force(pending.reads, *pending.footprint_generation),
                                   published ? &*published : nullptr,
                                   pending.analysis.facts.only_opens};
    const std::vector<dispatch::Running> others = running_besides(&session);
    const auto why_held = dispatch::hold_for(next, others, rule);
    // A write that would start only to wait on another session's open transaction waits here,
    // where no lock check has to find it, while that session goes on (overtaking.cc).
    const SessionRun* waits_on = why_held == dispatch::Hold::kNone ? predicted_holder(&session, pending) : nullptr;
    if (why_held == dispatch::Hold::kNone && waits_on == nullptr) {
      held_until_now();
      return Status::success();
    }
    if (why_held == dispatch::Hold::kAssumedWait) hurry_assumed_waits();
    const bool migration_in_the_way =
        std::any_of(others.begin(), others.end(), [](const dispatch::Running& other) { return other.behind_migration; });
    if (migration_in_the_way && !held) {
      held = true;
      held_at = clock_.now();
    }
    if (!migration_in_the_way) held_until_now();
    if (interrupted()) return Error{ErrorKind::kInterrupted, "interrupted"};
    auto overtook = dispatch_an_overtaker(session, pending, waits_on);
    if (!overtook) return overtook.error();
    if (*overtook) continue;
    // Nothing else moves: it starts and waits, and the lock arbiter takes it from there.
    if (waits_on != nullptr && dispatch::progressing(running_besides(nullptr)) == 0) {
      held_until_now();
      return Status::success();
    }
    if (Status pumped = pump(); !pumped) return pumped;
    if (!arbiter_->stall_check_due(dispatch::stalled(running_besides(nullptr)))) continue;
    auto runs_itself = break_stall(session, pending);
    if (!runs_itself) return runs_itself.error();
    if (*runs_itself) {
      held_until_now();
      return Status::success();
    }
  }
}

Clock::time_point ReplayEngine::production_time_of(const Event& event) const {
  if (settings_.order != ReplayOrder::kTimed) return clock_.now();
  return production_time_at(event.start_us - feed_->first_capture_us());
}

Clock::time_point ReplayEngine::production_time_at(std::int64_t capture_offset_us) const {
  const auto offset_us = static_cast<double>(capture_offset_us) / settings_.speed;
  return started_ + std::chrono::microseconds(static_cast<std::int64_t>(std::max(0.0, offset_us)));
}

// A session the migration queues behind (--migrate-during: the lock queue) releases its lock
// when production's session did, at its next statement's time: run earlier, it would cut
// short the very wait the lock impact measures. A commit that could change the result of a write
// counted as waiting before a check saw it waits for that check. Any other holder runs ahead at
// once: the replay granted a lock in another order than production, and production went on.
const char* ReplayEngine::why_not_run_ahead(const SessionRun& holder, Pending& pending) {
  if (arbiter_->migration_waits_on(holder) && clock_.now() < production_time_of(pending.event)) {
    return "it holds a lock the migration waits for; it goes on at its production time";
  }
  if (!passes_assumed_waits(holder, pending)) {
    return "its commit could change the result of a write not yet seen waiting for it; it goes on once that wait is seen";
  }
  return nullptr;
}

// Timed order: production's pacing, scaled. The wait keeps the statements in flight moving.
Status ReplayEngine::wait_for_production_time(const Event& event) { return pump_until(production_time_of(event)); }

Status ReplayEngine::pump_until(Clock::time_point due) {
  while (clock_.now() < due) {
    if (interrupted()) return Error{ErrorKind::kInterrupted, "interrupted"};
    if (in_flight_.empty()) {
      const auto pacing = stages_.enter(StageClock::kPacing);
      clock_.sleep_for(std::min<Clock::duration>(due - clock_.now(), std::chrono::milliseconds(10)));
    } else if (Status pumped = pump(); !pumped) {
      return pumped;
    }
  }
  return Status::success();
}

void ReplayEngine::resolve_footprint(Pending& pending) {
  if (pending.footprint_generation == contention_->generation()) return;
  pending.footprint_generation = contention_->generation();
  pending.footprint.reset();
  if (pending.analysis.facts.may_write) pending.footprint = contention_->footprint_of(pending.analysis.facts, pending.event);
  // Only commit overlap reads it (null: the result may depend on any row, the cautious answer).
  pending.reads.reset();
  if (policy().apart_commits_overlap) pending.reads = contention_->reads_of(pending.analysis.facts, pending.event);
}

// A footprint counts while the catalog's answers are trusted and current (write_contention.h).
const dispatch::Footprint* ReplayEngine::footprint_in_force(const std::optional<dispatch::Footprint>& footprint,
                                                            std::uint64_t generation) const {
  return footprint && contention_->in_force(generation) ? &*footprint : nullptr;
}

// A write whose locks its text cannot tell may change the catalog (DDL, a function): until its
// transaction ends, every write contends with every other. A session whose transaction ended
// (or whose connection is gone: the server ended it) has its change in the catalog; so has the
// --migrate-during migration once it ended.
void ReplayEngine::note_catalog_change(SessionRun& session) {
  if (session.busy() && session.facts.may_write && !session.facts.lock_footprint) {
    contention_->catalog_may_change(session.id);
    return;
  }
  const auto& baseline = session.sides[kBaselineSide].connection;
  if (!baseline || baseline->transaction_state() == pg::TransactionState::kIdle) {
    contention_->transaction_ended(session.id);
    session.transaction_footprint = {};
    session.transaction_footprint_unknown = false;
    std::erase(write_holders_, &session);
    for (SessionRun* waiting : in_flight_) {
      if (waiting->predicted_holder != &session) continue;
      waiting->predicted_holder = nullptr;
      for (const Side which : {kBaselineSide, kShadowSide}) arbiter_->prediction_over(waiting->sides[which], which);
    }
  }
  if (migration_ && migration_->ended() && !migration_end_noted_) {
    migration_end_noted_ = true;
    contention_->catalog_changed();
  }
}

// Whether the session's write may want a row lock that another session's open transaction holds
// while that session is idle: the arbiter then has to run it ahead, and the sooner the wait is
// seen, the sooner.
bool ReplayEngine::waits_on_idle_holder(const SessionRun& session) const {
  if (!session.facts.may_write) return false;
  const dispatch::Footprint* wanted = footprint_in_force(session.footprint, session.footprint_generation);
  return std::any_of(write_holders_.begin(), write_holders_.end(), [&](const SessionRun* holder) {
    return holder != &session && !holder->busy() &&
           (holder->transaction_footprint_unknown || dispatch::may_contend(wanted, &holder->transaction_footprint));
  });
}

// A read waits on no lock while every open write's footprint is known (DML takes no lock a read
// wants; DDL, LOCK and unknown functions have none), nor does a write apart from every open
// transaction's footprint; beside a --migrate-during migration anything may queue behind it.
LockArbiter::WaitOutlook ReplayEngine::wait_outlook(const SessionRun& session) const {
  using Outlook = LockArbiter::WaitOutlook;
  if (waits_on_idle_holder(session)) return Outlook::kLikely;
  const sql::StatementFacts& facts = session.facts;
  if (migration_ || !contention_->in_force(contention_->generation()) || !facts.parsed || !facts.lock_footprint) {
    return Outlook::kPossible;
  }
  if (!facts.may_write) return Outlook::kUnlikely;
  const dispatch::Footprint* wanted = footprint_in_force(session.footprint, session.footprint_generation);
  if (wanted == nullptr) return Outlook::kPossible;
  const bool apart = std::none_of(write_holders_.begin(), write_holders_.end(), [&](const SessionRun* holder) {
    return holder != &session &&
           (holder->transaction_footprint_unknown || dispatch::may_contend(wanted, &holder->transaction_footprint));
  });
  return apart ? Outlook::kUnlikely : Outlook::kPossible;
}

// A write waits on a lock held by another session whose transaction's writes the footprints had
// told apart from it: they missed a way the two contend, so they are trusted no more. (A lock
// the holder's earlier write took is held until its transaction ends: the wait is on what its
// transaction wrote, not on the statement it runs now.) A wait for a relation's extension (or a
// hash index's page) is on no row: two inserts into one table meet there while both run, and it
// ends with the holder's statement.
void ReplayEngine::note_lock_wait(const SessionRun& waiting, int side, const std::vector<int>& blockers,
                                  const std::string& lock_type) {
  if (!waiting.facts.may_write || contention_->given_up()) return;
  if (lock_type == "extend" || lock_type == "page") return;
  const dispatch::Footprint* wanted = footprint_in_force(waiting.footprint, waiting.footprint_generation);
  if (wanted == nullptr) return;
  for (const int pid : blockers) {
    const SessionRun* holder = pool_->owner_of(side, pid);
    if (holder == nullptr || holder == &waiting || holder->transaction_footprint_unknown) continue;
    if (dispatch::may_contend(wanted, &holder->transaction_footprint)) continue;
    contention_->give_up(waiting.id + " waits on the " + kSideNames[side] + " for " + holder->id +
                         ", whose write the footprints had told apart");
    summary_.write_rule_given_up = WriteRuleGivenUp{waiting.event ? waiting.event->source.to_string() : std::string(),
                                                    kSideNames[side], lock_type};
    return;
  }
}

void ReplayEngine::dispatch(SessionRun& session, Pending pending) {
  resolve_footprint(pending);
  session.predicted_holder = predicted_holder(&session, pending);
  session.footprint = std::move(pending.footprint);
  session.reads = std::move(pending.reads);
  session.footprint_generation = *pending.footprint_generation;
  if (pending.analysis.facts.may_write) {
    const dispatch::Footprint* footprint = footprint_in_force(session.footprint, session.footprint_generation);
    if (footprint == nullptr) session.transaction_footprint_unknown = true;
    if (footprint != nullptr) session.transaction_footprint.add(*footprint);
    if (std::find(write_holders_.begin(), write_holders_.end(), &session) == write_holders_.end()) {
      write_holders_.push_back(&session);
    }
  }
  session.event = std::move(pending.event);
  session.facts = std::move(pending.analysis.facts);
  session.published = published_by(&session, session.facts, nullptr,
                                    dispatch::publishes(session.facts, session.baseline_state()));
  session.shape = std::move(pending.analysis.shape);
  session.as_production_error = pending.as_production_error;
  note_catalog_change(session);
  session.last_dispatch = ++dispatched_;
  session.phase = migration_phase();
  // Held while another statement waited behind the migration; in timed order, also while it
  // waited for its turn in the feed behind that one (late against its production time).
  session.queued_behind_migration = std::exchange(queued_behind_migration_, Clock::duration{});
  if (settings_.order == ReplayOrder::kTimed) {
    session.queued_behind_migration = std::max(
        session.queued_behind_migration, migration_blocks_.overlap(production_time_of(*session.event), clock_.now()));
  }
  const Event& current = *session.event;
  trace_("dispatch %s %s%s", current.session_id.c_str(), current.source.to_string().c_str(),
         session.as_production_error ? " as its production error" : "");
  for (SideRun& side : session.sides) {
    side.result.reset();
    side.failure.reset();
    side.waiting_on_lock = false;
    side.waiting_behind_migration = false;
    side.cancelled_at.reset();
    side.sink.sort_by(session.facts.sort_order);
  }
  const LockArbiter::WaitOutlook outlook = wait_outlook(session);
  // In flight from here: a side given up on while it is dispatched (abandon_side) is this one too.
  in_flight_.push_back(&session);
  const std::array<bool, 2> refused = pool_->start_opening(session, current.user);
  for (int index = 0; index < 2; ++index) {
    if (refused[static_cast<std::size_t>(index)]) note_connection_trouble(index);
  }
  for (int index = 0; index < 2; ++index) {
    SideRun& side = session.sides[static_cast<std::size_t>(index)];
    auto& unsent = unsent_[static_cast<std::size_t>(index)];
    if (!side.opening && !side.connection) continue;  // refused: side.failure says why
    if (!side.opening && unsent.empty()) {
      send_on(session, index, outlook);
      continue;
    }
    side.awaiting_send = true;
    unsent.push_back(&session);
    if (side.opening && side.opening->done()) opened(session, index);  // refused by libpq at once
  }
  // A new statement in flight is a new situation: a stall it makes is looked at at once.
  arbiter_->stall_resolved();
  finish_if_done(session);
}

void ReplayEngine::send_on(SessionRun& session, int index, LockArbiter::WaitOutlook outlook) {
  const Event& current = *session.event;
  SideRun& side = session.sides[static_cast<std::size_t>(index)];
  // Its production error instead of the statement: simple protocol, nothing bound, and a named
  // prepared statement stays as it was (prepared when next executed, if it is not yet).
  const std::string stand_in = session.as_production_error ? production_error_statement(current, session.facts) : "";
  const pg::StatementRequest request = session.as_production_error
                                           ? pg::StatementRequest{stand_in, false, "", nullptr}
                                           : pg::StatementRequest{current.sql, current.protocol == Protocol::kExtended,
                                                                  current.statement_name, &current.parameters};
  side.state_before = side.connection->transaction_state();
  const auto sending = stages_.enter(StageClock::kSendReceiveHash);
  Status sent = side.connection->send(request);
  if (!sent) {
    side.failure = sent.error().message;
    side.connection.reset();
    return;
  }
  side.in_flight = true;
  side.sent_at = clock_.now();
  arbiter_->sent(side, outlook);
  const SessionRun* holder = session.predicted_holder;
  if (holder != nullptr && holder->sides[static_cast<std::size_t>(index)].connection) {
    const int holder_pid = holder->sides[static_cast<std::size_t>(index)].connection->backend_pid();
    // Outside a transaction block the write would publish its change: no assumption then.
    const bool assume = !dispatch::publishes(session.facts, side.state_before) && assumable_wait(session) != nullptr;
    arbiter_->sent_to_wait(side, holder_pid, assume);
    if (assume) {
      trace_("%s backend %d counts as waiting for backend %d (%s), as the footprints predict", kSideNames[index],
             side.connection->backend_pid(), holder_pid, holder->id.c_str());
    }
  }
}

void ReplayEngine::opened(SessionRun& session, int index) {
  SideRun& side = session.sides[static_cast<std::size_t>(index)];
  auto connection = side.opening->take();
  side.opening.reset();
  if (connection) {
    side.connection = std::move(connection).value();
  } else {
    side.failure = "cannot open a connection: " + connection.error().message;
    note_connection_trouble(index);
  }
  send_unsent(index);
}

// Each server gets the statements in the order they were dispatched, as when a connection was
// opened before its statement was dispatched: up to the first whose connection is still opening.
// The dispatch rule counted them in flight meanwhile.
void ReplayEngine::send_unsent(int index) {
  auto& unsent = unsent_[static_cast<std::size_t>(index)];
  while (!unsent.empty()) {
    SessionRun& session = *unsent.front();
    SideRun& side = session.sides[static_cast<std::size_t>(index)];
    if (side.opening) return;
    unsent.pop_front();
    if (!side.awaiting_send) continue;  // given up on meanwhile (abandon_side)
    side.awaiting_send = false;
    if (cancelled_) {
      side.failure = "interrupted: not sent";
      continue;
    }
    if (side.connection && !side.failure) send_on(session, index, wait_outlook(session));
  }
}

void ReplayEngine::finish_if_done(SessionRun& session) {
  if (!session.busy()) return;
  for (const SideRun& side : session.sides) {
    if (!side.finished()) return;
  }
  std::erase(in_flight_, &session);
  Event event = std::move(*session.event);
  session.event.reset();
  session.predicted_holder = nullptr;
  note_catalog_change(session);

  const SideRun& baseline = session.sides[kBaselineSide];
  const SideRun& shadow = session.sides[kShadowSide];
  // The interrupt's own cancel (57014 on a side) says nothing about the migration: the
  // statement was not replayed to its end, so it is not compared (not timed_out).
  const auto cut_by_interrupt = [](const SideRun& side) {
    return side.cancelled_by_interrupt && side.result && !side.result->succeeded && side.result->sqlstate == "57014";
  };
  if (!baseline.failure && !shadow.failure && (cut_by_interrupt(baseline) || cut_by_interrupt(shadow))) {
    ++summary_.failed;
    observer_.on_failed(event, "interrupted: cancelled by pgshadow before it finished");
    return;
  }
  if (baseline.failure || shadow.failure) {
    const std::string reason = baseline.failure ? "baseline: " + *baseline.failure
                                                : "shadow: " + *shadow.failure;
    ++summary_.failed;
    observer_.on_failed(event, reason);
    return;
  }
  const PairJudgement judged = classifier_->judge(session, event);
  // Re-aligned once nothing is in flight: a statement that has drawn an id on one side and not
  // yet on the other would be given the wrong one. Meanwhile the tracker knows the drift.
  if (judged.sequences_may_differ && !realign_after_) realign_after_ = session.shape.fingerprint;
  if (realign_after_ && in_flight_.empty()) {
    const auto checking = stages_.enter(StageClock::kCompareAndJudge);
    if (const std::uint64_t realigned = realign_sequences(*monitors_[kBaselineSide], *monitors_[kShadowSide])) {
      ++summary_.sequence_realignments;
      summary_.sequences_realigned += realigned;
      trace_("realigned %llu sequences on the shadow after %s", static_cast<unsigned long long>(realigned),
             realign_after_->c_str());
    }
    realign_after_.reset();
  }

  ++summary_.compared;
  if (session.as_production_error) ++summary_.replayed_as_production_error[event.outcome.sqlstate];
  const sql::StatementFacts& facts = session.facts;
  ComparedStatement compared{event, session.shape, judged.divergence, *baseline.result, *shadow.result,
                             judged.cause ? std::optional<std::string>(judged.cause->root_fingerprint) : std::nullopt,
                             judged.nondeterminism,
                             milliseconds(baseline.finished_at - baseline.sent_at),
                             milliseconds(shadow.finished_at - shadow.sent_at), facts.has_top_level_order_by,
                             facts.is_explainable, judged.cause, session.as_production_error,
                             LockWaits{session.phase, milliseconds(baseline.waited), milliseconds(shadow.waited),
                                       shadow.behind_migration, milliseconds(session.queued_behind_migration)}};
  observer_.on_compared(compared);
}

void ReplayEngine::report_progress(bool final_line) {
  const auto now = clock_.now();
  if (!final_line && now - progress_at_ < std::chrono::milliseconds(250)) return;
  progress_at_ = now;
  ReplayProgress progress;
  progress.events = feed_->events();
  progress.compared = summary_.compared;
  progress.skipped = feed_->skipped();
  progress.failed = summary_.failed;
  progress.sessions_open = pool_->open_sessions();
  progress.in_flight = in_flight_.size();
  progress.first_capture_us = feed_->first_capture_us();
  progress.current_capture_us = feed_->current_capture_us();
  progress.wall_seconds = std::chrono::duration<double>(now - started_).count();
  if (const auto read = feed_->source().read_progress(); read && read->bytes_total > 0) {
    progress.input_fraction = static_cast<double>(read->bytes_read) / static_cast<double>(read->bytes_total);
  }
  progress.final = final_line;
  observer_.on_progress(progress);
}

// After the replay stopped because a server is gone: every event still unread (and read ahead)
// is failed with the reason, so the accounting adds up.
void ReplayEngine::account_rest_as_failed() {
  const std::string reason = "not replayed: " + *server_gone_;
  for (;;) {
    auto next = feed_->next();
    if (!next || !next->has_value()) return;  // a capture error ends the accounting as it ends a replay
    ++summary_.failed;
    observer_.on_failed((*next)->event, reason);
  }
}

MigrationPhase ReplayEngine::migration_phase() const {
  if (!migration_) return MigrationPhase::kNone;
  if (!migration_->started()) return MigrationPhase::kBefore;
  return migration_->ended() ? MigrationPhase::kAfter : MigrationPhase::kDuring;
}

// The migration starts before the first statement that started at least `at` into the capture
// in production, alongside whatever is still in flight, as a migration runner would; in timed
// order at that statement's production time, not as soon as the feed reads it (the statements
// before it would otherwise meet a migration that production's had not started yet).
//
// A statement the capture has at that very point would race the migration for the lock, and
// the verdict would depend on which wins: the replay holds the traffic until the lock watch has
// seen the migration hold or wait for a lock (or it ended), kMigrationHeadStart at most, as a
// migration that production ran first got there first.
Status ReplayEngine::start_migration_if_due(const Event& next) {
  if (!migration_ || migration_->started()) return Status::success();
  const std::int64_t offset_us = next.start_us - feed_->first_capture_us();
  const std::int64_t at_us = targets_.migrate_during->at.count();
  if (offset_us < at_us) return Status::success();
  const auto go_at = settings_.order == ReplayOrder::kTimed ? production_time_at(at_us) : clock_.now();
  trace_("the migration starts (capture offset %.3f s)", static_cast<double>(at_us) / 1e6);
  migration_->start(static_cast<double>(at_us) / 1e6, false, go_at);
  if (Status waited = pump_until(go_at); !waited) return waited;
  const auto head_start_ends = clock_.now() + kMigrationHeadStart;
  while (!migration_->took_lock() && !migration_->ended() && clock_.now() < head_start_ends) {
    if (interrupted()) return Error{ErrorKind::kInterrupted, "interrupted"};
    if (in_flight_.empty()) {
      clock_.sleep_for(std::chrono::milliseconds(1));
    } else if (Status pumped = pump(); !pumped) {
      return pumped;
    }
  }
  return Status::success();
}

// After the traffic: a migration not yet started (the capture is shorter than `at`) runs now,
// and the replay waits for it to end, so that the shadow ends migrated.
Status ReplayEngine::finish_migration() {
  if (!migration_) return Status::success();
  if (!migration_->started() && !interrupted()) {
    const double span_s = static_cast<double>(feed_->current_capture_us() - feed_->first_capture_us()) / 1e6;
    trace_("the capture ended before the migration's point: it starts after the traffic");
    migration_->start(span_s, true, clock_.now());
  }
  if (!migration_->started()) return Status::success();
  const auto waiting = stages_.enter(StageClock::kWaitForServers);
  summary_.migration_run = migration_->finish();
  trace_("the migration ended");
  return Status::success();
}

Result<ReplaySummary> replay(capture::EventSource& source, const ReplayTargets& targets,
                             const ReplaySettings& settings, ReplayObserver& observer,
                             const std::atomic<bool>* interrupted, const ReplayEnvironment& environment) {
  ReplayEngine engine(targets, settings, observer, interrupted, environment);
  return engine.run(source);
}

}  // namespace pgshadow::replay
