#pragma once
// The dispatch rule: whether the next captured statement may start now, given the statements
// of other sessions still in flight (replay.h, "Ordering", says why each part exists).
//
// Invariant: a statement starts only when
//  - its session has nothing in flight (a session runs one statement at a time);
//  - under --order strict, nothing at all is in flight; under --jobs N, fewer than N
//    statements are progressing (one waiting on a lock does not count: its holder must go on);
//  - nothing that finished in production before it started is still running (happens-before;
//    an overlap shorter than the log's timestamp resolution is not taken for one), except, in
//    causal order, when both statements keep to themselves (keeps_to_itself): neither can see
//    or change what the other does before a commit, and commits keep their order (below), so
//    which of the two runs first changes no result on either side;
//  - no commit barrier stands between them: a statement that publishes changes (a commit, a
//    write outside a transaction block) neither overlaps a progressing statement nor is
//    overlapped by one, so both sides' snapshots see the same commits (a write counted as
//    waiting on a predicted lock before a check saw it wait holds back every commit that could
//    change its result, as if it progressed: passes_assumed_wait);
//  - no other write that may want one of its locks is in flight (the write rule): two servers
//    could grant a contended row lock to different sessions. Writes whose footprints (the
//    rows they may lock, by table: footprint.h) are apart run side by side; a write without
//    a footprint (null: it may want any lock) contends with every write. Except beside a write outside a
//    transaction block that waits behind a --migrate-during migration, for a write outside a
//    transaction block too: in production every write that came meanwhile queued behind the
//    migration, and the replay lets them queue alike so that each one's wait is measured.
//    Neither holds a row lock past its own statement, so the sides cannot wait on each other in
//    lockstep; two of them that touch the same row race as they raced in production.
// Pure functions over session states: no connection, no clock. Which statement runs ahead of
// its turn when every statement waits on a lock is the lock arbiter's (lock_arbiter.h).
#include <cstddef>
#include <set>
#include <span>
#include <string>

#include "footprint.h"
#include "pgshadow/core/event.h"
#include "pgshadow/pg/session_connection.h"
#include "pgshadow/replay/replay.h"
#include "pgshadow/sql/query_shape.h"

namespace pgshadow::replay::dispatch {


// Another session's statement in flight, as the rule sees it.
struct Running {
  const Event* event = nullptr;
  bool may_write = false;    // sql::StatementFacts::may_write
  bool publishes = false;    // publishes(facts, its transaction state before it)
  bool progressing = false;  // a side still runs it without waiting on a lock
  const Footprint* footprint = nullptr;  // of a write; owned by its session
  // Not progressing only because it waits behind a --migrate-during migration that goes on by
  // itself: no stall to break, and not a write that holds others back when both are outside a
  // transaction block (below).
  bool behind_migration = false;
  bool keeps_to_itself = false;  // keeps_to_itself(its facts, publishes, footprint)
  const Footprint* reads = nullptr;      // the rows its result depends on (may_see); null: any
  const Footprint* published = nullptr;  // when it publishes: what it makes visible; null: unknown
  // A write inside a transaction block sent to wait on a row lock the footprints predicted, and
  // counted as waiting (not progressing) before a check saw it wait on each side: there, its
  // snapshot may not be taken yet. A commit may start beside it only where it cannot change the
  // write's result (passes_assumed_wait), with `where_columns` what its WHERE reads.
  bool wait_assumed = false;
  const std::set<std::string>* where_columns = nullptr;
  bool only_opens = false;  // sql::StatementFacts::only_opens: BEGIN, SAVEPOINT (opens_nothing_visible)
};

// The statement that wants to start.
struct Candidate {
  const Event* event = nullptr;
  bool session_busy = false;  // its own session still has a statement in flight
  bool may_write = false;
  bool publishes = false;
  const Footprint* footprint = nullptr;
  bool keeps_to_itself = false;
  const Footprint* reads = nullptr;
  // When it publishes: what it makes visible (its transaction's footprint with its own); null:
  // unknown, or not asked (only commit overlap and assumed waits need it).
  const Footprint* published = nullptr;
  bool only_opens = false;  // sql::StatementFacts::only_opens (opens_nothing_visible)
};

struct Policy {
  ReplayOrder order = ReplayOrder::kCausal;
  std::size_t jobs = 0;  // 0: no bound
  // Statements that keep to themselves may overlap whatever production's order: only in causal
  // order (timed order reproduces production's concurrency, and the lock impact is measured on
  // it), and not where a transaction may run SERIALIZABLE (its serialization failures depend on
  // how the statements of concurrent transactions interleave).
  bool private_work_overlaps = false;
  // A statement that publishes may overlap one that cannot tell whether it ran first
  // (unaffected_either_way), whatever production's order: only in causal order, where every
  // transaction runs READ COMMITTED (a snapshot kept for the transaction would carry the
  // difference on), and not beside a --migrate-during migration.
  bool apart_commits_overlap = false;
};

// What the overlap of a publishing statement with another needs to know of each.
struct Visibility {
  bool publishes = false;
  bool may_write = false;
  const Footprint* footprint = nullptr;  // of a write
  const Footprint* reads = nullptr;      // the rows its result depends on; null: any
  const Footprint* published = nullptr;  // when it publishes: what it makes visible; null: unknown
};

// Whether, of two statements one of which at least publishes, neither can tell which ran first:
// what each publisher makes visible is neither read by the other (may_see) nor wanted by the
// other's write (may_contend: it would have waited for the commit). Under READ COMMITTED each
// statement takes its own snapshot, so whether the commit is in it changes nothing then.
bool unaffected_either_way(const Visibility& a, const Visibility& b);

// Why a statement may not start yet, in the order the rule asks; kNone: it may.
enum class Hold {
  kNone,
  kSessionBusy,
  kStrictOrder,
  kJobsBound,
  kHappensBefore,
  kCommitBarrier,
  // A commit that could change the result of a write counted as waiting before a check saw it
  // wait (Running::wait_assumed): it waits for that check.
  kAssumedWait,
  kWriteRule,
};
const char* describe(Hold hold);

// Whether `earlier` finished in production before `later` started: its logged end is not past
// `later`'s start by more than the log's timestamp resolution (milliseconds; seconds when both
// start on a whole second, as %t logs). Without a logged duration the end is unknown: taken as
// finished.
bool must_precede(const Event& earlier, const Event& later);

// Whether the statement makes changes visible to other sessions' snapshots, or releases locks,
// when it ends: a transaction control statement other than BEGIN, START TRANSACTION, SAVEPOINT
// and RELEASE SAVEPOINT (sql::StatementFacts::only_opens), or a write outside a transaction
// block (`before`: the session's transaction state when it starts).
bool publishes(const sql::StatementFacts& facts, pg::TransactionState before);

// Whether what the statement does stays out of other sessions' sight until a later statement
// publishes it, and it takes no lock but row locks in its footprint (and the weak table locks
// that only DDL and LOCK, whose footprint is unknown, conflict with): it does not publish, its
// text says every lock it may take (sql::StatementFacts::lock_footprint: no DDL, no unknown
// function, no advisory lock), it reaches nothing outside its database, and a write's footprint
// is known to the catalog too (`footprint`, closed over foreign keys, with no trigger or rule; a
// sequence it draws from is in it, so that two writes drawing ids from one never overlap).
bool keeps_to_itself(const sql::StatementFacts& facts, bool publishing, const Footprint* footprint);

// Whether where the statement starts among other sessions' statements can change no result: it
// is BEGIN, START TRANSACTION, SAVEPOINT or RELEASE SAVEPOINT alone (`only_opens`), which takes no
// snapshot (the transaction's first statement takes it, under READ COMMITTED and REPEATABLE READ
// alike), no lock, and publishes nothing. Only where private work overlaps (Policy): not in timed
// order, whose concurrency is production's, nor where a transaction may run SERIALIZABLE. Such a
// statement overlaps what finished before it in production and commits, either way round.
bool opens_nothing_visible(bool only_opens, const Policy& policy);

// Whether `next`, a statement that publishes, may start beside `assumed`, a write counted as
// waiting before a check saw the wait (Running::wait_assumed): only when what it makes visible is
// known and cannot change that write's result (same_either_side_of_commit), so that both sides
// get it whether the commit reaches a server before the write's snapshot or after.
bool passes_assumed_wait(const Candidate& next, const Running& assumed);

// The first reason `next` may not start beside `others` (the other sessions' statements in
// flight), or kNone.
Hold hold_for(const Candidate& next, std::span<const Running> others, const Policy& policy);

// The write rule alone (hold_for's last part): whether `next` is a write that may want a row lock
// another write in flight may want too, or wait for. The lock arbiter asks it of a holder's
// statement it would run ahead of its turn: beside a write that waits for the same row, the two
// servers could grant that row to the two writes in different orders.
bool write_rule_holds(const Candidate& next, std::span<const Running> others);
// Whether, as far as the values tell (will_wait), `next` wants a row that a write in flight
// wants too: not merely may (write_rule_holds), but surely. Of the statements the lock arbiter
// could run ahead beside such a write, one that only may goes before one that surely does.
bool surely_waits_beside(const Candidate& next, std::span<const Running> others);

// A statement read from the capture and not started yet, as the overtaking rule sees it.
struct Queued {
  const Event* event = nullptr;
  bool may_write = false;
  bool publishes = false;
  const Footprint* footprint = nullptr;
  bool keeps_to_itself = false;
  // The session whose open transaction holds a row lock this write will want (will_wait), "" when
  // none is known: in production it waited there, until that session's commit.
  std::string waits_on;
  const Footprint* reads = nullptr;      // the rows its result depends on (may_see); null: any
  // When it publishes: its transaction's footprint, what the commit makes visible (null: unknown).
  const Footprint* published = nullptr;
};

// Causal order only (the caller's): whether `later`, of session `later_session`, may start before
// `earlier`, read before it and not started yet. Exactly when the two overlapped in production (or
// keep to themselves, or cannot tell which ran first, as hold_for allows), no two writes of theirs
// may contend, and neither publishes, but that a publishing `later` may release the lock `earlier`
// will wait for (its session is the one `earlier` waits on): production's `earlier` waited for
// that commit; or may commit while `earlier` waits, when `earlier` cannot tell
// (unaffected_either_way). So overtaking only lets a statement that production ran while the
// earlier one was still to come or waiting run first, where the earlier one's result cannot tell.
bool may_overtake(const Queued& earlier, const Queued& later, const std::string& later_session, const Policy& policy);

// How many of the statements in flight are progressing.
std::size_t progressing(std::span<const Running> in_flight);

// Every statement in flight waits on a lock: nothing will finish unless a lock holder goes on.
// A statement behind the migration is not stalled: the migration ends its wait.
bool stalled(std::span<const Running> in_flight);

}  // namespace pgshadow::replay::dispatch
