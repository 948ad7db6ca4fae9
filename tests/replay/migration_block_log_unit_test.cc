// Where a statement held back in timed order waited behind the migration: no server.
#include <catch2/catch.hpp>

#include "../../src/replay/migration_block_log.h"

using pgshadow::replay::Clock;
using pgshadow::replay::MigrationBlockLog;
using std::chrono::milliseconds;

namespace {
Clock::time_point at(int ms) { return Clock::time_point{} + milliseconds(ms); }
}  // namespace

TEST_CASE("a statement's lateness counts behind the migration only where something waited behind it") {
  MigrationBlockLog log;
  log.observe(false, at(0));
  log.observe(true, at(100));   // a write starts waiting behind the migration
  log.observe(true, at(150));
  log.observe(false, at(300));  // granted
  log.observe(true, at(500));
  log.observe(false, at(600));
  // Due at 50, sent at 400: late 350 ms, of which 200 ms (100 to 300) something waited.
  CHECK(log.overlap(at(50), at(400)) == milliseconds(200));
  // Across both stretches.
  CHECK(log.overlap(at(0), at(1000)) == milliseconds(300));
  // On time, or late only where nothing waited.
  CHECK(log.overlap(at(400), at(400)) == milliseconds(0));
  CHECK(log.overlap(at(300), at(500)) == milliseconds(0));
  CHECK(log.overlap(at(700), at(650)) == milliseconds(0));
}

TEST_CASE("a stretch still open counts up to the statement's dispatch") {
  MigrationBlockLog log;
  log.observe(true, at(1000));
  CHECK(log.overlap(at(900), at(1250)) == milliseconds(250));
  log.observe(false, at(2000));
  CHECK(log.overlap(at(900), at(5000)) == milliseconds(1000));
}
