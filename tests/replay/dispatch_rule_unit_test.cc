// The dispatch rule on hand-built histories: which statement may start beside which, no server.
#include <catch2/catch.hpp>

#include "../../src/replay/dispatch_rule.h"

namespace pgshadow::replay::dispatch {
namespace {

// A captured statement of `session` that started at `start_ms` and, when given, took `took_ms`.
Event logged(const std::string& session, std::int64_t start_ms, std::optional<double> took_ms, std::string sql = "SELECT 1") {
  Event event;
  event.session_id = session;
  event.start_us = start_ms * 1000;
  event.duration_ms = took_ms;
  event.sql = std::move(sql);
  return event;
}

// Another session's statement in flight: its event, its facts and whether it waits on a lock.
struct InFlight {
  Event event;
  sql::StatementFacts facts;
  pg::TransactionState before;
  bool waits_on_lock;
  bool behind_migration = false;  // waits_on_lock, behind a --migrate-during migration only

  Running running() const {
    return {&event, facts.may_write, publishes(facts, before), !waits_on_lock, nullptr,
            waits_on_lock && behind_migration};
  }
};

InFlight behind_migration(InFlight waiting) {
  waiting.waits_on_lock = true;
  waiting.behind_migration = true;
  return waiting;
}

InFlight in_flight(Event event, pg::TransactionState before = pg::TransactionState::kIdle, bool waits_on_lock = false) {
  sql::StatementFacts facts = sql::facts_of(event.sql);
  return {std::move(event), std::move(facts), before, waits_on_lock};
}

struct Next {
  Event event;
  sql::StatementFacts facts;
  pg::TransactionState before = pg::TransactionState::kIdle;
  bool busy = false;

  Candidate candidate() const { return {&event, busy, facts.may_write, publishes(facts, before)}; }
};

Next next(Event event, pg::TransactionState before = pg::TransactionState::kIdle) {
  sql::StatementFacts facts = sql::facts_of(event.sql);
  return {std::move(event), std::move(facts), before};
}

Hold hold(const Next& candidate, const std::vector<InFlight>& others, Policy policy = {}) {
  std::vector<Running> running;
  for (const InFlight& other : others) running.push_back(other.running());
  return hold_for(candidate.candidate(), running, policy);
}

}  // namespace

TEST_CASE("a statement that ended before another started in production precedes it: an overlap does not",
          "[replay][dispatch]") {
  // 10 ms + 5 ms ends at 15 ms: before a start at 20 ms, not before one at 12 ms.
  CHECK(must_precede(logged("a", 10, 5.0), logged("b", 20, std::nullopt)));
  CHECK_FALSE(must_precede(logged("a", 10, 5.0), logged("b", 12, std::nullopt)));
  // An overlap within the log's millisecond resolution is not known to have happened.
  CHECK(must_precede(logged("a", 10, 5.9), logged("b", 15, std::nullopt)));
  CHECK_FALSE(must_precede(logged("a", 10, 6.5), logged("b", 15, std::nullopt)));
  // Both on whole seconds (%t): an overlap shorter than a second is not known either.
  CHECK(must_precede(logged("a", 1000, 1500.0), logged("b", 2000, std::nullopt)));
  CHECK_FALSE(must_precede(logged("a", 1000, 2500.0), logged("b", 2000, std::nullopt)));
  // Without a logged duration the end is unknown: taken as finished.
  CHECK(must_precede(logged("a", 10, std::nullopt), logged("b", 10, std::nullopt)));
}

TEST_CASE("a commit publishes, and a write publishes only outside a transaction block", "[replay][dispatch]") {
  CHECK(publishes(sql::facts_of("COMMIT"), pg::TransactionState::kInTransaction));
  CHECK(publishes(sql::facts_of("ROLLBACK"), pg::TransactionState::kFailed));
  CHECK(publishes(sql::facts_of("UPDATE users SET name = 'x'"), pg::TransactionState::kIdle));
  CHECK(publishes(sql::facts_of("UPDATE users SET name = 'x'"), pg::TransactionState::kUnknown));
  CHECK_FALSE(publishes(sql::facts_of("UPDATE users SET name = 'x'"), pg::TransactionState::kInTransaction));
  CHECK_FALSE(publishes(sql::facts_of("SELECT * FROM users"), pg::TransactionState::kIdle));
}

TEST_CASE("BEGIN and SAVEPOINT publish nothing, ROLLBACK TO SAVEPOINT releases locks so it does", "[replay][dispatch]") {
  CHECK_FALSE(publishes(sql::facts_of("BEGIN"), pg::TransactionState::kIdle));
  CHECK_FALSE(publishes(sql::facts_of("START TRANSACTION ISOLATION LEVEL REPEATABLE READ"), pg::TransactionState::kIdle));
  CHECK_FALSE(publishes(sql::facts_of("SAVEPOINT s"), pg::TransactionState::kInTransaction));
  CHECK_FALSE(publishes(sql::facts_of("RELEASE SAVEPOINT s"), pg::TransactionState::kInTransaction));
  CHECK(publishes(sql::facts_of("ROLLBACK TO SAVEPOINT s"), pg::TransactionState::kInTransaction));
  CHECK(publishes(sql::facts_of("BEGIN; UPDATE users SET name = 'x'; COMMIT"), pg::TransactionState::kIdle));
  CHECK(publishes(sql::facts_of("END"), pg::TransactionState::kInTransaction));
}

TEST_CASE("a busy session, strict order and the jobs bound hold a statement back", "[replay][dispatch]") {
  Next candidate = next(logged("b", 2, std::nullopt, "SELECT 2"));
  const std::vector<InFlight> overlapping = {in_flight(logged("a", 1, 100.0, "SELECT pg_sleep(0.1)"))};
  CHECK(hold(candidate, overlapping) == Hold::kNone);
  CHECK(hold(candidate, overlapping, {ReplayOrder::kStrict, 0}) == Hold::kStrictOrder);
  CHECK(hold(candidate, {}, {ReplayOrder::kStrict, 0}) == Hold::kNone);
  CHECK(hold(candidate, overlapping, {ReplayOrder::kCausal, 1}) == Hold::kJobsBound);
  CHECK(hold(candidate, overlapping, {ReplayOrder::kCausal, 2}) == Hold::kNone);
  // A statement waiting on a lock does not count against the bound: its holder must go on.
  const std::vector<InFlight> waiting = {
      in_flight(logged("a", 1, 100.0, "SELECT pg_sleep(0.1)"), pg::TransactionState::kIdle, true)};
  CHECK(hold(candidate, waiting, {ReplayOrder::kCausal, 1}) == Hold::kNone);
  candidate.busy = true;
  CHECK(hold(candidate, {}) == Hold::kSessionBusy);
}

TEST_CASE("what finished before a statement in production is waited for, even while it waits on a lock",
          "[replay][dispatch]") {
  const Next candidate = next(logged("b", 50, std::nullopt, "SELECT 2"));
  CHECK(hold(candidate, {in_flight(logged("a", 1, 10.0))}) == Hold::kHappensBefore);
  CHECK(hold(candidate, {in_flight(logged("a", 1, 10.0), pg::TransactionState::kIdle, true)}) ==
        Hold::kHappensBefore);
  CHECK(hold(candidate, {in_flight(logged("a", 1, 100.0))}) == Hold::kNone);
}

TEST_CASE("a commit neither overlaps a running statement nor is overlapped, unless that one waits on a lock",
          "[replay][dispatch]") {
  const InFlight long_read = in_flight(logged("a", 1, 100.0, "SELECT pg_sleep(0.1)"));
  const Next commit = next(logged("b", 2, std::nullopt, "COMMIT"), pg::TransactionState::kInTransaction);
  CHECK(hold(commit, {long_read}) == Hold::kCommitBarrier);
  // The commit may be the one that releases the lock the other waits for.
  CHECK(hold(commit, {in_flight(logged("a", 1, 100.0, "UPDATE users SET name = 'x' WHERE id = 1"),
                                pg::TransactionState::kInTransaction, true)}) == Hold::kNone);
  // A write outside a transaction block is a commit of its own: a read does not start beside it.
  const Next read = next(logged("b", 2, std::nullopt, "SELECT * FROM users"));
  CHECK(hold(read, {in_flight(logged("a", 1, 100.0, "UPDATE users SET name = 'x'"))}) == Hold::kCommitBarrier);
  CHECK(hold(read, {long_read}) == Hold::kNone);
}

TEST_CASE("two writes never run side by side, not even while the earlier one waits on a lock",
          "[replay][dispatch]") {
  const Next write = next(logged("b", 2, std::nullopt, "UPDATE users SET name = 'b' WHERE id = 2"),
                          pg::TransactionState::kInTransaction);
  const InFlight earlier_write = in_flight(logged("a", 1, 100.0, "UPDATE users SET name = 'a' WHERE id = 1"),
                                           pg::TransactionState::kInTransaction);
  CHECK(hold(write, {earlier_write}) == Hold::kWriteRule);
  CHECK(hold(write, {in_flight(logged("a", 1, 100.0, "UPDATE users SET name = 'a' WHERE id = 1"),
                               pg::TransactionState::kInTransaction, true)}) == Hold::kWriteRule);
  // A read inside a transaction starts beside a write inside another.
  const Next read = next(logged("b", 2, std::nullopt, "SELECT * FROM users"), pg::TransactionState::kInTransaction);
  CHECK(hold(read, {earlier_write}) == Hold::kNone);
}

TEST_CASE("the replay is stalled when every statement in flight waits on a lock", "[replay][dispatch]") {
  const InFlight running = in_flight(logged("a", 1, 100.0));
  const InFlight waiting = in_flight(logged("b", 1, 100.0), pg::TransactionState::kIdle, true);
  CHECK_FALSE(stalled(std::vector<Running>{}));
  CHECK(stalled(std::vector<Running>{waiting.running()}));
  CHECK_FALSE(stalled(std::vector<Running>{waiting.running(), running.running()}));
  CHECK(progressing(std::vector<Running>{waiting.running(), running.running()}) == 1);
}

TEST_CASE("writes whose footprints share no table run side by side, a shared or unknown footprint holds",
          "[replay][dispatch]") {
  const Event accounts_b = logged("b", 2, std::nullopt, "UPDATE accounts SET balance = 1 WHERE id = 2");
  const Event accounts_a = logged("a", 1, 100.0, "UPDATE accounts SET balance = 2 WHERE id = 1");
  const sql::StatementFacts write = sql::facts_of(accounts_b.sql);
  const Footprint accounts = Footprint::of_tables({"accounts"});
  const Footprint tellers = Footprint::of_tables({"tellers"});
  const Footprint accounts_and_branches = Footprint::of_tables({"accounts", "branches"});
  const auto candidate = [&](const Footprint* footprint) {
    return Candidate{&accounts_b, false, write.may_write, false, footprint};
  };
  const auto running = [&](const Footprint* footprint, bool waits_on_lock = false) {
    return std::vector<Running>{{&accounts_a, true, false, !waits_on_lock, footprint}};
  };
  CHECK(hold_for(candidate(&tellers), running(&accounts), {}) == Hold::kNone);
  CHECK(hold_for(candidate(&tellers), running(&accounts, true), {}) == Hold::kNone);
  CHECK(hold_for(candidate(&accounts), running(&accounts_and_branches), {}) == Hold::kWriteRule);
  CHECK(hold_for(candidate(&accounts), running(&accounts, true), {}) == Hold::kWriteRule);
  // Without a footprint (its text or its tables' catalog cannot tell) a write contends with any.
  CHECK(hold_for(candidate(nullptr), running(&tellers), {}) == Hold::kWriteRule);
  CHECK(hold_for(candidate(&tellers), running(nullptr), {}) == Hold::kWriteRule);
  CHECK(may_contend(&accounts, &accounts_and_branches));
  CHECK_FALSE(may_contend(&tellers, &accounts_and_branches));
  CHECK(may_contend(nullptr, &tellers));
}

TEST_CASE("a statement waiting behind the migration is no stall: the migration ends its wait", "[replay][dispatch]") {
  const InFlight waiting = in_flight(logged("b", 1, 100.0), pg::TransactionState::kIdle, true);
  const InFlight queued = behind_migration(in_flight(logged("a", 1, 100.0, "INSERT INTO t VALUES (1)")));
  CHECK_FALSE(stalled(std::vector<Running>{queued.running()}));
  CHECK_FALSE(stalled(std::vector<Running>{queued.running(), waiting.running()}));
  CHECK(progressing(std::vector<Running>{queued.running()}) == 0);
}

TEST_CASE("a write outside a transaction queues beside one waiting behind the migration, inside one it does not",
          "[replay][dispatch]") {
  const InFlight queued = behind_migration(in_flight(logged("a", 1, 100.0, "INSERT INTO t VALUES (1)")));
  const Next autocommit = next(logged("b", 2, std::nullopt, "INSERT INTO t VALUES (2)"));
  CHECK(hold(autocommit, {queued}) == Hold::kNone);
  // In a transaction block its row locks outlive the statement: the write rule holds.
  const Next in_transaction = next(logged("b", 2, std::nullopt, "INSERT INTO t VALUES (2)"),
                                   pg::TransactionState::kInTransaction);
  CHECK(hold(in_transaction, {queued}) == Hold::kWriteRule);
  const InFlight queued_in_transaction = behind_migration(
      in_flight(logged("a", 1, 100.0, "INSERT INTO t VALUES (1)"), pg::TransactionState::kInTransaction));
  CHECK(hold(autocommit, {queued_in_transaction}) == Hold::kWriteRule);
  // A write waiting on another replayed session's lock still holds every other write back.
  const InFlight waiting = in_flight(logged("a", 1, 100.0, "INSERT INTO t VALUES (1)"), pg::TransactionState::kIdle, true);
  CHECK(hold(autocommit, {waiting}) == Hold::kWriteRule);
}

}  // namespace pgshadow::replay::dispatch

namespace pgshadow::replay::dispatch {

TEST_CASE("a statement keeps to itself when it publishes nothing and its text and footprint tell every lock it takes",
          "[replay][dispatch]") {
  const Footprint accounts = Footprint::of_tables({"accounts"});
  const auto keeps = [&](const char* sql, pg::TransactionState before, const Footprint* footprint = nullptr) {
    const sql::StatementFacts facts = sql::facts_of(sql);
    return keeps_to_itself(facts, publishes(facts, before), footprint);
  };
  constexpr auto in_transaction = pg::TransactionState::kInTransaction;
  constexpr auto idle = pg::TransactionState::kIdle;
  CHECK(keeps("SELECT abalance FROM accounts WHERE aid = $1", idle));
  CHECK(keeps("BEGIN", idle));
  CHECK(keeps("UPDATE accounts SET abalance = abalance + $1 WHERE aid = $2", in_transaction, &accounts));
  // A write without a footprint in force (a trigger, an unknown table, the rule suspended).
  CHECK_FALSE(keeps("UPDATE accounts SET abalance = 0 WHERE aid = $1", in_transaction));
  // Publishing: a commit, a write outside a transaction block, a rollback to a savepoint.
  CHECK_FALSE(keeps("COMMIT", in_transaction));
  CHECK_FALSE(keeps("UPDATE accounts SET abalance = 0 WHERE aid = $1", idle, &accounts));
  CHECK_FALSE(keeps("ROLLBACK TO SAVEPOINT s", in_transaction));
  // Locks the text cannot tell: DDL, an advisory lock, a user's function; and outside reach.
  CHECK_FALSE(keeps("ALTER TABLE accounts ADD COLUMN note text", in_transaction));
  CHECK_FALSE(keeps("SELECT pg_advisory_lock(1)", in_transaction));
  CHECK_FALSE(keeps("SELECT audit_total()", in_transaction));
  CHECK_FALSE(keeps("SELECT * FROM dblink('host=elsewhere', 'SELECT 1') AS t(x int)", in_transaction));
  CHECK_FALSE(keeps("SELECT FROM", idle));  // does not parse
}

TEST_CASE("in causal order, statements that keep to themselves overlap whatever production's order, commits and "
          "contending writes still wait",
          "[replay][dispatch]") {
  const Footprint accounts = Footprint::of_tables({"accounts"});
  const Footprint tellers = Footprint::of_tables({"tellers"});
  // a's statement ended at 11 ms, b's started at 50 ms: production ran them one after the other.
  const Event earlier = logged("a", 1, 10.0, "UPDATE accounts SET abalance = 1 WHERE aid = 1");
  const Event read = logged("b", 50, std::nullopt, "SELECT tbalance FROM tellers WHERE tid = 1");
  const Event write = logged("b", 50, std::nullopt, "UPDATE tellers SET tbalance = 1 WHERE tid = 1");
  const Event same_table = logged("b", 50, std::nullopt, "UPDATE accounts SET abalance = 2 WHERE aid = 2");
  const Event commit = logged("b", 50, std::nullopt, "COMMIT");
  const std::vector<Running> running{{&earlier, true, false, true, &accounts, false, true}};
  const Policy overlaps{ReplayOrder::kCausal, 0, true};
  const Policy keeps_order{ReplayOrder::kCausal, 0, false};
  CHECK(hold_for({&read, false, false, false, nullptr, true}, running, overlaps) == Hold::kNone);
  CHECK(hold_for({&read, false, false, false, nullptr, true}, running, keeps_order) == Hold::kHappensBefore);
  CHECK(hold_for({&write, false, true, false, &tellers, true}, running, overlaps) == Hold::kNone);
  CHECK(hold_for({&same_table, false, true, false, &accounts, true}, running, overlaps) == Hold::kWriteRule);
  // A commit does not keep to itself: what finished before it still finishes first.
  CHECK(hold_for({&commit, false, false, true, nullptr, false}, running, overlaps) == Hold::kHappensBefore);
  // Nor does the one in flight when it does not keep to itself.
  const std::vector<Running> ddl{{&earlier, true, false, true, nullptr, false, false}};
  CHECK(hold_for({&read, false, false, false, nullptr, true}, ddl, overlaps) == Hold::kHappensBefore);
}

}  // namespace pgshadow::replay::dispatch

namespace pgshadow::replay::dispatch {
namespace {

Footprint pinned_row(const std::string& table, const std::string& column, const std::string& value) {
  Footprint footprint;
  TableLocks& locks = footprint.tables[table];
  locks.any_row = false;
  locks.found.push_back({{column, value}});
  locks.unique_keys = std::make_shared<const UniqueKeys>(UniqueKeys{{column}});
  return footprint;
}

}  // namespace

TEST_CASE("a statement read ahead starts before an earlier one only where production ran the two side by side and "
          "the earlier one's result cannot tell",
          "[replay][dispatch]") {
  const Policy causal{ReplayOrder::kCausal, 0, false, true};
  // b's update of branch 3 waits on a's open transaction, which holds that row.
  const Event update_b = logged("b", 10, 5.0, "UPDATE branches SET total = total + 1 WHERE id = 3");
  const Footprint branch3 = pinned_row("branches", "id", "3");
  const Footprint branch2 = pinned_row("branches", "id", "2");
  const Queued waiting{&update_b, true, false, &branch3, false, "a", &branch3, nullptr};
  // a's commit, c's commit of another branch's row, c's read: all overlapped b's update.
  const Footprint nothing;
  const Event commit_a = logged("a", 11, 0.1, "END");
  const Queued a_commits{&commit_a, false, true, nullptr, false, "", &nothing, &branch3};
  CHECK(may_overtake(waiting, a_commits, "a", causal));  // it releases b's wait
  const Event commit_c = logged("c", 12, 0.1, "END");
  const Queued c_commits{&commit_c, false, true, nullptr, false, "", &nothing, &branch2};
  CHECK(may_overtake(waiting, c_commits, "c", causal));  // b's row is not one c changed
  const Policy keeps_commit_order{ReplayOrder::kCausal, 0, false, false};
  CHECK_FALSE(may_overtake(waiting, c_commits, "c", keeps_commit_order));
  const Queued c_commits_branch3{&commit_c, false, true, nullptr, false, "", &nothing, &branch3};
  CHECK_FALSE(may_overtake(waiting, c_commits_branch3, "c", causal));
  const Queued c_commits_unknown{&commit_c, false, true, nullptr, false, "", &nothing, nullptr};
  CHECK_FALSE(may_overtake(waiting, c_commits_unknown, "c", causal));
  // A waiting statement whose reads are not known might see the commit: it is not overtaken.
  Queued waiting_reader = waiting;
  waiting_reader.reads = nullptr;
  CHECK_FALSE(may_overtake(waiting_reader, c_commits, "c", causal));
  CHECK(may_overtake(waiting_reader, a_commits, "a", causal));

  // Nothing overtakes what finished before it started in production, unless neither can tell.
  const Event read_c = logged("c", 12, 0.1, "SELECT 1");
  const Queued c_reads{&read_c, false, false, nullptr, false, "", nullptr, nullptr};
  CHECK(may_overtake(waiting, c_reads, "c", causal));
  const Event quick = logged("d", 10, 0.1, "SELECT 2");
  const Queued finished_first{&quick, false, false, nullptr, false, "", nullptr, nullptr};
  const Event much_later = logged("c", 20, 0.1, "SELECT 1");
  const Queued c_reads_later{&much_later, false, false, nullptr, false, "", nullptr, nullptr};
  CHECK_FALSE(may_overtake(finished_first, c_reads_later, "c", causal));
  const Event early_commit = logged("d", 10, 0.1, "END");
  const Queued d_committed_first{&early_commit, false, true, nullptr, false, "", &nothing, &branch2};
  const Event read_branch3 = logged("c", 20, 0.1, "SELECT total FROM branches WHERE id = 3");
  const Queued c_reads_branch3{&read_branch3, false, false, nullptr, false, "", &branch3, nullptr};
  CHECK(may_overtake(d_committed_first, c_reads_branch3, "c", causal));
  const Queued d_committed_branch3{&early_commit, false, true, nullptr, false, "", &nothing, &branch3};
  CHECK_FALSE(may_overtake(d_committed_branch3, c_reads_branch3, "c", causal));
  const Queued not_waiting{&update_b, true, false, &branch3, false, "", &branch3, nullptr};
  CHECK(may_overtake(not_waiting, c_commits, "c", causal));
  CHECK_FALSE(may_overtake(not_waiting, c_commits, "c", keeps_commit_order));
  CHECK(may_overtake(not_waiting, c_reads, "c", causal));
  // Two writes that may want one row keep their order.
  const Event update_c = logged("c", 12, 0.1, "UPDATE branches SET total = 0 WHERE id = 3");
  const Queued c_writes_branch3{&update_c, true, false, &branch3, false, "", &branch3, nullptr};
  CHECK_FALSE(may_overtake(not_waiting, c_writes_branch3, "c", causal));
  const Queued c_writes_branch2{&update_c, true, false, &branch2, false, "", &branch2, nullptr};
  CHECK(may_overtake(not_waiting, c_writes_branch2, "c", causal));
}

TEST_CASE("a commit and a statement that cannot tell which ran first overlap, in either order, and only then",
          "[replay][dispatch]") {
  const Footprint nothing;
  const Footprint branch3 = pinned_row("branches", "id", "3");
  const Footprint branch2 = pinned_row("branches", "id", "2");
  const Visibility commits_branch2{true, false, nullptr, &nothing, &branch2};
  const Visibility reads_branch3{false, false, nullptr, &branch3, nullptr};
  const Visibility writes_branch3{false, true, &branch3, &branch3, nullptr};
  CHECK(unaffected_either_way(commits_branch2, reads_branch3));
  CHECK(unaffected_either_way(reads_branch3, commits_branch2));
  CHECK(unaffected_either_way(commits_branch2, writes_branch3));
  const Visibility commits_branch3{true, false, nullptr, &nothing, &branch3};
  CHECK_FALSE(unaffected_either_way(commits_branch3, reads_branch3));
  CHECK_FALSE(unaffected_either_way(commits_branch3, writes_branch3));
  // Reads not known, a commit whose transaction's writes are not known, no commit at all.
  CHECK_FALSE(unaffected_either_way(commits_branch2, Visibility{false, false, nullptr, nullptr, nullptr}));
  CHECK_FALSE(unaffected_either_way(Visibility{true, false, nullptr, &nothing, nullptr}, reads_branch3));
  CHECK_FALSE(unaffected_either_way(reads_branch3, reads_branch3));
  // Two commits of transactions apart.
  CHECK(unaffected_either_way(commits_branch2, commits_branch3));
  // In hold_for: the commit barrier and happens-before give way only under the policy.
  const Event commit = logged("a", 1, 0.1, "END");
  const Event read = logged("b", 5, std::nullopt, "SELECT total FROM branches WHERE id = 3");
  const Running committing{&commit, false, true, true, nullptr, false, false, &nothing, &branch2};
  const Candidate reading{&read, false, false, false, nullptr, false, &branch3, nullptr};
  const Policy causal{ReplayOrder::kCausal, 0, false, true};
  CHECK(hold_for(reading, std::vector<Running>{committing}, causal) == Hold::kNone);
  CHECK(hold_for(reading, std::vector<Running>{committing}, Policy{ReplayOrder::kCausal, 0, false, false}) ==
        Hold::kHappensBefore);
  const Running committing_branch3{&commit, false, true, true, nullptr, false, false, &nothing, &branch3};
  CHECK(hold_for(reading, std::vector<Running>{committing_branch3}, causal) == Hold::kHappensBefore);
}

}  // namespace pgshadow::replay::dispatch

namespace pgshadow::replay::dispatch {

TEST_CASE("in causal order BEGIN and SAVEPOINT start beside commits and what ended before them: they take no "
          "snapshot and no lock",
          "[replay][dispatch]") {
  // a's COMMIT ended at 11 ms, b's BEGIN started at 50 ms: production ran them one after the other.
  const Event commit = logged("a", 1, 10.0, "COMMIT");
  const Event begin = logged("b", 50, std::nullopt, "BEGIN");
  const Event savepoint = logged("b", 50, std::nullopt, "SAVEPOINT s1");
  const Event write = logged("b", 50, std::nullopt, "UPDATE tellers SET tbalance = 1 WHERE tid = 1");
  const Policy overlaps{ReplayOrder::kCausal, 0, true};
  const Policy keeps_order{ReplayOrder::kCausal, 0, false};
  REQUIRE(sql::facts_of("BEGIN").only_opens);
  REQUIRE(sql::facts_of("SAVEPOINT s1").only_opens);
  REQUIRE_FALSE(sql::facts_of("COMMIT").only_opens);
  const std::vector<Running> committing{{&commit, false, true, true}};
  Candidate opening{&begin, false, false, false};
  opening.only_opens = true;
  CHECK(hold_for(opening, committing, overlaps) == Hold::kNone);
  CHECK(hold_for(opening, committing, keeps_order) == Hold::kHappensBefore);
  opening.event = &savepoint;
  CHECK(hold_for(opening, committing, overlaps) == Hold::kNone);
  // Its own session's statement still comes first, and the jobs bound still counts it.
  opening.session_busy = true;
  CHECK(hold_for(opening, committing, overlaps) == Hold::kSessionBusy);
  opening.session_busy = false;
  CHECK(hold_for(opening, committing, Policy{ReplayOrder::kCausal, 1, true}) == Hold::kJobsBound);
  // The other way round: a commit starts beside a BEGIN in flight, whatever production's order.
  const Event late_commit = logged("a", 50, std::nullopt, "COMMIT");
  const Event early_begin = logged("b", 1, 10.0, "BEGIN");
  std::vector<Running> begun{{&early_begin, false, false, true}};
  begun[0].only_opens = true;
  const Candidate committer{&late_commit, false, false, true};
  CHECK(hold_for(committer, begun, overlaps) == Hold::kNone);
  CHECK(hold_for(committer, begun, keeps_order) == Hold::kHappensBefore);
  // Any other statement still waits for the commit that ended before it.
  const Candidate writer{&write, false, true, false};
  CHECK(hold_for(writer, committing, overlaps) == Hold::kHappensBefore);
}

}  // namespace pgshadow::replay::dispatch

namespace pgshadow::replay::dispatch {

TEST_CASE("a write surely waits beside another when both pin the same row, one that may lock any row only may",
          "[replay][dispatch]") {
  const Event waiting = logged("b", 1, std::nullopt, "UPDATE users SET name = 'b' WHERE id = 2");
  const Event same_row = logged("c", 2, std::nullopt, "UPDATE users SET name = 'c' WHERE id = 2");
  const Event any_row = logged("a", 3, std::nullopt, "UPDATE users SET email = 'x' WHERE name = 'nobody'");
  const Footprint row_2 = pinned_row("users", "id", "2");
  const Footprint row_3 = pinned_row("users", "id", "3");
  const Footprint whole_table = Footprint::of_tables({"users"});
  std::vector<Running> in_flight{{&waiting, true, false, false, &row_2}};
  const Candidate surely{&same_row, false, true, false, &row_2};
  const Candidate maybe{&any_row, false, true, false, &whole_table};
  const Candidate apart{&same_row, false, true, false, &row_3};
  CHECK(write_rule_holds(surely, in_flight));
  CHECK(surely_waits_beside(surely, in_flight));
  CHECK(write_rule_holds(maybe, in_flight));
  CHECK_FALSE(surely_waits_beside(maybe, in_flight));
  CHECK_FALSE(write_rule_holds(apart, in_flight));
  CHECK_FALSE(surely_waits_beside(apart, in_flight));
  // A read, or a write whose footprint is unknown, is never sure.
  const Candidate unknown{&same_row, false, true, false, nullptr};
  CHECK(write_rule_holds(unknown, in_flight));
  CHECK_FALSE(surely_waits_beside(unknown, in_flight));
}

}  // namespace pgshadow::replay::dispatch
