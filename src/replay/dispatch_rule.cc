#include "dispatch_rule.h"

#include <algorithm>

namespace pgshadow::replay::dispatch {

const char* describe(Hold hold) {
  switch (hold) {
    case Hold::kNone: return "may start";
    case Hold::kSessionBusy: return "its session is busy";
    case Hold::kStrictOrder: return "strict order: a statement is in flight";
    case Hold::kJobsBound: return "the jobs bound is reached";
    case Hold::kHappensBefore: return "an earlier statement finished before it in production";
    case Hold::kCommitBarrier: return "a commit barrier";
    case Hold::kAssumedWait: return "a commit waits until a write it could change is seen waiting";
    case Hold::kWriteRule: return "another write that may want its locks is in flight";
  }
  return "?";
}

bool must_precede(const Event& earlier, const Event& later) {
  if (earlier.duration_ms) {
    // Log timestamps have a resolution (milliseconds for %m, csvlog and jsonlog; seconds for
    // %t): an overlap shorter than that is not known to have happened, and taking it for one
    // would let two statements race for a row lock in an order production never showed.
    const bool second_resolution = earlier.start_us % 1'000'000 == 0 && later.start_us % 1'000'000 == 0;
    const std::int64_t resolution_us = second_resolution ? 1'000'000 : 1'000;
    const auto end_us = earlier.start_us + static_cast<std::int64_t>(*earlier.duration_ms * 1000.0);
    if (end_us > later.start_us + resolution_us) return false;  // they overlapped in production
  }
  return true;
}

bool publishes(const sql::StatementFacts& facts, pg::TransactionState before) {
  // BEGIN and SAVEPOINT publish nothing and release no lock; every other transaction control
  // statement does one or the other (ROLLBACK TO SAVEPOINT releases the locks taken since).
  if (facts.is_transaction_control) return !facts.only_opens;
  if (!facts.may_write) return false;
  return before == pg::TransactionState::kIdle || before == pg::TransactionState::kUnknown;
}

bool keeps_to_itself(const sql::StatementFacts& facts, bool publishing, const Footprint* footprint) {
  if (publishing || !facts.parsed || !facts.lock_footprint || facts.outside_reach) return false;
  return !facts.may_write || footprint != nullptr;
}

namespace {

template <class Statement>
Visibility visibility(const Statement& statement) {
  return {statement.publishes, statement.may_write, statement.footprint, statement.reads, statement.published};
}

}  // namespace

bool may_overtake(const Queued& earlier, const Queued& later, const std::string& later_session, const Policy& policy) {
  const bool private_pair = policy.private_work_overlaps && earlier.keeps_to_itself && later.keeps_to_itself;
  const bool apart_pair = policy.apart_commits_overlap && unaffected_either_way(visibility(earlier), visibility(later));
  if (!private_pair && !apart_pair && must_precede(*earlier.event, *later.event)) return false;
  if (earlier.may_write && later.may_write && may_contend(earlier.footprint, later.footprint)) return false;
  if (!earlier.waits_on.empty() && earlier.waits_on == later_session) return true;  // it releases the wait
  return (!earlier.publishes && !later.publishes) || apart_pair;
}

bool unaffected_either_way(const Visibility& a, const Visibility& b) {
  if (!a.publishes && !b.publishes) return false;
  const auto cannot_tell = [](const Visibility& publisher, const Visibility& other) {
    if (!publisher.publishes) return true;
    if (publisher.published == nullptr || other.reads == nullptr) return false;
    if (may_see(other.reads, publisher.published)) return false;
    return !other.may_write || !may_contend(other.footprint, publisher.published);
  };
  return cannot_tell(a, b) && cannot_tell(b, a);
}

std::size_t progressing(std::span<const Running> in_flight) {
  std::size_t count = 0;
  for (const Running& running : in_flight) count += running.progressing ? 1 : 0;
  return count;
}

bool stalled(std::span<const Running> in_flight) {
  if (in_flight.empty()) return false;
  for (const Running& running : in_flight) {
    if (running.progressing || running.behind_migration) return false;
  }
  return true;
}

bool opens_nothing_visible(bool only_opens, const Policy& policy) { return only_opens && policy.private_work_overlaps; }

bool passes_assumed_wait(const Candidate& next, const Running& assumed) {
  if (assumed.publishes || next.published == nullptr || assumed.footprint == nullptr ||
      assumed.where_columns == nullptr) {
    return false;
  }
  return same_either_side_of_commit(*assumed.footprint, *assumed.where_columns, *next.published);
}

Hold hold_for(const Candidate& next, std::span<const Running> others, const Policy& policy) {
  if (next.session_busy) return Hold::kSessionBusy;
  if (policy.order == ReplayOrder::kStrict && !others.empty()) return Hold::kStrictOrder;
  if (policy.jobs > 0 && progressing(others) >= policy.jobs) return Hold::kJobsBound;
  if (opens_nothing_visible(next.only_opens, policy)) return Hold::kNone;  // nor is it a write
  for (const Running& other : others) {
    if (opens_nothing_visible(other.only_opens, policy)) continue;
    // What finished before this statement started in production finishes first here too, even
    // when it waits on a lock: the statement that releases that lock overlapped it in
    // production, so it is not held back (and the lock arbiter handles what the log cannot tell).
    if (policy.private_work_overlaps && next.keeps_to_itself && other.keeps_to_itself) continue;
    if (policy.apart_commits_overlap && unaffected_either_way(visibility(next), visibility(other))) continue;
    if (must_precede(*other.event, *next.event)) return Hold::kHappensBefore;
  }
  for (const Running& other : others) {
    // A commit and the statements around it run one after the other, in log order, so that
    // every statement's snapshot sees the same commits on both sides; except beside a
    // statement that waits on a lock, which the commit may be the one to release; but a wait
    // only assumed may not have its snapshot yet.
    if (!next.publishes && !other.publishes) continue;
    if (opens_nothing_visible(other.only_opens, policy)) continue;
    if (other.wait_assumed && !passes_assumed_wait(next, other)) return Hold::kAssumedWait;
    if (!other.progressing) continue;
    if (policy.apart_commits_overlap && unaffected_either_way(visibility(next), visibility(other))) continue;
    return Hold::kCommitBarrier;
  }
  return write_rule_holds(next, others) ? Hold::kWriteRule : Hold::kNone;
}

bool surely_waits_beside(const Candidate& next, std::span<const Running> others) {
  if (!next.may_write || next.footprint == nullptr) return false;
  return std::any_of(others.begin(), others.end(), [&](const Running& other) {
    return other.may_write && other.footprint != nullptr && will_wait(*next.footprint, *other.footprint);
  });
}

bool write_rule_holds(const Candidate& next, std::span<const Running> others) {
  if (!next.may_write) return false;
  for (const Running& other : others) {
    // Two writes that may want the same row lock never run side by side, nor wait side by side
    // for one: each server grants the lock to whichever comes first (or wakes first), the two
    // servers can choose differently, and each session would then wait on one side for the
    // other, in lockstep, until lock_timeout. When the earlier write waits on a lock held by an
    // idle session, the lock arbiter runs that session's next statement ahead. Writes whose
    // footprints (footprint.h: what their foreign keys reach too) are apart want no lock in common.
    const bool queued_behind_migration = other.behind_migration && other.publishes && next.publishes;
    if (other.may_write && !queued_behind_migration && may_contend(next.footprint, other.footprint)) return true;
  }
  return false;
}

}  // namespace pgshadow::replay::dispatch
