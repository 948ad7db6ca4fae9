// A statement cancelled by a statement timeout on the shadow only is the migration's doing only
// when the migration changed something it uses: on a real server whose shadow database is made
// slow by a setting no schema holds (JIT compiling every query, some 200 ms), the same timeout
// is nondeterministic on a relation the migration left alike, and a finding on one it changed.
// And RelationDefinitions, asked directly, on the kinds of change it must see.
#include <catch2/catch.hpp>

#include "../../src/replay/relation_definitions.h"
#include "replay_harness.h"

namespace pgshadow::replay {
namespace {

// Every query on the shadow database JIT-compiles with inlining and optimization: two orders of
// magnitude slower than without, whatever the schema.
constexpr const char* kSlowShadowDatabase =
    "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET jit = on', current_database()); "
    "EXECUTE format('ALTER DATABASE %I SET jit_above_cost = 0', current_database()); "
    "EXECUTE format('ALTER DATABASE %I SET jit_inline_above_cost = 0', current_database()); "
    "EXECUTE format('ALTER DATABASE %I SET jit_optimize_above_cost = 0', current_database()); END$$";

// A transaction whose read must finish within 50 ms: about 1 ms without JIT, 200 ms with it.
std::vector<Event> read_under_timeout(const std::string& table, bool creates_temporary_table) {
  std::vector<Event> events;
  std::int64_t at = 1;
  if (creates_temporary_table) events.push_back(statement("a", at++, "CREATE TEMP TABLE " + table + " (name text)"));
  events.push_back(statement("a", at++, "BEGIN"));
  events.push_back(statement("a", at++, "SET LOCAL statement_timeout = '50ms'"));
  events.push_back(statement("a", at++, "SELECT count(*), sum(length(name)) FROM " + table));
  events.push_back(statement("a", at++, "ROLLBACK"));
  return events;
}

bool jit_available(const ReplayTargets& targets) {
  pqxx::connection shadow(targets.shadow_conninfo);
  return pqxx::nontransaction(shadow).exec1("SELECT pg_jit_available()")[0].as<bool>();
}

TEST_CASE("a timeout on the shadow only of a statement that uses nothing the migration changed is the replay's timing",
          "[replay][shadow_timeout]") {
  const ReplayTargets targets = cluster().fresh_pair(kSlowShadowDatabase);
  REQUIRE(jit_available(targets));
  const RecordingObserver observed = run(targets, read_under_timeout("scratch", true));
  const Recorded& read = observed.find("SELECT count(*), sum(length(name)) FROM scratch");
  CHECK(read.baseline_sqlstate.empty());
  CHECK(read.shadow_sqlstate == "57014");
  CHECK(read.divergence == DivergenceClass::kNondeterministic);
  CHECK_THAT(read.nondeterminism, Catch::Contains("scratch: created by the replayed traffic"));
  CHECK(observed.find("ROLLBACK").divergence == DivergenceClass::kMatch);
}

TEST_CASE("a timeout on the shadow only of a read of a table the migration changed is a finding",
          "[replay][shadow_timeout]") {
  const std::string both = "CREATE TABLE items (name text); INSERT INTO items VALUES ('a'), ('b')";
  const ReplayTargets changed =
      cluster().fresh_pair(std::string(kSlowShadowDatabase) + "; CREATE INDEX items_name ON items (name)", both);
  const RecordingObserver on_changed = run(changed, read_under_timeout("items", false));
  const Recorded& read = on_changed.find("SELECT count(*), sum(length(name)) FROM items");
  CHECK(read.shadow_sqlstate == "57014");
  CHECK(read.divergence == DivergenceClass::kErrorShadowOnly);

  // The same table left alike: the same timeout is the replay's timing.
  const ReplayTargets alike = cluster().fresh_pair(kSlowShadowDatabase, both);
  const RecordingObserver on_alike = run(alike, read_under_timeout("items", false));
  const Recorded& alike_read = on_alike.find("SELECT count(*), sum(length(name)) FROM items");
  CHECK(alike_read.shadow_sqlstate == "57014");
  CHECK(alike_read.divergence == DivergenceClass::kNondeterministic);
  CHECK_THAT(alike_read.nondeterminism, Catch::Contains("items: defined alike on both sides"));
}

struct Catalogs {
  explicit Catalogs(const ReplayTargets& targets) {
    auto opened_baseline = pg::SessionConnection::open(targets.baseline_conninfo, {}, nullptr);
    auto opened_shadow = pg::SessionConnection::open(targets.shadow_conninfo, {}, nullptr);
    REQUIRE(opened_baseline.ok());
    REQUIRE(opened_shadow.ok());
    baseline = std::move(opened_baseline).value();
    shadow = std::move(opened_shadow).value();
  }
  std::unique_ptr<pg::SessionConnection> baseline;
  std::unique_ptr<pg::SessionConnection> shadow;
};

TEST_CASE("a relation counts as unchanged only when both catalogs define it alike", "[replay][shadow_timeout]") {
  const ReplayTargets targets = cluster().fresh_pair(
      "ALTER TABLE defaults_changed ALTER COLUMN n SET DEFAULT 2; "
      "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'; "
      "CREATE TRIGGER stamped BEFORE INSERT ON trigger_added FOR EACH ROW EXECUTE FUNCTION stamp(); "
      "ALTER TABLE check_added ADD CONSTRAINT positive CHECK (n > 0) NOT VALID; "
      "INSERT INTO backfilled SELECT generate_series(1, 20000); "
      "CREATE TABLE shadow_only (n int)",
      "CREATE TABLE alike (n int PRIMARY KEY, label text DEFAULT 'x'); "
      "CREATE TABLE defaults_changed (n int DEFAULT 1); CREATE TABLE trigger_added (n int); "
      "CREATE TABLE check_added (n int); CREATE TABLE backfilled (n int); "
      "CREATE VIEW a_view AS SELECT n FROM alike; "
      "CREATE TABLE parent (n int); CREATE TABLE child () INHERITS (parent)");
  Catalogs catalogs(targets);
  RelationDefinitions definitions({catalogs.baseline.get(), catalogs.shadow.get()});

  CHECK(definitions.standing({"alike", "public.alike"}).unchanged);
  CHECK(definitions.standing({}).unchanged);
  const auto standing_of = [&](const std::string& relation) { return definitions.standing({relation}).detail; };
  CHECK(standing_of("defaults_changed") == "defaults_changed: defined differently on the shadow");
  CHECK(standing_of("trigger_added") == "trigger_added: defined differently on the shadow");
  CHECK(standing_of("check_added") == "check_added: defined differently on the shadow");
  CHECK_THAT(standing_of("backfilled"), Catch::StartsWith("backfilled: larger on the shadow"));
  CHECK(standing_of("shadow_only") == "shadow_only: unknown to the baseline's catalog");
  CHECK(standing_of("a_view") == "a_view: not a plain table on both sides");
  CHECK(standing_of("parent") == "parent: has inheritance children");
  CHECK_FALSE(definitions.standing({"alike", "defaults_changed"}).unchanged);

  // Another session's temporary table: no catalog names it, but the traffic made it.
  CHECK(standing_of("scratch") == "scratch: unknown to the baseline's catalog");
  definitions.created_by_traffic({"scratch"});
  CHECK(definitions.standing({"scratch", "alike"}).detail ==
        "alike: defined alike on both sides, scratch: created by the replayed traffic");
}

}  // namespace
}  // namespace pgshadow::replay
