#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <thread>
#include <unordered_map>
#include <vector>

#include "pgshadow/compare/classify.h"
#include "pgshadow/compare/object_ids.h"
#include "pgshadow/pg/conninfo.h"
#include "pgshadow/replay/replay.h"
#include "pgshadow/sql/query_shape.h"
#include "answer_deadline.h"
#include "blocking_run.h"
#include "divergence_tracker.h"
#include "isolation_probe.h"
#include "production_error.h"
#include "result_nondeterminism.h"
#include "session_run.h"
#include "stage_clock.h"
#include "statement_analyzer.h"
#include "type_names.h"
#include "table_keys.h"

namespace pgshadow::replay {

bool SessionRun::progressing() const {
  if (!event) return false;
  for (const SideRun& side : sides) {
    if (side.in_flight && !side.waiting_on_lock) return true;
  }
  return false;
}

namespace {

double milliseconds(Clock::duration elapsed) {
  return std::chrono::duration<double, std::milli>(elapsed).count();
}

bool writes(const compare::ResultSignature& signature) {
  if (!signature.succeeded) return false;
  const std::string& verb = signature.command_verb;
  return verb == "INSERT" || verb == "UPDATE" || verb == "DELETE" || verb == "MERGE" || verb == "COPY";
}

// A statement still running is asked about lock waits after 0.5 ms, then at doubling intervals up
// to 50 ms (a long query is not asked a thousand times); one known to wait, every 10 ms.
constexpr auto kFirstLockCheck = std::chrono::microseconds(500);
constexpr auto kMaxLockCheckInterval = std::chrono::milliseconds(50);
constexpr auto kWaitingLockCheckInterval = std::chrono::milliseconds(10);
// When every statement in flight waits on a lock, the replay runs a lock holder's next statement
// ahead of its turn at once (the holders are asked afresh first); when no holder can go on,
// it asks again after this long.
constexpr auto kStallRetryAfter = std::chrono::milliseconds(10);
constexpr std::size_t kMaxLookahead = 100'000;  // events read ahead to find a lock holder's next
constexpr auto kLongestPoll = std::chrono::milliseconds(10);

// Where an event holds a NUL byte ("text", "parameters"), or nullptr.
const char* nul_byte_in(const Event& event) {
  if (event.sql.find('\0') != std::string::npos) return "text";
  for (const auto& parameter : event.parameters) {
    if (parameter && parameter->find('\0') != std::string::npos) return "parameters";
  }
  return nullptr;
}

// An event read from the capture and to be replayed, with what the parser said of it.
struct Pending {
  Event event;
  StatementAnalysis analysis;
  bool as_production_error = false;  // see production_error.h
};

class ReplayEngine {
 public:
  ReplayEngine(const ReplayTargets& targets, const ReplaySettings& settings,
               ReplayObserver& observer, const std::atomic<bool>* interrupted)
      : targets_(targets), settings_(settings), observer_(observer), interrupted_(interrupted),
        answer_within_(answer_deadline(settings.statement_timeout)),
        probe_limits_{answer_within_.value_or(std::chrono::milliseconds(0)), interrupted},
        monitor_limits_{std::chrono::milliseconds(kAnswerGrace), interrupted} {}

  Result<ReplaySummary> run(capture::EventSource& source);
  // PGSHADOW_TRACE_REPLAY=1: one stderr line per dispatch, lock wait and reordering, for
  // finding out why a replay waited.
  template <class... Args>
  void trace(const char* format, Args... args) const {
    if (!tracing_) return;
    std::fprintf(stderr, "[%9.3f] ", std::chrono::duration<double>(Clock::now() - started_).count());
    std::fprintf(stderr, format, args...);
    std::fputc('\n', stderr);
  }

 private:
  Status open_monitors();
  SessionRun& session_for(const std::string& id);
  void close_idle_sessions();
  Status wait_until_dispatchable(const SessionRun& session, const Event& event, const sql::StatementFacts& facts);
  bool must_precede(const SessionRun& earlier, const Event& event) const;
  void dispatch(SessionRun& session, Pending pending);
  void open_connections(SessionRun& session, const std::string& user);
  Status pump();
  void check_locks(SideRun& side, Side which);
  void finish_if_done(SessionRun& session);
  void report_progress(bool final_line);
  Result<std::optional<Pending>> read_pending();
  Result<std::optional<Pending>> take_next();
  std::vector<SessionRun*> lock_holders();
  Result<std::vector<int>> blocking_pids(int side, int backend_pid);
  Result<bool> break_stall(const std::vector<SessionRun*>& holders);
  std::vector<std::pair<std::string, std::string>> session_settings_for(int side, const std::string& user);
  bool may_become(int side, const std::string& user);
  Result<std::string> conninfo_for(int side, const std::string& user);
  Status wait_for_production_time(const Event& event);
  std::size_t progressing_sessions() const;
  bool publishes(const SessionRun& session, const sql::StatementFacts& facts) const;
  bool differs_on_baseline_alone(SessionRun& session, const Event& event);
  DivergenceClass compare_on_baseline_columns(SessionRun& session, const Event& event);
  std::string excuse_for_values(SessionRun& session, const Event& event, DivergenceClass divergence);
  std::string excuse_for_ties(const SessionRun& session, const Event& event, DivergenceClass divergence) const;
  StatementOutcome outcome_of(const SessionRun& session, DivergenceClass divergence) const;
  std::optional<ConsequenceCause> consequence_cause(const SessionRun& session, const Event& event,
                                                    StatementOutcome& outcome, std::string& nondeterminism);
  void realign_sequences(const std::string& root_fingerprint);
  bool interrupted() const { return interrupted_ != nullptr && interrupted_->load(); }
  TableKeys& table_keys() {
    if (!table_keys_) table_keys_.emplace(*monitors_[kBaselineSide]);
    return *table_keys_;
  }
  void cancel_in_flight();
  // No wait on a server without an end (answer_deadline.h), and the first sign that a server is
  // gone stops the replay: what was not replayed is failed with that reason.
  void enforce_answer_deadlines();
  void note_connection_trouble(int side);
  void abandon_side(int side, const std::string& reason);
  void account_rest_as_failed();

  const ReplayTargets& targets_;
  const ReplaySettings& settings_;
  ReplayObserver& observer_;
  const std::atomic<bool>* interrupted_;
  bool cancelled_ = false;
  std::optional<Clock::time_point> cancelled_at_;
  const std::optional<std::chrono::milliseconds> answer_within_;  // statement_timeout + grace
  const pg::WaitLimits probe_limits_;
  // Lock and role checks answer in milliseconds on a live server: one that does not answer them
  // within the grace is taken for gone sooner than a statement's deadline would.
  const pg::WaitLimits monitor_limits_;
  std::optional<std::string> server_gone_;  // why the replay stopped early: "the shadow server ..."
  std::array<std::unique_ptr<pg::SessionConnection>, 2> monitors_;
  std::unique_ptr<IsolationProbe> probe_;
  std::unordered_map<std::string, std::unique_ptr<SessionRun>> sessions_;
  std::vector<SessionRun*> in_flight_;
  std::optional<std::string> realign_after_;  // the root after which the sequences may differ
  ReplaySummary summary_;
  std::uint64_t dispatched_ = 0;
  Clock::time_point started_ = Clock::now();
  Clock::time_point progress_at_ = Clock::now();
  capture::EventSource* source_ = nullptr;
  std::deque<Pending> lookahead_;  // read ahead by break_stall, replayed first
  std::optional<Clock::time_point> stall_retry_at_;  // while stalled with no holder able to go on
  const bool tracing_ = std::getenv("PGSHADOW_TRACE_REPLAY") != nullptr;
  std::int64_t first_capture_us_ = 0;
  std::int64_t current_capture_us_ = 0;
  // Per side: captured user -> whether this side's sessions may run as that role.
  std::array<std::unordered_map<std::string, bool>, 2> role_allowed_;
  std::unordered_map<std::string, std::size_t> role_index_;  // user -> summary_.roles index
  StageClock clock_;
  StatementAnalyzer analyzer_;
  std::optional<TableKeys> table_keys_;    // on the baseline's monitor, once needed
  DivergenceTracker tracker_;
  std::array<TypeNames, 2> type_names_;    // per side
};

std::vector<std::pair<std::string, std::string>> session_settings(const ReplaySettings& s) {
  std::vector<std::pair<std::string, std::string>> settings = {{"statement_timeout", s.statement_timeout},
                                                               {"lock_timeout", s.lock_timeout}};
  if (s.read_only) settings.emplace_back("default_transaction_read_only", "on");
  return settings;
}

const std::string& conninfo_of(const ReplayTargets& targets, int side) {
  return side == kBaselineSide ? targets.baseline_conninfo : targets.shadow_conninfo;
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

Status ReplayEngine::open_monitors() {
  for (int side = 0; side < 2; ++side) {
    auto monitor = pg::SessionConnection::open(conninfo_of(targets_, side), {}, interrupted_);
    if (!monitor) return Error{monitor.error().kind, std::string(kSideNames[side]) + ": " + monitor.error().message};
    monitors_[static_cast<std::size_t>(side)] = std::move(monitor).value();
  }
  if (!targets_.pristine_baseline_conninfo.empty()) {
    auto probe = IsolationProbe::open(pristine_login(targets_), settings_.statement_timeout, probe_limits_);
    if (!probe) return probe.error();
    probe_ = std::move(probe).value();
  }
  return Status::success();
}

SessionRun& ReplayEngine::session_for(const std::string& id) {
  auto found = sessions_.find(id);
  if (found != sessions_.end()) return *found->second;
  close_idle_sessions();
  auto session = std::make_unique<SessionRun>();
  session->id = id;
  session->sides[kShadowSide].sink.track_column_prefixes();
  ++summary_.sessions;
  return *sessions_.emplace(id, std::move(session)).first->second;
}

// Keeps the number of open connections bounded on long captures: a session that is idle and
// outside a transaction can be closed and reopened later without changing what it sees.
void ReplayEngine::close_idle_sessions() {
  while (sessions_.size() >= settings_.max_open_sessions) {
    auto oldest = sessions_.end();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      const SessionRun& run = *it->second;
      bool closable = !run.busy();
      for (const SideRun& side : run.sides) {
        if (side.connection && side.connection->transaction_state() != pg::TransactionState::kIdle) {
          closable = false;
        }
      }
      if (closable && (oldest == sessions_.end() || run.last_dispatch < oldest->second->last_dispatch)) {
        oldest = it;
      }
    }
    if (oldest == sessions_.end()) return;  // every session is busy or in a transaction
    sessions_.erase(oldest);
  }
}

bool ReplayEngine::may_become(int side, const std::string& user) {
  auto& known = role_allowed_[static_cast<std::size_t>(side)];
  if (auto found = known.find(user); found != known.end()) return found->second;
  // A superuser may become any role; anyone else only the roles it is a member of.
  pg::SessionConnection& monitor = *monitors_[static_cast<std::size_t>(side)];
  const auto connecting = clock_.enter(StageClock::kConnect);
  auto allowed = monitor.query_scalar("SELECT pg_has_role(current_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = " +
                                          monitor.quote_literal(user),
                                      monitor_limits_);
  const bool yes = allowed.ok() && *allowed == "t";
  known.emplace(user, yes);
  return yes;
}

// With logins, a session connects as its captured user (or a stand-in); it needs no SET ROLE.
Result<std::string> ReplayEngine::conninfo_for(int side, const std::string& user) {
  if (targets_.logins == nullptr) return conninfo_of(targets_, side);
  auto login = targets_.logins->login_for(side, user);
  if (!login) return login.error();
  auto [entry, added] = role_index_.emplace(user, summary_.roles.size());
  if (added) summary_.roles.push_back(RoleUse{user, false, false, 0});
  RoleUse& use = summary_.roles[entry->second];
  (side == kBaselineSide ? use.as_captured_on_baseline : use.as_captured_on_shadow) = login->as_captured;
  if (side == kBaselineSide) ++use.sessions;
  return login->conninfo;
}

std::vector<std::pair<std::string, std::string>> ReplayEngine::session_settings_for(int side,
                                                                                  const std::string& user) {
  auto settings = session_settings(settings_);
  if (!settings_.run_as_captured_user || user.empty() || targets_.logins != nullptr) return settings;
  auto [entry, added] = role_index_.emplace(user, summary_.roles.size());
  if (added) summary_.roles.push_back(RoleUse{user, may_become(kBaselineSide, user), may_become(kShadowSide, user), 0});
  if (side == kBaselineSide) ++summary_.roles[entry->second].sessions;
  if (may_become(side, user)) settings.emplace_back("role", user);
  return settings;
}

// Whether the statement makes changes visible to other sessions' snapshots when it ends: a
// transaction control statement (COMMIT and friends; BEGIN too, harmlessly) or a write outside
// a transaction block.
bool ReplayEngine::publishes(const SessionRun& session, const sql::StatementFacts& facts) const {
  if (facts.is_transaction_control) return true;
  if (!facts.may_write) return false;
  const SideRun& baseline = session.sides[kBaselineSide];
  const pg::TransactionState state = baseline.connection ? (session.busy() ? baseline.state_before
                                                                           : baseline.connection->transaction_state())
                                                         : pg::TransactionState::kIdle;
  return state == pg::TransactionState::kIdle || state == pg::TransactionState::kUnknown;
}

std::size_t ReplayEngine::progressing_sessions() const {
  std::size_t count = 0;
  for (const SessionRun* session : in_flight_) count += session->progressing() ? 1 : 0;
  return count;
}

// Timed order: production's pacing, scaled. The wait keeps the statements in flight moving.
Status ReplayEngine::wait_for_production_time(const Event& event) {
  const auto offset_us = static_cast<double>(event.start_us - first_capture_us_) / settings_.speed;
  const auto due = started_ + std::chrono::microseconds(static_cast<std::int64_t>(std::max(0.0, offset_us)));
  while (Clock::now() < due) {
    if (interrupted()) return Error{ErrorKind::kInterrupted, "interrupted"};
    if (in_flight_.empty()) {
      const auto pacing = clock_.enter(StageClock::kPacing);
      std::this_thread::sleep_for(std::min<Clock::duration>(due - Clock::now(), std::chrono::milliseconds(10)));
    } else if (Status pumped = pump(); !pumped) {
      return pumped;
    }
  }
  return Status::success();
}

// --probe-nondeterminism: the statement runs again on the baseline session; a result different
// from the first says the statement cannot repeat itself, whatever the migration does.
bool ReplayEngine::differs_on_baseline_alone(SessionRun& session, const Event& event) {
  SideRun& baseline = session.sides[kBaselineSide];
  if (!baseline.connection || baseline.connection->transaction_state() == pg::TransactionState::kFailed) {
    return false;
  }
  const pg::StatementRequest request{event.sql, event.protocol == Protocol::kExtended, event.statement_name,
                                     &event.parameters};
  auto again = signature_blocking(*baseline.connection, request, probe_limits_, session.facts.sort_order);
  if (!again) return false;
  return compare::classify(*baseline.result, *again, {session.facts.has_top_level_order_by}) !=
         DivergenceClass::kMatch;
}

// A plain read whose shadow result has the baseline's columns with others added among them (a
// column added to the first table of a join under SELECT *): the shadow reads its rows again,
// on the baseline's columns only, and those are compared. Appended columns need no second read
// (compare::classify uses the shadow's column prefix digests).
DivergenceClass ReplayEngine::compare_on_baseline_columns(SessionRun& session, const Event& event) {
  const compare::ResultSignature& baseline = *session.sides[kBaselineSide].result;
  SideRun& shadow = session.sides[kShadowSide];
  auto projection = compare::added_columns_projection(baseline, *shadow.result);
  if (!projection || !shadow.connection || shadow.connection->transaction_state() == pg::TransactionState::kFailed) {
    return DivergenceClass::kColumnsChanged;
  }
  const pg::StatementRequest request{event.sql, event.protocol == Protocol::kExtended, event.statement_name,
                                     &event.parameters};
  auto again = signature_blocking(*shadow.connection, request, probe_limits_, session.facts.sort_order, std::move(projection));
  if (!again || !again->succeeded) return DivergenceClass::kColumnsChanged;
  const DivergenceClass on_baseline_columns =
      compare::classify(baseline, *again, {session.facts.has_top_level_order_by});
  return on_baseline_columns == DivergenceClass::kMatch ? DivergenceClass::kColumnsAdded : on_baseline_columns;
}

// A statement that finished in production before `event` started must finish in the replay
// before `event` starts. Without a logged duration the end is unknown: assume it finished.
bool ReplayEngine::must_precede(const SessionRun& earlier, const Event& event) const {
  const Event& previous = *earlier.event;
  if (previous.duration_ms) {
    // Log timestamps have a resolution (milliseconds for %m, csvlog and jsonlog; seconds for
    // %t): an overlap shorter than that is not known to have happened, and taking it for one
    // would let two statements race for a row lock in an order production never showed.
    const bool second_resolution = previous.start_us % 1'000'000 == 0 && event.start_us % 1'000'000 == 0;
    const std::int64_t resolution_us = second_resolution ? 1'000'000 : 1'000;
    const auto end_us = previous.start_us + static_cast<std::int64_t>(*previous.duration_ms * 1000.0);
    if (end_us > event.start_us + resolution_us) return false;  // they overlapped in production
  }
  return true;
}

Status ReplayEngine::wait_until_dispatchable(const SessionRun& session, const Event& event,
                                             const sql::StatementFacts& facts) {
  if (settings_.order == ReplayOrder::kTimed) {
    if (Status waited = wait_for_production_time(event); !waited) return waited;
  }
  const bool publishing = publishes(session, facts);
  for (;;) {
    bool blocked = session.busy();
    if (settings_.jobs > 0 && progressing_sessions() >= settings_.jobs) blocked = true;
    for (const SessionRun* other : in_flight_) {
      if (settings_.order == ReplayOrder::kStrict) blocked = true;
      if (other == &session) continue;
      // What finished before this statement started in production finishes first here too, even
      // when it waits on a lock: the statement that releases that lock overlapped it in
      // production, so it is not held back (and break_stall handles what the log cannot tell).
      if (must_precede(*other, event)) blocked = true;
      // A commit and the statements around it run one after the other, in log order, so that
      // every statement's snapshot sees the same commits on both sides; except beside a
      // statement that waits on a lock, which the commit may be the one to release.
      if (other->progressing() && (publishing || publishes(*other, other->facts))) blocked = true;
      // Two writes that may want the same row lock never run side by side, nor wait side by side
      // for one: each server grants the lock to whichever comes first (or wakes first), the two
      // servers can choose differently, and each session would then wait on one side for the
      // other, in lockstep, until lock_timeout. When the earlier write waits on a lock held by
      // an idle session, the stall handling below runs that session's next statement ahead.
      if (facts.may_write && other->facts.may_write) blocked = true;
    }
    if (!blocked) return Status::success();
    if (interrupted()) return Error{ErrorKind::kInterrupted, "interrupted"};
    Status pumped = pump();
    if (!pumped) return pumped;
    const bool stalled = !in_flight_.empty() && progressing_sessions() == 0;
    if (!stalled) {
      stall_retry_at_.reset();
    } else if (!stall_retry_at_ || Clock::now() >= *stall_retry_at_) {
      stall_retry_at_ = Clock::now() + kStallRetryAfter;
      // The statement waiting for its turn may itself be the one that releases the lock.
      const std::vector<SessionRun*> holders = lock_holders();
      if (!session.busy() && std::find(holders.begin(), holders.end(), &session) != holders.end()) {
        ++summary_.reordered_for_locks;
        trace("stalled: %s runs ahead of its turn (it holds a lock others wait for)", session.id.c_str());
        stall_retry_at_.reset();
        return Status::success();
      }
      auto broken = break_stall(holders);
      if (!broken) return broken.error();
      if (*broken) stall_retry_at_.reset();
    }
  }
}

// Opens the session's missing connections, both sides at once: a connection costs the server a
// process start, and a capture of short sessions opens one for nearly every statement.
void ReplayEngine::open_connections(SessionRun& session, const std::string& user) {
  const auto connecting = clock_.enter(StageClock::kConnect);
  std::array<std::optional<Result<std::unique_ptr<pg::SessionConnection>>>, 2> opened;
  std::array<std::vector<std::pair<std::string, std::string>>, 2> settings;
  std::array<Result<std::string>, 2> conninfo{std::string(), std::string()};
  for (int index = 0; index < 2; ++index) {
    if (!session.sides[static_cast<std::size_t>(index)].connection) {
      settings[static_cast<std::size_t>(index)] = session_settings_for(index, user);
      conninfo[static_cast<std::size_t>(index)] = conninfo_for(index, user);
    }
  }
  const auto open_side = [&](int index) {
    const auto& login = conninfo[static_cast<std::size_t>(index)];
    opened[static_cast<std::size_t>(index)].emplace(
        login ? pg::SessionConnection::open(*login, settings[static_cast<std::size_t>(index)], interrupted_)
              : Result<std::unique_ptr<pg::SessionConnection>>(login.error()));
  };
  const bool both = !session.sides[kBaselineSide].connection && !session.sides[kShadowSide].connection;
  if (both) {
    std::thread shadow([&] { open_side(kShadowSide); });
    open_side(kBaselineSide);
    shadow.join();
  } else {
    for (int index = 0; index < 2; ++index) {
      if (!session.sides[static_cast<std::size_t>(index)].connection) open_side(index);
    }
  }
  for (std::size_t index = 0; index < 2; ++index) {
    if (!opened[index]) continue;
    SideRun& side = session.sides[index];
    if (*opened[index]) {
      side.connection = std::move(*opened[index]).value();
    } else {
      side.failure = "cannot open a connection: " + opened[index]->error().message;
      note_connection_trouble(static_cast<int>(index));
    }
  }
}

void ReplayEngine::dispatch(SessionRun& session, Pending pending) {
  session.event = std::move(pending.event);
  session.facts = std::move(pending.analysis.facts);
  session.shape = std::move(pending.analysis.shape);
  session.as_production_error = pending.as_production_error;
  session.last_dispatch = ++dispatched_;
  const Event& current = *session.event;
  trace("dispatch %s %s%s", current.session_id.c_str(), current.source.to_string().c_str(),
        session.as_production_error ? " as its production error" : "");
  // Its production error instead of the statement: simple protocol, nothing bound, and a named
  // prepared statement stays as it was (prepared when next executed, if it is not yet).
  const std::string stand_in = session.as_production_error ? production_error_statement(current, session.facts) : "";
  const pg::StatementRequest request = session.as_production_error
                                           ? pg::StatementRequest{stand_in, false, "", nullptr}
                                           : pg::StatementRequest{current.sql, current.protocol == Protocol::kExtended,
                                                                  current.statement_name, &current.parameters};
  for (SideRun& side : session.sides) {
    side.result.reset();
    side.failure.reset();
    side.waiting_on_lock = false;
    side.cancelled_at.reset();
    side.sink.sort_by(session.facts.sort_order);
  }
  open_connections(session, current.user);
  for (int index = 0; index < 2; ++index) {
    SideRun& side = session.sides[static_cast<std::size_t>(index)];
    if (!side.connection) continue;  // failed to open: side.failure says why
    side.state_before = side.connection->transaction_state();
    const auto sending = clock_.enter(StageClock::kSendReceiveHash);
    Status sent = side.connection->send(request);
    if (!sent) {
      side.failure = sent.error().message;
      side.connection.reset();
      continue;
    }
    side.in_flight = true;
    side.sent_at = side.lock_checked_at = Clock::now();
    side.lock_check_interval = kFirstLockCheck;
  }
  in_flight_.push_back(&session);
  finish_if_done(session);
}

void ReplayEngine::check_locks(SideRun& side, Side which) {
  const auto now = Clock::now();
  if (now - side.lock_checked_at < side.lock_check_interval) return;
  side.lock_checked_at = now;
  const auto blockers = blocking_pids(which, side.connection->backend_pid());
  const bool was_waiting = side.waiting_on_lock;
  side.waiting_on_lock = blockers.ok() && !blockers->empty();
  side.lock_check_interval = side.waiting_on_lock ? Clock::duration(kWaitingLockCheckInterval)
                                                  : std::min<Clock::duration>(side.lock_check_interval * 2,
                                                                              kMaxLockCheckInterval);
  if (side.waiting_on_lock != was_waiting) {
    trace("%s backend %d %s", kSideNames[which], side.connection->backend_pid(),
          side.waiting_on_lock ? "waits on a lock" : "no longer waits");
  }
}

// On interruption the statements in flight are cancelled rather than waited for, so that a
// long statement cannot hold the run (and the embedded server) for its whole duration.
void ReplayEngine::cancel_in_flight() {
  if (cancelled_) return;
  cancelled_ = true;
  cancelled_at_ = Clock::now();
  // Sent to every server at once, not waited for: a server that stopped answering would hold
  // each request (enforce_answer_deadlines gives up on what is not cancelled in time).
  for (SessionRun* session : in_flight_) {
    for (SideRun& side : session->sides) {
      if (side.in_flight) side.connection->cancel(std::chrono::milliseconds(0));
    }
  }
}

// A statement in flight past statement_timeout plus the grace is cancelled; one that does not
// end within pg::kCancelWithin after that (nor after an interrupt's cancel) is given up: the
// server stopped answering. That ends the replay (note_connection_trouble).
void ReplayEngine::enforce_answer_deadlines() {
  const auto now = Clock::now();
  const bool interrupt_expired = cancelled_at_ && now - *cancelled_at_ >= pg::kCancelWithin;
  for (SessionRun* session : std::vector<SessionRun*>(in_flight_)) {
    for (int index = 0; index < 2; ++index) {
      SideRun& side = session->sides[static_cast<std::size_t>(index)];
      if (!side.in_flight) continue;
      if (interrupt_expired) {
        side.failure = "interrupted: the statement was cancelled and did not end in time";
        side.connection.reset();
        side.in_flight = false;
        continue;
      }
      if (!answer_within_ || now - side.sent_at < *answer_within_) continue;
      if (!side.cancelled_at) {
        side.cancelled_at = now;
        side.connection->cancel(std::chrono::milliseconds(0));
      } else if (now - *side.cancelled_at >= pg::kCancelWithin) {
        abandon_side(index, "no answer from the " + std::string(kSideNames[index]) + " server within " +
                                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now - side.sent_at).count()) +
                                " s (statement_timeout " + settings_.statement_timeout + " and a cancel): it stopped answering");
      }
    }
  }
}

// A lost connection or one that cannot be opened: if the server itself no longer answers, the
// replay stops here rather than send the rest of the capture to a server that is gone.
void ReplayEngine::note_connection_trouble(int side) {
  if (server_gone_) return;
  if (pg::server_answers(conninfo_of(targets_, side), std::chrono::seconds(5))) return;
  abandon_side(side, "the " + std::string(kSideNames[side]) + " server no longer answers connections");
}

// Every statement in flight on the side fails with the reason, and nothing more is dispatched.
void ReplayEngine::abandon_side(int side, const std::string& reason) {
  if (!server_gone_) server_gone_ = reason;
  trace("%s", reason.c_str());
  for (SessionRun* session : in_flight_) {
    SideRun& run = session->sides[static_cast<std::size_t>(side)];
    if (!run.in_flight) continue;
    run.failure = reason;
    run.connection.reset();
    run.in_flight = false;
  }
}

// After the replay stopped because a server is gone: every event still unread (and read ahead)
// is failed with the reason, so the accounting adds up.
void ReplayEngine::account_rest_as_failed() {
  const std::string reason = "not replayed: " + *server_gone_;
  for (;;) {
    auto next = take_next();
    if (!next || !next->has_value()) return;  // a capture error ends the accounting as it ends a replay
    ++summary_.failed;
    observer_.on_failed((*next)->event, reason);
  }
}

Status ReplayEngine::pump() {
  if (interrupted()) cancel_in_flight();
  enforce_answer_deadlines();
  std::vector<pollfd> descriptors;
  std::vector<std::pair<SessionRun*, int>> owners;
  // Wake up for the next lock check or stall break that falls due: a stall costs the replay
  // the whole poll when nothing else wakes it.
  const auto now = Clock::now();
  Clock::duration poll_for = kLongestPoll;
  if (stall_retry_at_) poll_for = std::min(poll_for, *stall_retry_at_ - now);
  for (SessionRun* session : in_flight_) {
    for (int index = 0; index < 2; ++index) {
      SideRun& side = session->sides[static_cast<std::size_t>(index)];
      if (!side.in_flight) continue;
      descriptors.push_back({side.connection->socket(), POLLIN, 0});
      owners.emplace_back(session, index);
      poll_for = std::min(poll_for, side.lock_checked_at + side.lock_check_interval - now);
    }
  }
  if (descriptors.empty()) {
    // Sides given up on (enforce_answer_deadlines) leave nothing to wait for: finish them.
    for (SessionRun* session : std::vector<SessionRun*>(in_flight_)) finish_if_done(*session);
    return Status::success();
  }
  const auto poll_micros = std::clamp<std::int64_t>(std::chrono::ceil<std::chrono::microseconds>(poll_for).count(), 50,
                                                    std::chrono::microseconds(kLongestPoll).count());
  const timespec poll_timeout{static_cast<time_t>(poll_micros / 1'000'000), static_cast<long>(poll_micros % 1'000'000) * 1000};
  int ready = 0;
  {
    const auto waiting = clock_.enter(StageClock::kWaitForServers);
    ready = ::ppoll(descriptors.data(), descriptors.size(), &poll_timeout, nullptr);
  }
  if (ready < 0 && errno != EINTR) return Error::infrastructure("poll failed");

  for (std::size_t i = 0; i < descriptors.size(); ++i) {
    auto [session, index] = owners[i];
    SideRun& side = session->sides[static_cast<std::size_t>(index)];
    if (descriptors[i].revents == 0) {
      check_locks(side, static_cast<Side>(index));
      continue;
    }
    const auto receiving = clock_.enter(StageClock::kSendReceiveHash);
    auto advanced = side.connection->advance(side.sink);
    if (!advanced) {
      side.failure = std::string("connection lost: ") + advanced.error().message;
      side.connection.reset();  // reopened for the session's next statement
      side.in_flight = false;
      note_connection_trouble(index);
    } else if (advanced->has_value()) {
      side.result = side.sink.finish(**advanced);
      side.in_flight = false;
      side.finished_at = Clock::now();
    }
  }
  // finish_if_done may remove sessions from in_flight_: iterate over a copy.
  const auto judging = clock_.enter(StageClock::kCompareAndJudge);
  for (SessionRun* session : std::vector<SessionRun*>(in_flight_)) finish_if_done(*session);
  report_progress(false);
  return Status::success();
}

void ReplayEngine::finish_if_done(SessionRun& session) {
  if (!session.busy()) return;
  for (const SideRun& side : session.sides) {
    if (side.in_flight) return;
  }
  std::erase(in_flight_, &session);
  Event event = std::move(*session.event);
  session.event.reset();

  const SideRun& baseline = session.sides[kBaselineSide];
  const SideRun& shadow = session.sides[kShadowSide];
  if (baseline.failure || shadow.failure) {
    const std::string reason = baseline.failure ? "baseline: " + *baseline.failure
                                                : "shadow: " + *shadow.failure;
    ++summary_.failed;
    observer_.on_failed(event, reason);
    return;
  }
  for (int index = 0; index < 2; ++index) {
    SideRun& side = session.sides[static_cast<std::size_t>(index)];
    type_names_[static_cast<std::size_t>(index)].resolve(side.result->columns, side.connection.get(),
                                                          *monitors_[static_cast<std::size_t>(index)]);
  }
  const sql::StatementFacts& facts = session.facts;
  DivergenceClass divergence = compare::classify(*baseline.result, *shadow.result, {facts.has_top_level_order_by});
  if (divergence == DivergenceClass::kColumnsChanged && facts.is_plain_read) {
    divergence = compare_on_baseline_columns(session, event);
  }
  // Replayed as its production error, the statement failing alike on both sides with that
  // SQLSTATE is what production did, not a replay that gave up at its own statement_timeout or
  // lock_timeout (which timed_out means): a match.
  if (session.as_production_error && divergence == DivergenceClass::kTimedOut &&
      baseline.result->sqlstate == event.outcome.sqlstate) {
    divergence = DivergenceClass::kMatch;
  }
  std::string nondeterminism = excuse_for_values(session, event, divergence);
  if (!nondeterminism.empty()) divergence = DivergenceClass::kNondeterministic;

  StatementOutcome outcome = outcome_of(session, divergence);
  std::optional<ConsequenceCause> cause;
  if (divergence != DivergenceClass::kMatch && divergence != DivergenceClass::kNondeterministic) {
    cause = consequence_cause(session, event, outcome, nondeterminism);
    if (!cause && nondeterminism.empty()) {
      nondeterminism = excuse_for_ties(session, event, divergence);
      if (!nondeterminism.empty()) outcome.divergence = DivergenceClass::kNondeterministic;
    }
    if (cause) divergence = DivergenceClass::kConsequence;
    if (!cause && !nondeterminism.empty()) divergence = DivergenceClass::kNondeterministic;
  }
  // Re-aligned once nothing is in flight: a statement that has drawn an id on one side and not
  // yet on the other would be given the wrong one. Meanwhile the tracker knows the drift.
  if (tracker_.record(outcome, divergence, cause) && !realign_after_) realign_after_ = session.shape.fingerprint;
  if (realign_after_ && in_flight_.empty()) {
    realign_sequences(*realign_after_);
    realign_after_.reset();
  }

  ++summary_.compared;
  if (session.as_production_error) ++summary_.replayed_as_production_error[event.outcome.sqlstate];
  ComparedStatement compared{event, session.shape, divergence, *baseline.result, *shadow.result,
                             cause ? std::optional<std::string>(cause->root_fingerprint) : std::nullopt,
                             divergence == DivergenceClass::kNondeterministic ? nondeterminism : "",
                             milliseconds(baseline.finished_at - baseline.sent_at),
                             milliseconds(shadow.finished_at - shadow.sent_at), facts.has_top_level_order_by,
                             facts.is_explainable, cause, session.as_production_error};
  observer_.on_compared(compared);
}

// Why differing values are no finding (a statement that cannot repeat them, an unordered LIMIT
// that cut the result), or "". Ties under ORDER BY: excuse_for_ties. Only values are excused: an error, a column or a command tag
// that changed still counts.
std::string ReplayEngine::excuse_for_values(SessionRun& session, const Event& event, DivergenceClass divergence) {
  const bool values_differ = divergence == DivergenceClass::kRowsChanged || divergence == DivergenceClass::kOrderChanged;
  if (!values_differ) return {};
  const sql::StatementFacts& facts = session.facts;
  if (!facts.nondeterminism.empty()) return facts.nondeterminism;
  if (std::string reason = parameter_reason(event); !reason.empty()) return reason;
  if (facts.unordered_limit) {
    const sql::RowLimit& limit = *facts.unordered_limit;
    const bool pinned = table_keys().pins_one_row(limit.schema, limit.table, limit.equality_columns);
    std::string reason = limit_reason(limit, event, session.sides[kBaselineSide].result->row_count,
                                      session.sides[kShadowSide].result->row_count, pinned);
    if (!reason.empty()) return reason;
  }
  if (settings_.probe_nondeterminism && facts.is_plain_read && differs_on_baseline_alone(session, event)) {
    return "gave two different results on the baseline (--probe-nondeterminism)";
  }
  return {};
}

// Why differing rows of an ordered read are no finding: rows that tie under its ORDER BY (a cut
// that kept other tied rows, an order among keys the result does not show), or "". Asked after
// the consequence model: a tie cut through data a root left different is that root's
// consequence.
std::string ReplayEngine::excuse_for_ties(const SessionRun& session, const Event& event, DivergenceClass divergence) const {
  const sql::StatementFacts& facts = session.facts;
  const bool values_differ = divergence == DivergenceClass::kRowsChanged || divergence == DivergenceClass::kOrderChanged;
  if (!values_differ || !facts.sort_order) return {};
  const compare::ResultSignature& baseline = *session.sides[kBaselineSide].result;
  const compare::ResultSignature& shadow = *session.sides[kShadowSide].result;
  const compare::TieCuts cuts = tie_cuts(*facts.sort_order, event, baseline.row_count, shadow.row_count);
  return tie_reason(compare::explain_by_ties(baseline, shadow, cuts), cuts);
}

StatementOutcome ReplayEngine::outcome_of(const SessionRun& session, DivergenceClass divergence) const {
  StatementOutcome outcome;
  outcome.session_id = session.id;
  outcome.fingerprint = session.shape.fingerprint;
  outcome.facts = &session.facts;
  outcome.divergence = divergence;
  for (int index = 0; index < 2; ++index) {
    const SideRun& run = session.sides[static_cast<std::size_t>(index)];
    SideOutcome& side = index == kBaselineSide ? outcome.baseline : outcome.shadow;
    side.succeeded = run.result->succeeded;
    side.sqlstate = run.result->sqlstate;
    side.error_message = run.result->error_message;
    // CREATE TABLE AS and SELECT INTO write rows under the command tag SELECT.
    side.wrote = writes(*run.result) || (run.result->succeeded && !session.facts.tables_created.empty());
    side.in_transaction_before = run.state_before != pg::TransactionState::kIdle;
    side.failed_before = run.state_before == pg::TransactionState::kFailed;
    const pg::TransactionState after = run.connection->transaction_state();
    side.in_transaction_after = after != pg::TransactionState::kIdle;
    side.failed_after = after == pg::TransactionState::kFailed;
  }
  return outcome;
}

// The earlier root this difference follows from, if any: through the session (divergence
// tracker), else through the data, confirmed by the isolation probe on pristine clones. A write
// of values no replay can repeat explains differing values the same way, as nondeterministic
// (`nondeterminism` says so).
std::optional<ConsequenceCause> ReplayEngine::consequence_cause(const SessionRun& session, const Event& event,
                                                                StatementOutcome& outcome, std::string& nondeterminism) {
  if (auto cause = tracker_.session_cause(outcome)) return cause;
  outcome.differs_only_in_object_ids = compare::differs_only_in_object_ids(*session.sides[kBaselineSide].result,
                                                                           *session.sides[kShadowSide].result);
  if (auto cause = tracker_.object_cause(outcome)) return cause;
  const sql::StatementFacts& facts = session.facts;
  if (facts.is_transaction_control) return std::nullopt;
  const bool values_only = outcome.divergence == DivergenceClass::kRowsChanged ||
                           outcome.divergence == DivergenceClass::kOrderChanged;
  {
    for (const std::string& table : facts.tables_written) {
      const auto referenced = table_keys().referenced_tables(table);
      outcome.referenced_tables.insert(referenced.begin(), referenced.end());
    }
    if (auto cause = tracker_.data_cause(outcome)) {
      if (!probe_) {
        // Without pristine clones only the strongest link holds: a foreign key that finds no
        // parent where the root left the parent table different.
        return cause->kind == ConsequenceCause::Kind::kMissingParentRow ? cause : std::nullopt;
      }
      const auto agree = cause->kind == ConsequenceCause::Kind::kDivergedDataUnnamed
                             ? probe_->equal_on_pristine_data(event, *session.sides[kBaselineSide].result, facts)
                             : probe_->same_on_both_pristine(event, facts);
      if (agree.ok() && *agree) return cause;
    }
  }
  if (values_only && probe_) {
    if (const auto source = tracker_.unrepeatable_source(outcome)) {
      auto equal = source->created_by_traffic
                       ? Result<bool>(true)
                       : probe_->equal_on_pristine_data(event, *session.sides[kBaselineSide].result, facts);
      if (equal.ok() && *equal) {
        nondeterminism = "reads data an earlier write made with unrepeatable values (" + source->reason + ", shape " +
                         source->fingerprint + ")";
      }
    }
  }
  return std::nullopt;
}

// After a root wrote on one side only, or a transaction committed on one side only, the two
// sides' sequences may have been drawn from differently (statements skipped in an aborted
// transaction draw nothing): every later INSERT would get other ids on the shadow, and every
// read of them would differ. The shadow's sequences are set to the baseline's, so that what
// follows compares exactly; the report counts each re-alignment.
void ReplayEngine::realign_sequences(const std::string& root_fingerprint) {
  const auto checking = clock_.enter(StageClock::kCompareAndJudge);
  const std::string listing =
      "SELECT string_agg(format('%I.%I', schemaname, sequencename) || chr(2) || coalesce(last_value::text, ''), "
      "chr(1) ORDER BY schemaname, sequencename) FROM pg_sequences";
  auto on_baseline = monitors_[kBaselineSide]->query_scalar(listing);
  auto on_shadow = monitors_[kShadowSide]->query_scalar(listing);
  if (!on_baseline || !on_shadow || *on_baseline == *on_shadow) return;
  const auto parse = [](const std::string& text) {
    std::map<std::string, std::string> values;
    std::size_t start = 0;
    while (start < text.size()) {
      const std::size_t end = std::min(text.find('\x01', start), text.size());
      const std::string entry = text.substr(start, end - start);
      const std::size_t mark = entry.find('\x02');
      if (mark != std::string::npos) values[entry.substr(0, mark)] = entry.substr(mark + 1);
      start = end + 1;
    }
    return values;
  };
  const auto baseline_values = parse(*on_baseline);
  const auto shadow_values = parse(*on_shadow);
  std::uint64_t realigned = 0;
  pg::SessionConnection& shadow = *monitors_[kShadowSide];
  for (const auto& [sequence, value] : baseline_values) {
    const auto found = shadow_values.find(sequence);
    if (found == shadow_values.end() || found->second == value) continue;
    // An empty value: never drawn from on the baseline, so the next nextval gives the start.
    const std::string set = value.empty()
                                ? "SELECT setval(" + shadow.quote_literal(sequence) + ", (SELECT start_value FROM pg_sequences "
                                  "WHERE format('%I.%I', schemaname, sequencename) = " + shadow.quote_literal(sequence) +
                                  "), false)"
                                : "SELECT setval(" + shadow.quote_literal(sequence) + ", " + value + ")";
    if (shadow.query_scalar(set).ok()) ++realigned;
  }
  if (realigned > 0) {
    ++summary_.sequence_realignments;
    summary_.sequences_realigned += realigned;
    trace("realigned %llu sequences on the shadow after %s", static_cast<unsigned long long>(realigned),
          root_fingerprint.c_str());
  }
}

void ReplayEngine::report_progress(bool final_line) {
  const auto now = Clock::now();
  if (!final_line && now - progress_at_ < std::chrono::milliseconds(250)) return;
  progress_at_ = now;
  ReplayProgress progress;
  progress.events = summary_.events;
  progress.compared = summary_.compared;
  progress.skipped = summary_.skipped;
  progress.failed = summary_.failed;
  progress.sessions_open = sessions_.size();
  progress.in_flight = in_flight_.size();
  progress.first_capture_us = first_capture_us_;
  progress.current_capture_us = current_capture_us_;
  progress.wall_seconds = std::chrono::duration<double>(now - started_).count();
  if (const auto read = source_->read_progress(); read && read->bytes_total > 0) {
    progress.input_fraction = static_cast<double>(read->bytes_read) / static_cast<double>(read->bytes_total);
  }
  progress.final = final_line;
  observer_.on_progress(progress);
}

// The next event to replay with its facts, skipping (and accounting for) what is not replayed;
// nullopt at the end of the capture.
Result<std::optional<Pending>> ReplayEngine::read_pending() {
  for (;;) {
    auto next = [&] {
      const auto reading = clock_.enter(StageClock::kReadCapture);
      return source_->next();
    }();
    if (!next) return next.error();
    if (!next->has_value()) return std::optional<Pending>();
    Event event = std::move(**next);
    ++summary_.events;
    if (summary_.events == 1) first_capture_us_ = event.start_us;
    current_capture_us_ = event.start_us;
    if (event.sql.find_first_not_of(" \t\r\n;") == std::string::npos) {
      ++summary_.skipped;
      observer_.on_skipped(event, "empty statement");
      continue;
    }
    if (const char* where = nul_byte_in(event); where != nullptr) {
      // libpq sends C strings: the statement would reach the server cut short at the NUL.
      ++summary_.skipped;
      observer_.on_skipped(event, std::string("a NUL byte in its ") + where + ": PostgreSQL cannot receive it");
      continue;
    }
    StatementAnalysis analysis = [&] {
      const auto parsing = clock_.enter(StageClock::kParseSql);
      return analyzer_.analyze(event.sql);
    }();
    const sql::StatementFacts& facts = analysis.facts;
    if (facts.copies_from_client) {
      ++summary_.skipped;
      observer_.on_skipped(event, "COPY FROM STDIN: its rows are not in the server log");
      continue;
    }
    // Captured traffic is input, not a script to trust: what would act on the replay's host or
    // servers is not run (unless its kind is allowed).
    if (facts.outside_reach && settings_.allowed_outside.count(facts.outside_reach->kind) == 0) {
      ++summary_.skipped;
      observer_.on_skipped(event, "acts outside its database: " + facts.outside_reach->description);
      continue;
    }
    if (settings_.read_only && facts.may_write) {
      ++summary_.skipped;
      observer_.on_skipped(event, "may write: not replayed with --read-only");
      continue;
    }
    const bool as_production_error = replays_as_production_error(event);
    // A cut value is not what production bound: the statement would be one production never ran
    // (replayed as its production error, it needs no value).
    if (event.parameters_truncated && !as_production_error) {
      ++summary_.skipped;
      observer_.on_skipped(event, "parameter values cut by log_parameter_max_length");
      continue;
    }
    if (!event.duration_ms) ++summary_.events_without_duration;
    if (as_production_error) {
      // Not raced again: it fails as in production, so it takes no lock, writes nothing and
      // plans nothing; a COMMIT that failed rolled its transaction back.
      analysis.facts.may_write = false;
      analysis.facts.is_explainable = false;
      if (analysis.facts.commits) analysis.facts.rolls_back = true;
      return std::optional<Pending>(Pending{std::move(event), std::move(analysis), true});
    }
    return std::optional<Pending>(Pending{std::move(event), std::move(analysis)});
  }
}

Result<std::optional<Pending>> ReplayEngine::take_next() {
  if (!lookahead_.empty()) {
    Pending pending = std::move(lookahead_.front());
    lookahead_.pop_front();
    return std::optional<Pending>(std::move(pending));
  }
  return read_pending();
}

// The backends a side's backend waits on for a lock (pg_blocking_pids), asked of the monitor.
Result<std::vector<int>> ReplayEngine::blocking_pids(int side, int backend_pid) {
  const auto checking = clock_.enter(StageClock::kLockChecks);
  auto listed = monitors_[static_cast<std::size_t>(side)]->query_scalar(
      "SELECT array_to_string(pg_blocking_pids(" + std::to_string(backend_pid) + "), ',')", monitor_limits_);
  if (!listed) {
    if (listed.error().kind == ErrorKind::kInfrastructure) note_connection_trouble(side);
    return listed.error();
  }
  std::vector<int> pids;
  std::size_t position = 0;
  while (position < listed->size()) {
    const std::size_t comma = std::min(listed->find(',', position), listed->size());
    pids.push_back(std::atoi(listed->substr(position, comma - position).c_str()));
    position = comma + 1;
  }
  return pids;
}

// The sessions holding the locks that the statements in flight wait for, per side.
std::vector<SessionRun*> ReplayEngine::lock_holders() {
  std::vector<SessionRun*> holders;
  for (SessionRun* waiting : in_flight_) {
    for (int index = 0; index < 2; ++index) {
      const SideRun& side = waiting->sides[static_cast<std::size_t>(index)];
      if (!side.in_flight || !side.waiting_on_lock) continue;
      const auto pids = blocking_pids(index, side.connection->backend_pid());
      if (!pids) continue;
      for (const int pid : *pids) {
        for (auto& [id, candidate] : sessions_) {
          const SideRun& candidate_side = candidate->sides[static_cast<std::size_t>(index)];
          if (!candidate_side.connection || candidate_side.connection->backend_pid() != pid) continue;
          trace("  %s waits on %s for %s (%s)", waiting->id.c_str(), kSideNames[index], candidate->id.c_str(),
                candidate->busy() ? ("busy with " + candidate->event->source.to_string()).c_str() : "idle");
          if (std::find(holders.begin(), holders.end(), candidate.get()) == holders.end()) {
            holders.push_back(candidate.get());
          }
        }
      }
    }
  }
  return holders;
}

// Every statement in flight waits on a lock, and the next statement cannot start: the replay
// granted a row lock in another order than production did (production logs only say when a
// statement started and how long it took, not when it got its locks). Production went on by
// letting the lock holder continue, so the replay does the same: the holder's next statement
// runs ahead of its turn. Without this, the waits would end in lock_timeout on both sides.
Result<bool> ReplayEngine::break_stall(const std::vector<SessionRun*>& holders) {
  const auto holds = [&](const Pending& pending) {
    for (SessionRun* holder : holders) {
      if (!holder->busy() && holder->id == pending.event.session_id) return holder;
    }
    return static_cast<SessionRun*>(nullptr);
  };
  trace("stalled: %zu lock holders found", holders.size());
  if (holders.empty()) return false;
  for (std::size_t i = 0;; ++i) {
    if (i == lookahead_.size()) {
      if (lookahead_.size() >= kMaxLookahead) return false;
      auto more = read_pending();
      if (!more) return more.error();
      if (!more->has_value()) return false;
      lookahead_.push_back(std::move(**more));
    }
    if (SessionRun* holder = holds(lookahead_[i]); holder != nullptr) {
      Pending pending = std::move(lookahead_[i]);
      lookahead_.erase(lookahead_.begin() + static_cast<std::ptrdiff_t>(i));
      ++summary_.reordered_for_locks;
      trace("stalled: %s runs ahead of its turn (it holds a lock others wait for)", holder->id.c_str());
      dispatch(*holder, std::move(pending));
      return true;
    }
  }
}

Result<ReplaySummary> ReplayEngine::run(capture::EventSource& source) {
  source_ = &source;
  if (Status opened = open_monitors(); !opened) return opened.error();
  for (;;) {
    if (interrupted() || server_gone_) break;
    auto next = take_next();
    if (!next) return next.error();
    if (!next->has_value()) break;
    Pending pending = std::move(**next);
    SessionRun& session = session_for(pending.event.session_id);
    if (Status ready = wait_until_dispatchable(session, pending.event, pending.analysis.facts); !ready) {
      if (ready.error().kind != ErrorKind::kInterrupted) return ready.error();
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
  if (server_gone_ && !interrupted()) account_rest_as_failed();
  report_progress(true);
  summary_.wall_seconds = std::chrono::duration<double>(Clock::now() - started_).count();
  summary_.stage_seconds = clock_.seconds();
  if (interrupted()) {
    return Error{ErrorKind::kInterrupted, "interrupted after " + std::to_string(summary_.events) + " events"};
  }
  return summary_;
}

}  // namespace

Result<ReplaySummary> replay(capture::EventSource& source, const ReplayTargets& targets,
                             const ReplaySettings& settings, ReplayObserver& observer,
                             const std::atomic<bool>* interrupted) {
  ReplayEngine engine(targets, settings, observer, interrupted);
  return engine.run(source);
}

}  // namespace pgshadow::replay
