// The migration's locks from samples of pg_locks, and --migrate-during's AT: no server.
#include <catch2/catch.hpp>

#include "../../src/replay/migration_lock_log.h"

namespace pgshadow::replay {
namespace {

const MigrationLock* lock_named(const MigrationStatementRun& statement, const std::string& mode) {
  for (const MigrationLock& lock : statement.locks) {
    if (lock.mode == mode) return &lock;
  }
  return nullptr;
}

TEST_CASE("a lock waited for from the server's waitstart until first seen granted, held until the statement ended") {
  MigrationLockLog log;
  log.statement_started(0, "migrations/001.sql", 3, "CREATE INDEX i ON t (a)", 10.0);
  // At 10.2 s it had been waiting 0.15 s (waitstart at 10.05 s); granted at 10.5 s.
  log.sample(0, 10.2, {{"t", "ShareLock", false, 0.15, {}}});
  log.sample(0, 10.5, {{"t", "ShareLock", true, std::nullopt, {}}});
  log.sample(0, 11.0, {{"t", "ShareLock", true, std::nullopt, {}}});
  log.statement_ended(0, true, "", 11.2);
  const auto statements = log.statements();
  REQUIRE(statements.size() == 1);
  CHECK(statements[0].file == "migrations/001.sql");
  CHECK(statements[0].line == 3);
  const MigrationLock* share = lock_named(statements[0], "ShareLock");
  REQUIRE(share != nullptr);
  CHECK(share->relation == "t");
  CHECK(share->granted);
  CHECK(share->waited_ms == Approx(450.0));
  CHECK(share->held_ms == Approx(700.0));
}

TEST_CASE("a lock gone before the statement's last sample is held until it was last seen") {
  MigrationLockLog log;
  log.statement_started(0, "m.sql", 1, "s", 0.0);
  log.sample(0, 0.1, {{"t", "AccessExclusiveLock", true, std::nullopt, {}}});
  log.sample(0, 0.3, {{"t", "AccessExclusiveLock", true, std::nullopt, {}}});
  log.sample(0, 0.6, {});
  log.statement_ended(0, true, "", 1.0);
  // statements() returns a copy: keep it alive while the lock points into it.
  const auto statements = log.statements();
  const MigrationLock* lock = lock_named(statements[0], "AccessExclusiveLock");
  REQUIRE(lock != nullptr);
  CHECK(lock->waited_ms == 0);
  CHECK(lock->held_ms == Approx(200.0));
}

TEST_CASE("a lock never granted waited until the statement ended (its lock_timeout)") {
  MigrationLockLog log;
  log.statement_started(0, "m.sql", 2, "ALTER TABLE t RENAME TO u", 5.0);
  log.sample(0, 5.5, {{"t", "AccessExclusiveLock", false, 0.4, {}}});
  log.statement_ended(0, false, "55P03", 7.1);
  const auto statements = log.statements();
  CHECK_FALSE(statements[0].succeeded);
  CHECK(statements[0].sqlstate == "55P03");
  const MigrationLock* lock = lock_named(statements[0], "AccessExclusiveLock");
  REQUIRE(lock != nullptr);
  CHECK_FALSE(lock->granted);
  CHECK(lock->waited_ms == Approx(2000.0));
  CHECK(lock->held_ms == 0);
}

TEST_CASE("a sample for a statement that ended or never started is not its") {
  MigrationLockLog log;
  log.statement_started(0, "m.sql", 1, "s", 0.0);
  log.statement_ended(0, true, "", 0.5);
  log.sample(0, 0.6, {{"t", "ShareLock", true, std::nullopt, {}}});
  log.sample(1, 0.7, {{"t", "ShareLock", true, std::nullopt, {}}});
  const auto statements = log.statements();
  REQUIRE(statements.size() == 1);
  CHECK(statements[0].locks.empty());
}

TEST_CASE("a lock waited for names what it queued behind, each shape once, at most five") {
  MigrationLockLog log;
  log.statement_started(0, "m.sql", 1, "ALTER TABLE t RENAME COLUMN a TO b", 0.0);
  LockSampleRow waiting{"t", "AccessExclusiveLock", false, 0.01, {"SELECT count(*) FROM t"}};
  log.sample(0, 0.1, {waiting});
  log.sample(0, 0.2, {waiting});  // the same blocker, seen again
  waiting.blocking_shapes = {"UPDATE t SET a = $1", "SELECT count(*) FROM t", "s3", "s4", "s5", "s6"};
  log.sample(0, 0.3, {waiting});
  log.sample(0, 0.4, {{"t", "AccessExclusiveLock", true, std::nullopt, {}}});
  log.statement_ended(0, true, "", 0.5);
  const auto statements = log.statements();
  REQUIRE(statements.size() == 1);
  const MigrationLock* exclusive = lock_named(statements[0], "AccessExclusiveLock");
  REQUIRE(exclusive != nullptr);
  CHECK(exclusive->blocked_by ==
        std::vector<std::string>{"SELECT count(*) FROM t", "UPDATE t SET a = $1", "s3", "s4", "s5"});
  CHECK(exclusive->waited_ms == Approx(310.0));
}

TEST_CASE("the --migrate-during point takes a time into the capture, a share of it, or busiest") {
  auto offset = parse_capture_point("30s");
  REQUIRE(offset.ok());
  CHECK(offset->offset == std::chrono::seconds(30));
  CHECK_FALSE(offset->share.has_value());
  auto share = parse_capture_point("50%");
  REQUIRE(share.ok());
  CHECK(share->share == Approx(0.5));
  CHECK(parse_capture_point("1.5min")->offset == std::chrono::seconds(90));
  auto busiest = parse_capture_point("busiest");
  REQUIRE(busiest.ok());
  CHECK(busiest->busiest);
  CHECK_FALSE(busiest->offset.has_value());
  CHECK_FALSE(busiest->share.has_value());
  CHECK_FALSE(share->busiest);
}

TEST_CASE("the --migrate-during point refuses what is neither, with the value and the forms it takes") {
  CHECK(parse_capture_point("soon").error().message ==
        "--migrate-during: 'soon' is neither a time into the capture (30s, 1.5min, 250ms), a share of it (50%), nor "
        "busiest");
  CHECK(parse_capture_point("150%").error().message ==
        "--migrate-during: '150%' is not a share of the capture (0% to 100%)");
}

}  // namespace
}  // namespace pgshadow::replay
