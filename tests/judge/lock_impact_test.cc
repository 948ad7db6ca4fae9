// The lock impact's tally and verdict contribution (--migrate-during, --max-blocked): no server.
#include <catch2/catch.hpp>

#include "pgshadow/judge/findings.h"
#include "pgshadow/judge/gate.h"
#include "pgshadow/judge/lock_impact.h"

namespace pgshadow::judge {
namespace {

compare::ResultSignature inserted() {
  compare::ResultSignature s;
  s.command_verb = "INSERT";
  s.affected_rows = 1;
  return s;
}

compare::ResultSignature failed(std::string sqlstate) {
  compare::ResultSignature s;
  s.succeeded = false;
  s.sqlstate = std::move(sqlstate);
  return s;
}

// Feeds one statement of shape `fingerprint` with its lock waits.
void feed(FindingsBook& book, const std::string& fingerprint, replay::LockWaits locks,
          const compare::ResultSignature& baseline = inserted(), const compare::ResultSignature& shadow = inserted(),
          DivergenceClass divergence = DivergenceClass::kMatch, double baseline_ms = 0, double shadow_ms = 0) {
  Event event;
  event.sql = "INSERT INTO t VALUES (1)";
  const sql::QueryShape shape{fingerprint, "INSERT INTO t VALUES ($1)"};
  book.on_compared({event, shape, divergence, baseline, shadow, std::nullopt, "", baseline_ms, shadow_ms, false, false,
                    std::nullopt, false, locks});
}

JudgeSettings max_blocked(double ms) {
  JudgeSettings settings;
  settings.locks.max_blocked_ms = ms;
  return settings;
}

}  // namespace

TEST_CASE("a wait behind the migration longer than --max-blocked makes the run review", "[judge]") {
  FindingsBook book(max_blocked(1000));
  feed(book, "a", {replay::MigrationPhase::kBefore, 0, 0, false});
  feed(book, "a", {replay::MigrationPhase::kDuring, 0, 1500, true});
  feed(book, "a", {replay::MigrationPhase::kDuring, 20, 300, true});
  feed(book, "a", {replay::MigrationPhase::kAfter, 0, 0, false});
  book.on_migration_run({});
  CHECK(book.lock_impact().verdict() == Verdict::kReview);
  CHECK(book.verdict() == Verdict::kReview);
  const WaitTally behind = book.lock_impact().behind_migration();
  CHECK(behind.count == 2);
  CHECK(behind.total_ms == Approx(1800));
  CHECK(behind.max_ms == Approx(1500));
  const auto shapes = book.lock_impact().shapes();
  REQUIRE(shapes.size() == 1);
  CHECK(shapes[0]->during == 2);
  CHECK(shapes[0]->baseline_waits.count == 1);
  CHECK(shapes[0]->baseline_waits.max_ms == Approx(20));
  CHECK(book.lock_impact().phases().at(replay::MigrationPhase::kBefore) == 1);
  CHECK(book.verdict_reasons().back() ==
        "2 statements waited behind the migration's locks, the longest 1.5 s (over --max-blocked 1.0 s)");
}

TEST_CASE("the CI gate's verdict carries the lock impact's", "[judge]") {
  FindingsBook book(max_blocked(1000));
  feed(book, "a", {replay::MigrationPhase::kDuring, 0, 1500, true});
  book.on_migration_run({});
  CHECK(decide(book, GatePolicy{}).verdict == Verdict::kReview);
}

TEST_CASE("statements the replay held back behind a waiting one are tallied apart, outside the verdict", "[judge]") {
  FindingsBook book(max_blocked(1000));
  replay::LockWaits queued{replay::MigrationPhase::kDuring, 0, 0, false};
  queued.queued_behind_migration_ms = 1800;
  feed(book, "a", queued);
  book.on_migration_run({});
  CHECK(book.lock_impact().queued_behind_migration().count == 1);
  CHECK(book.lock_impact().queued_behind_migration().max_ms == Approx(1800));
  CHECK(book.lock_impact().behind_migration().count == 0);
  CHECK(book.lock_impact().verdict() == Verdict::kSafe);
}

TEST_CASE("waits within --max-blocked add nothing to the verdict", "[judge]") {
  FindingsBook book(max_blocked(3000));
  feed(book, "a", {replay::MigrationPhase::kDuring, 0, 800, true});
  book.on_migration_run({});
  CHECK(book.lock_impact().verdict() == Verdict::kSafe);
  CHECK(book.verdict() == Verdict::kSafe);
}

TEST_CASE("a statement that hit lock_timeout on the shadow alone behind the migration is breaking", "[judge]") {
  FindingsBook book(max_blocked(3000));
  feed(book, "a", {replay::MigrationPhase::kDuring, 0, 5000, true}, inserted(), failed("55P03"),
       DivergenceClass::kErrorShadowOnly);
  // The same error on both sides is not the migration's doing.
  feed(book, "b", {replay::MigrationPhase::kDuring, 5000, 5000, false}, failed("55P03"), failed("55P03"));
  book.on_migration_run({});
  CHECK(book.lock_impact().failed() == 1);
  CHECK(book.lock_impact().verdict() == Verdict::kBreaking);
  CHECK(book.lock_impact().shapes().front()->failed_by_migration.at("55P03") == 1);
}

TEST_CASE("a migration that gave up on its own lock_timeout during the replay is review", "[judge]") {
  FindingsBook book;
  replay::MigrationRun run;
  run.outcome.failure = MigrationFailure{"m.sql", 4, "55P03", "canceling statement due to lock timeout", "ALTER ...",
                                             false, MigrationFailure::Kind::kFailed};
  book.on_migration_run(run);
  CHECK(book.lock_impact().verdict() == Verdict::kReview);
  CHECK(book.lock_impact().reasons().front() ==
        "the migration failed during the replay at m.sql:4 with SQLSTATE 55P03 (it gave up waiting for its lock: plan "
        "a retry)");
}

TEST_CASE("statements before the migration that differ are counted: the shadow was still the baseline", "[judge]") {
  FindingsBook book;
  feed(book, "a", {replay::MigrationPhase::kBefore, 0, 0, false}, inserted(), failed("23505"),
       DivergenceClass::kErrorShadowOnly);
  feed(book, "a", {replay::MigrationPhase::kBefore, 0, 0, false}, inserted(), inserted(),
       DivergenceClass::kNondeterministic);
  book.on_migration_run({});
  CHECK(book.lock_impact().before_mismatches() == 1);
}

TEST_CASE("without --migrate-during the lock impact is inactive and neutral", "[judge]") {
  FindingsBook book;
  feed(book, "a", {});
  CHECK_FALSE(book.lock_impact().active());
  CHECK(book.lock_impact().verdict() == Verdict::kSafe);
  CHECK(book.lock_impact().shapes().empty());
}

TEST_CASE("the latency of a shape during the migration is kept per side, beside the control", "[judge]") {
  FindingsBook book(max_blocked(3000));
  // Sent before and after: not the migration's window.
  feed(book, "a", {replay::MigrationPhase::kBefore, 0, 0, false}, inserted(), inserted(), DivergenceClass::kMatch, 1, 1);
  feed(book, "a", {replay::MigrationPhase::kAfter, 0, 0, false}, inserted(), inserted(), DivergenceClass::kMatch, 9, 9);
  for (double shadow_ms : {2.0, 3.0, 400.0}) {
    feed(book, "a", {replay::MigrationPhase::kDuring, 0, 0, false}, inserted(), inserted(), DivergenceClass::kMatch, 0.5,
         shadow_ms);
  }
  book.on_migration_run({});
  const auto shapes = book.lock_impact().shapes();
  // Listed though nothing waited: it ran during the migration.
  REQUIRE(shapes.size() == 1);
  CHECK(shapes[0]->baseline_latency_during.histogram.count() == 3);
  CHECK(shapes[0]->baseline_latency_during.max_ms == Approx(0.5));
  CHECK(shapes[0]->shadow_latency_during.max_ms == Approx(400));
  CHECK(shapes[0]->shadow_latency_during.histogram.quantile(0.5) == Approx(3).epsilon(0.1));
  CHECK(book.lock_impact().verdict() == Verdict::kSafe);
}

TEST_CASE("waits and latencies read as seconds, milliseconds, or tenths below 10 ms", "[judge]") {
  CHECK(describe_wait_ms(0) == "0 ms");
  CHECK(describe_wait_ms(0.42) == "0.4 ms");
  CHECK(describe_wait_ms(9.9) == "9.9 ms");
  CHECK(describe_wait_ms(12.4) == "12 ms");
  CHECK(describe_wait_ms(1500) == "1.5 s");
}

}  // namespace pgshadow::judge
