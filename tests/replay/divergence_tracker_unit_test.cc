#include <catch2/catch.hpp>

#include "../../src/replay/divergence_tracker.h"

namespace pgshadow::replay {
namespace {

// A statement as the tracker sees it, on hand-built histories: no server.
struct Step {
  sql::StatementFacts facts;
  StatementOutcome outcome;

  Step(std::string session, std::string fingerprint, const std::string& sql) {
    facts = sql::facts_of(sql);
    outcome.session_id = std::move(session);
    outcome.fingerprint = std::move(fingerprint);
    outcome.facts = &facts;
  }
  Step(const Step&) = delete;
  Step& operator=(const Step&) = delete;

  // Both sides' transaction state before and after, and what each side did.
  Step& sides(bool in_tx_before, bool shadow_failed_before, bool in_tx_after, bool shadow_failed_after) {
    for (SideOutcome* side : {&outcome.baseline, &outcome.shadow}) {
      side->in_transaction_before = in_tx_before;
      side->in_transaction_after = in_tx_after;
    }
    outcome.shadow.failed_before = shadow_failed_before;
    outcome.shadow.failed_after = shadow_failed_after;
    return *this;
  }
  Step& shadow_fails(std::string sqlstate) {
    outcome.shadow.succeeded = false;
    outcome.shadow.sqlstate = std::move(sqlstate);
    return *this;
  }
  Step& baseline_writes() {
    outcome.baseline.wrote = true;
    return *this;
  }
  Step& both_write() {
    outcome.baseline.wrote = outcome.shadow.wrote = true;
    return *this;
  }
  Step& references(std::string table) {
    outcome.referenced_tables.insert(std::move(table));
    return *this;
  }
  Step& differs(DivergenceClass divergence) {
    outcome.divergence = divergence;
    return *this;
  }
};

// What the engine does with each step: the session's cause first, then a data cause (the probe
// taken as agreeing), then record.
std::optional<ConsequenceCause> judge(DivergenceTracker& tracker, Step& step, DivergenceClass found,
                                      bool probe_agrees = true) {
  step.differs(found);
  std::optional<ConsequenceCause> cause;
  if (found != DivergenceClass::kMatch) {
    cause = tracker.session_cause(step.outcome);
    if (!cause && probe_agrees) cause = tracker.data_cause(step.outcome);
  }
  tracker.record(step.outcome, cause ? DivergenceClass::kConsequence : found, cause);
  return cause;
}

}  // namespace

TEST_CASE("a parent insert that fails on the shadow is the only root: its transaction, its savepoints, "
          "its children and the COMMIT follow from it", "[replay][divergence]") {
  DivergenceTracker tracker;
  Step begin("s1", "begin", "BEGIN");
  CHECK_FALSE(judge(tracker, begin.sides(false, false, true, false), DivergenceClass::kMatch));
  Step parent("s1", "posts_insert", "INSERT INTO \"Posts\" (title) VALUES ($1) RETURNING *");
  parent.sides(true, false, true, true).shadow_fails("23514").baseline_writes();
  CHECK_FALSE(judge(tracker, parent, DivergenceClass::kErrorShadowOnly).has_value());  // the root

  Step savepoint("s1", "savepoint", R"(SAVEPOINT "a1b2")");
  savepoint.sides(true, true, true, true).shadow_fails("25P02");
  auto cause = judge(tracker, savepoint, DivergenceClass::kErrorShadowOnly);
  REQUIRE(cause);
  CHECK(cause->kind == ConsequenceCause::Kind::kAbortedTransaction);
  CHECK(cause->root_fingerprint == "posts_insert");
  CHECK(describe(*cause) == "its transaction was aborted on the shadow by an earlier finding on shape posts_insert");

  Step tag("s1", "post_tags_insert", "INSERT INTO \"PostTags\" (post_id, tag_id) VALUES ($1, $2)");
  tag.sides(true, true, true, true).shadow_fails("25P02").baseline_writes();
  CHECK(judge(tracker, tag, DivergenceClass::kErrorShadowOnly)->root_fingerprint == "posts_insert");

  // The savepoint was set on the baseline only: rolling back to it fails on the shadow.
  Step rollback_to("s1", "rollback_to", R"(ROLLBACK TO SAVEPOINT "a1b2")");
  rollback_to.sides(true, true, true, true).shadow_fails("3B001");
  cause = judge(tracker, rollback_to, DivergenceClass::kErrorShadowOnly);
  REQUIRE(cause);
  CHECK(cause->kind == ConsequenceCause::Kind::kMissingSavepoint);
  CHECK(describe(*cause) ==
        "the savepoint it names does not exist on the shadow: it was set while the transaction there was aborted "
        "by an earlier finding on shape posts_insert");

  Step commit("s1", "commit", "COMMIT");
  commit.sides(true, true, false, false);
  CHECK(judge(tracker, commit, DivergenceClass::kCommandChanged)->root_fingerprint == "posts_insert");

  // Committed on the baseline, rolled back on the shadow: the tables it wrote differ now.
  CHECK(tracker.diverged_tables().at("Posts") == "posts_insert");
  CHECK(tracker.diverged_tables().at("PostTags") == "posts_insert");

  // Another session's child row finds no parent on the shadow.
  Step child("s2", "comments_insert", "INSERT INTO \"Comments\" (post_id, body) VALUES ($1, $2)");
  child.sides(false, false, false, false).shadow_fails("23503").baseline_writes().references("Posts");
  cause = judge(tracker, child, DivergenceClass::kErrorShadowOnly);
  REQUIRE(cause);
  CHECK(cause->kind == ConsequenceCause::Kind::kMissingParentRow);
  CHECK(describe(*cause) == "a row it references in table Posts is missing on the shadow: an earlier finding on "
                            "shape posts_insert left that table different");
}

TEST_CASE("a root in one session explains nothing in another that touches other tables", "[replay][divergence]") {
  DivergenceTracker tracker;
  Step write("s1", "orders_insert", "INSERT INTO orders (id) VALUES ($1) RETURNING id");
  write.sides(false, false, false, false).both_write();
  judge(tracker, write, DivergenceClass::kRowsChanged);
  // A different error in an unrelated table of another session is a root of its own.
  Step unrelated("s2", "users_update", "UPDATE users SET email = $1 WHERE id = $2");
  unrelated.sides(false, false, false, false).shadow_fails("23505");
  CHECK_FALSE(judge(tracker, unrelated, DivergenceClass::kErrorShadowOnly).has_value());
  // Different values in a read of the table the root wrote: a consequence of it, naming the table.
  Step read("s2", "orders_read", "SELECT * FROM orders WHERE id = $1");
  read.sides(false, false, false, false);
  const auto cause = judge(tracker, read, DivergenceClass::kRowsChanged);
  REQUIRE(cause);
  CHECK(cause->kind == ConsequenceCause::Kind::kDivergedData);
  CHECK(cause->table == "orders");
  // Not when the isolation probe still sees the difference on pristine data: the migration causes it.
  Step real("s3", "orders_read", "SELECT * FROM orders WHERE id = $1");
  real.sides(false, false, false, false);
  CHECK_FALSE(judge(tracker, real, DivergenceClass::kRowsChanged, /*probe_agrees=*/false).has_value());
}

TEST_CASE("rolling back to a savepoint both sides had ends the divergence", "[replay][divergence]") {
  DivergenceTracker tracker;
  Step begin("s1", "begin", "BEGIN");
  judge(tracker, begin.sides(false, false, true, false), DivergenceClass::kMatch);
  Step savepoint("s1", "savepoint", "SAVEPOINT before_insert");
  judge(tracker, savepoint.sides(true, false, true, false), DivergenceClass::kMatch);
  Step insert("s1", "insert", "INSERT INTO t VALUES ($1)");
  insert.sides(true, false, true, true).shadow_fails("23502").baseline_writes();
  judge(tracker, insert, DivergenceClass::kErrorShadowOnly);
  Step rollback_to("s1", "rollback_to", "ROLLBACK TO SAVEPOINT before_insert");
  judge(tracker, rollback_to.sides(true, true, true, false), DivergenceClass::kMatch);
  // Both sides are alike again: a later difference in the transaction is a finding of its own.
  Step later("s1", "later", "UPDATE u SET a = 1");
  later.sides(true, false, true, true).shadow_fails("42703");
  CHECK_FALSE(judge(tracker, later, DivergenceClass::kErrorShadowOnly).has_value());
  CHECK(tracker.diverged_tables().count("t") == 0);  // rolled back on both sides
}

TEST_CASE("after a transaction that committed on one side only, the sequences are re-aligned", "[replay][divergence]") {
  DivergenceTracker tracker;
  Step begin("s1", "begin", "BEGIN");
  judge(tracker, begin.sides(false, false, true, false), DivergenceClass::kMatch);
  Step insert("s1", "insert", "INSERT INTO t (a) VALUES ($1) RETURNING id");
  insert.sides(true, false, true, true).shadow_fails("23514").baseline_writes().differs(DivergenceClass::kErrorShadowOnly);
  // Inside the transaction no other session sees either side's rows yet, but the id the baseline
  // drew is drawn for every session (sequences are not transactional): re-align.
  CHECK(tracker.record(insert.outcome, DivergenceClass::kErrorShadowOnly, std::nullopt));
  CHECK(tracker.diverged_tables().count("t") == 0);
  Step commit("s1", "commit", "COMMIT");
  commit.sides(true, true, false, false).differs(DivergenceClass::kCommandChanged);
  const auto cause = tracker.session_cause(commit.outcome);
  REQUIRE(cause);
  CHECK(tracker.record(commit.outcome, DivergenceClass::kConsequence, cause));
  CHECK(tracker.diverged_tables().at("t") == "insert");
  // An autocommit write that differed: at once.
  Step update("s3", "update", "UPDATE t SET a = $1 WHERE b = $2");
  update.sides(false, false, false, false).both_write();
  CHECK(tracker.record(update.outcome, DivergenceClass::kCommandChanged, std::nullopt));
  // A transaction that matched all along asks for nothing.
  Step quiet_begin("s2", "begin", "BEGIN");
  quiet_begin.sides(false, false, true, false);
  CHECK_FALSE(tracker.record(quiet_begin.outcome, DivergenceClass::kMatch, std::nullopt));
}

TEST_CASE("an insert skipped on the shadow inside an open transaction makes the table's ids differ for "
          "every session at once", "[replay][divergence]") {
  DivergenceTracker tracker;
  Step parent("s1", "posts_insert", "INSERT INTO \"Posts\" (title) VALUES ($1) RETURNING *");
  parent.sides(true, false, true, true).shadow_fails("23514").baseline_writes();
  judge(tracker, parent, DivergenceClass::kErrorShadowOnly);
  // The comment insert draws an id from the Comments sequence on the baseline only; its
  // transaction is still open.
  Step first_comment("s1", "comments_insert", "INSERT INTO \"Comments\" (body) VALUES ($1) RETURNING id");
  first_comment.sides(true, true, true, true).shadow_fails("25P02").baseline_writes();
  judge(tracker, first_comment, DivergenceClass::kErrorShadowOnly);
  CHECK(tracker.diverged_tables().count("Comments") == 0);  // the rows: not before a commit
  // Another session's comment gets another id on the shadow before anything committed.
  Step other("s2", "comments_insert", "INSERT INTO \"Comments\" (body) VALUES ($1) RETURNING id");
  other.sides(false, false, false, false).both_write();
  const auto cause = judge(tracker, other, DivergenceClass::kRowsChanged);
  REQUIRE(cause);
  CHECK(cause->kind == ConsequenceCause::Kind::kDivergedData);
  CHECK(cause->table == "Comments");
  CHECK(cause->root_fingerprint == "posts_insert");
  // An error is not explained by ids that differ.
  Step conflict("s3", "comments_insert", "INSERT INTO \"Comments\" (body) VALUES ($1) RETURNING id");
  conflict.sides(false, false, false, false).shadow_fails("23505");
  CHECK_FALSE(judge(tracker, conflict, DivergenceClass::kErrorShadowOnly).has_value());
}

}  // namespace pgshadow::replay
