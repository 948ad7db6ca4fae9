#pragma once
// The replay state of one captured session: a connection per side and the statement in flight.
#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "footprint.h"
#include "pgshadow/compare/result_signature.h"
#include "pgshadow/core/event.h"
#include "pgshadow/replay/replay.h"
#include "pgshadow/pg/connection_opening.h"
#include "pgshadow/pg/session_connection.h"
#include "pgshadow/sql/query_shape.h"
#include "signature_sink.h"

namespace pgshadow::replay {

using Clock = std::chrono::steady_clock;

enum Side { kBaselineSide = 0, kShadowSide = 1 };
inline constexpr const char* kSideNames[] = {"baseline", "shadow"};

struct SideRun {
  std::unique_ptr<pg::SessionConnection> connection;
  // Being opened for the statement of its session that waits to be sent (SessionPool::start_opening):
  // the driver's poll steps it.
  std::unique_ptr<pg::ConnectionOpening> opening;
  // The statement is dispatched but not sent yet: its connection is being opened, or a statement
  // dispatched before it still waits for its own (each server gets them in dispatch order).
  bool awaiting_send = false;
  SignatureSink sink;
  bool in_flight = false;
  std::optional<compare::ResultSignature> result;  // set when the statement finished
  std::optional<std::string> failure;              // connection lost or not opened
  pg::TransactionState state_before = pg::TransactionState::kIdle;
  Clock::time_point sent_at;
  Clock::time_point finished_at;
  Clock::time_point lock_checked_at;
  Clock::duration lock_check_interval{};
  // Waits on a lock with a blocker that only another replayed session can release (a stall the
  // lock arbiter breaks). A wait behind a --migrate-during migration that itself progresses is
  // not one: the migration goes on by itself, and the wait is measured, not broken.
  bool waiting_on_lock = false;
  std::vector<int> blockers;  // the backends its last check found it waiting on
  // The backend the footprints say the statement will wait on (SessionRun::predicted_holder), 0
  // when none.
  int predicted_blocker = 0;
  // Counted as waiting on that backend from the prediction, before a check saw it (the write's
  // result is the same whatever commit comes before its snapshot, or that commit waits:
  // dispatch::Running::wait_assumed); the next check has the last word.
  bool wait_assumed = false;
  // Waits behind that migration alone, which is not itself waiting (the other case).
  bool waiting_behind_migration = false;
  // The statement's lock waits (LockWaits): the current wait's start (the server's waitstart, on
  // this clock), the last check that saw it blocked, the waits that ended, and whether the
  // migration's backend was among the blockers.
  std::optional<Clock::time_point> wait_began;
  Clock::time_point last_blocked_check;
  Clock::duration waited{};
  bool behind_migration = false;
  std::optional<Clock::time_point> cancelled_at;  // past its answer deadline (answer_deadline.h)
  bool cancelled_by_interrupt = false;             // in flight when the run was interrupted

  bool finished() const { return !in_flight && !awaiting_send; }
  // A check saw it wait on the backend the footprints predicted: such a wait lasts while the
  // holder's transaction does (it is not asked afresh when the holder has a result).
  bool waits_as_predicted() const {
    return predicted_blocker != 0 && waiting_on_lock &&
           std::find(blockers.begin(), blockers.end(), predicted_blocker) != blockers.end();
  }
};

struct SessionRun {
  std::string id;
  std::array<SideRun, 2> sides;
  std::optional<Event> event;  // the statement in flight on either side
  // The session whose open transaction holds a row lock the statement in flight was sent to wait
  // for (dispatch::will_wait), nullptr when none.
  const SessionRun* predicted_holder = nullptr;
  sql::StatementFacts facts;   // of `event`, parsed once when it was read
  sql::QueryShape shape;       // of `event`
  // Of `event` when it writes: the row locks it may take (footprint.h); nullopt: any lock.
  std::optional<dispatch::Footprint> footprint;
  // Of `event`: the rows its result depends on (WriteContention::reads_of), nullopt: any; and
  // when it publishes, what it makes visible (its transaction's footprint), nullopt: unknown.
  std::optional<dispatch::Footprint> reads;
  std::optional<dispatch::Footprint> published;
  std::uint64_t footprint_generation = 0;  // WriteContention::generation() it was asked in
  // The row locks the session's open transaction may hold: the footprints of its
  // writes since the transaction began (the one in flight included); unknown once one of them
  // had no footprint in force.
  dispatch::Footprint transaction_footprint;
  bool transaction_footprint_unknown = false;
  // `event` runs as its production error, not its SQL (production_error.h).
  bool as_production_error = false;
  std::uint64_t last_dispatch = 0;
  MigrationPhase phase = MigrationPhase::kNone;  // of `event`, when it was sent
  Clock::duration queued_behind_migration{};   // of `event`, before it was sent (LockWaits)

  bool busy() const { return event.has_value(); }
  // A statement in flight that may still finish without help from another session, and is not
  // waiting on a lock (a wait behind the migration included).
  bool progressing() const;
  // In flight, not progressing, and a side waits behind the migration: it ends without help.
  bool behind_migration() const;
  // Its transaction state on the baseline before its statement in flight, or now when idle
  // (idle when it has no baseline connection yet): what dispatch::publishes asks.
  pg::TransactionState baseline_state() const;
  // The transaction state its next statement will start in, as far as it is known now: the state
  // now when idle; while a statement is in flight, the state before it when that statement is no
  // transaction control (it leaves the block as it found it; an error inside a block leaves a
  // failed block, still a block), else unknown (it may open or end one). What dispatch::publishes
  // asks of a statement that waits for its turn: the state before the statement in flight is not it.
  pg::TransactionState next_statement_state() const;
  // A side in flight counts as waiting only on the footprints' prediction (SideRun::wait_assumed).
  bool wait_assumed() const {
    return std::any_of(sides.begin(), sides.end(), [](const SideRun& side) { return side.in_flight && side.wait_assumed; });
  }
};

}  // namespace pgshadow::replay
