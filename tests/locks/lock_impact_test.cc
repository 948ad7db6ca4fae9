// --migrate-during against two real servers (DSN mode): the wait pgshadow reports for the
// statements queued behind the migration's lock is the wait the shadow server itself logged
// (log_lock_waits: "process P acquired RowExclusiveLock on relation R ... after N ms"), the
// migration's lock is the one pg_locks showed, and the verdict follows --max-blocked.
#include <catch2/catch.hpp>
#include <optional>
#include <regex>
#include <sstream>

#include <pqxx/pqxx>

#include "../hostile/hostile_support.h"
#include "../hostile/one_push_gateway.h"

namespace pgshadow::hostile {
namespace {

const char* kBaseline = "CREATE TABLE t (id int PRIMARY KEY, note text); GRANT ALL ON t TO app;";

// The waits the server logged as over ("acquired ... after N ms"), in ms.
std::vector<double> logged_lock_waits(const std::string& log) {
  static const std::regex acquired(R"(process \d+ acquired RowExclusiveLock on relation \d+ of database \d+ after ([0-9.]+) ms)");
  std::vector<double> waits;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), acquired); it != std::sregex_iterator(); ++it) {
    waits.push_back(std::stod((*it)[1].str()));
  }
  return waits;
}

// The largest value of `metric` in a Prometheus text exposition, over the series whose labels
// contain `with`; nullopt when there is none.
std::optional<double> largest_sample(const std::string& text, const std::string& metric, const std::string& with = "") {
  std::optional<double> largest;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(metric + "{", 0) != 0 || line.find(with) == std::string::npos) continue;
    const double value = std::stod(line.substr(line.rfind(' ') + 1));
    largest = std::max(largest.value_or(value), value);
  }
  return largest;
}

// Two servers whose database app holds t (`baseline_sql`); the shadow's with `shadow_settings`.
struct ServerPair {
  explicit ServerPair(std::vector<std::string> shadow_settings = {}, std::string sql = kBaseline)
      : baseline_sql(std::move(sql)), shadow_server(std::move(shadow_settings)) {}
  const std::string baseline_sql;
  const TestServer baseline_server;
  const TestServer shadow_server;
  const std::string baseline = baseline_server.create_database("app", baseline_sql);
  const std::string shadow = shadow_server.create_database("app", baseline_sql);
};

// The first row of a query, its values joined by '|'.
std::string first_row(const std::string& conninfo, const std::string& query) {
  pqxx::connection connection(conninfo);
  pqxx::nontransaction work(connection);
  const pqxx::row row = work.exec1(query);
  std::string text;
  for (const auto& field : row) text += (text.empty() ? "" : "|") + std::string(field.c_str());
  return text;
}

// `pgshadow verify` on the pair in DSN mode: dir's capture.jsonl in timed order, with dir's
// `migration` file applied during the replay, and the `options` given.
Outcome verify_during(const ServerPair& servers, const TempDir& dir, const std::string& migration,
                      const std::vector<std::string>& options) {
  std::vector<std::string> arguments = {"verify", "--baseline-dsn", servers.baseline, "--shadow-dsn", servers.shadow,
                                        "--migration", dir.file(migration), "--capture", dir.file("capture.jsonl"),
                                        "--order", "timed"};
  arguments.insert(arguments.end(), options.begin(), options.end());
  arguments.emplace_back("--no-color");
  return run_pgshadow(Run(arguments));
}

// The lock `mode` on `relation` some migration statement took, or null.
json migration_lock(const json& impact, const std::string& relation, const std::string& mode) {
  for (const auto& statement : impact["statements"]) {
    for (const auto& lock : statement["locks"]) {
      if (lock["relation"] == relation && lock["mode"] == mode) return lock;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("the wait behind the migration's lock is the one the shadow server logged", "[locks]") {
  // deadlock_timeout 20ms: every lock wait longer than that is logged when it ends.
  const ServerPair servers({"log_lock_waits = on", "deadlock_timeout = '20ms'"});

  TempDir dir;
  // One INSERT a second from its own session; the migration (at 2 s) holds a SHARE lock on t
  // for 2.5 s in its own transaction, so the INSERT of second 3 queues behind it.
  std::string capture = capture_header() + "\n";
  for (int second = 0; second < 7; ++second) {
    capture += capture_event(second, "INSERT INTO t VALUES (" + std::to_string(second) + ", 'n')",
                             "s" + std::to_string(second)) + "\n";
  }
  dir.write("capture.jsonl", capture);
  dir.write("001_lock.sql", "BEGIN;\nLOCK TABLE t IN SHARE MODE;\nSELECT pg_sleep(2.5);\nCOMMIT;\n");
  const std::string report_path = dir.file("report.json");
  OnePushGateway gateway;
  const Outcome run = verify_during(servers, dir, "001_lock.sql",
                                    {"--migrate-during", "2s", "--max-blocked", "200ms", "--report", report_path,
                                     "--markdown", dir.file("report.md"), "--html", dir.file("report.html"), "--junit",
                                     dir.file("junit.xml"), "--pushgateway", gateway.url(), "--run-id", "locks"});
  INFO("stdout:\n" << run.out << "\nstderr:\n" << run.err);
  CHECK(run.exit_status == 0);
  const json report = json::parse(read_file(report_path));
  CHECK(e2e::valid_against_report_schema(report_path));
  const json& impact = report["lock_impact"];
  INFO("lock_impact: " << impact.dump(2));
  REQUIRE(impact.is_object());
  CHECK(report["verdict"] == "review");
  CHECK(impact["verdict"] == "review");
  CHECK(impact["failed_by_migration"] == 0);
  CHECK(impact["before_mismatches"] == 0);
  CHECK(impact["statements_by_phase"]["before"].get<int>() >= 1);
  CHECK(impact["statements_by_phase"]["after"].get<int>() >= 1);

  // The migration's LOCK TABLE held SHARE on t, as pg_locks showed it.
  bool share_held = false;
  for (const auto& statement : impact["statements"]) {
    for (const auto& lock : statement["locks"]) {
      share_held = share_held || (lock["relation"] == "t" && lock["mode"] == "ShareLock" && lock["granted"] == true &&
                                  lock["held_ms"].get<double>() > 0);
    }
  }
  CHECK(share_held);
  // The table it locked, counted once the migration ended: the rows inserted before it (at 0,
  // 1 s), and any of the rest that ran by then.
  REQUIRE(impact["relation_sizes"].size() == 1);
  CHECK(impact["relation_sizes"][0]["relation"] == "t");
  CHECK(impact["relation_sizes"][0]["rows"].get<int>() >= 2);
  CHECK(impact["relation_sizes"][0]["rows"].get<int>() <= 7);
  CHECK(impact["relation_sizes"][0]["bytes"].get<int>() > 0);
  CHECK_THAT(run.out, Catch::Contains("    measured on t: "));

  // What the shadow server logged: at least one INSERT waited for its RowExclusiveLock. The
  // longest wait pgshadow reports starts at the same pg_locks.waitstart and ends when it saw the
  // wait over (a check every 10 ms, or the result): not shorter than the server's, and longer
  // only by how late the replay looked.
  const std::vector<double> logged = logged_lock_waits(servers.shadow_server.log());
  INFO("shadow server log:\n" << servers.shadow_server.log());
  REQUIRE(!logged.empty());
  const double logged_max = *std::max_element(logged.begin(), logged.end());
  const double reported_max = impact["shadow_behind_migration"]["max_ms"].get<double>();
  CHECK(impact["shadow_behind_migration"]["count"].get<std::size_t>() >= logged.size());
  CHECK(reported_max >= logged_max - 20.0);
  CHECK(reported_max <= logged_max + 1000.0);
  // The baseline had no migration: nothing waited there.
  for (const auto& shape : impact["shapes"]) CHECK(shape["baseline_waits"]["count"] == 0);

  SECTION("every report format and the pushed metrics say the same") {
    const std::string markdown = read_file(dir.file("report.md"));
    INFO("Markdown:\n" << markdown);
    CHECK_THAT(markdown, Catch::Contains("### Lock impact: review"));
    CHECK_THAT(markdown, Catch::Contains("| ShareLock on t |"));
    const std::string html = read_file(dir.file("report.html"));
    CHECK_THAT(html, Catch::Contains("<span id=\"lock-impact-verdict\" class=\"verdict v-review\">review</span>"));
    CHECK_THAT(html, Catch::Contains("<td>ShareLock on t</td>"));
    CHECK_THAT(html, Catch::Contains("id=\"migration-window\""));  // the timeline marks when it ran
    const std::string junit = read_file(dir.file("junit.xml"));
    CHECK_THAT(junit, Catch::Contains("<testcase name=\"lock impact of the migration\" classname=\"pgshadow.migration.locks\""));
    CHECK_THAT(junit, Catch::Contains("<skipped message=\"review: applied on the shadow "));

    const std::string push = gateway.request(std::chrono::seconds(10));
    INFO("push:\n" << push);
    CHECK_THAT(push, Catch::Contains("\npgshadow_lock_impact_verdict_level{run=\"locks\",shard=\"0\"} 1\n"));
    const std::optional<double> pushed_max = largest_sample(push, "pgshadow_lock_wait_behind_migration_max_seconds");
    REQUIRE(pushed_max.has_value());
    CHECK(*pushed_max == Approx(reported_max / 1000.0).epsilon(1e-6));
    const std::optional<double> held = largest_sample(push, "pgshadow_migration_lock_seconds", "mode=\"ShareLock\",relation=\"t\",stage=\"held\"");
    REQUIRE(held.has_value());
    CHECK(*held > 0);
  }
}

TEST_CASE("behind the migration a statement waits as long as its own session lets it, not the replay's lock_timeout",
          "[locks]") {
  const ServerPair servers;

  TempDir dir;
  // The migration (at 2 s) holds SHARE on t for 8.5 s, longer than the replay's default
  // lock_timeout of 5 s. "impatient" set its own lock_timeout of 1 s, as the application did,
  // and gives up; "patient" (sent when that ends: they did not overlap in production) set none
  // and waits the rest out, some 7.5 s (the margin over 5 s absorbs a loaded machine's delays).
  const std::string capture = capture_header() + "\n" +
                              capture_event(0, "INSERT INTO t VALUES (0, 'n')", "patient") + "\n" +
                              capture_event(1, "SET lock_timeout = '1s'", "impatient") + "\n" +
                              capture_event(2, "INSERT INTO t VALUES (2, 'n')", "impatient") + "\n" +
                              capture_event(3, "INSERT INTO t VALUES (3, 'n')", "patient") + "\n" +
                              capture_event(12, "INSERT INTO t VALUES (12, 'n')", "patient") + "\n";
  dir.write("capture.jsonl", capture);
  dir.write("001_lock.sql", "BEGIN;\nLOCK TABLE t IN SHARE MODE;\nSELECT pg_sleep(8.5);\nCOMMIT;\n");
  const std::string report_path = dir.file("report.json");
  const Outcome run = verify_during(servers, dir, "001_lock.sql",
                                    {"--migrate-during", "2s", "--report", report_path});
  INFO("stdout:\n" << run.out << "\nstderr:\n" << run.err);
  const json report = json::parse(read_file(report_path));
  const json& impact = report["lock_impact"];
  INFO("lock_impact: " << impact.dump(2));
  REQUIRE(impact.is_object());
  // Only the session's own lock_timeout failed a statement: breaking, because of the migration.
  CHECK(impact["failed_by_migration"] == 1);
  CHECK(impact["verdict"] == "breaking");
  CHECK(report["verdict"] == "breaking");
  CHECK(run.exit_status == 1);
  // The patient INSERT waited past the old 5 s behind the migration, and then ran.
  CHECK(impact["shadow_behind_migration"]["max_ms"].get<double>() >= 5000.0);
  std::size_t shadow_only_lock_failures = 0;
  for (const auto& shape : report["shapes"]) {
    shadow_only_lock_failures += shape["shadow_errors"].value("55P03", std::size_t{0});
  }
  CHECK(report["classes"]["error_shadow_only"] == 1);
  CHECK(shadow_only_lock_failures == 1);
}

TEST_CASE("by default the migration starts before the busiest 5 s of the capture", "[locks]") {
  const ServerPair servers;

  TempDir dir;
  // One statement at 0, 3, 6 and 9 s, ten at 12 s, one at 13 s: the 5 s holding the most starts
  // run from the one at 9 s (12 statements) to 13 s.
  std::string capture = capture_header() + "\n";
  int id = 0;
  for (int second : {0, 3, 6, 9, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12, 13}) {
    capture += capture_event(second, "INSERT INTO t VALUES (" + std::to_string(id) + ", 'n')",
                             "s" + std::to_string(id)) + "\n";
    ++id;
  }
  dir.write("capture.jsonl", capture);
  dir.write("001_add.sql", "ALTER TABLE t ADD COLUMN added int;\n");
  const std::string report_path = dir.file("report.json");
  const Outcome run = verify_during(servers, dir, "001_add.sql",
                                    {"--speed", "4", "--migrate-during", "--report", report_path});
  INFO("stdout:\n" << run.out << "\nstderr:\n" << run.err);
  CHECK(run.exit_status == 0);
  const json report = json::parse(read_file(report_path));
  CHECK(e2e::valid_against_report_schema(report_path));
  const json& impact = report["lock_impact"];
  INFO("lock_impact: " << impact.dump(2));
  REQUIRE(impact.is_object());
  CHECK(impact["at_capture_s"].get<double>() == Approx(9.0));
  CHECK(impact["at_chosen"] == "the busiest stretch (12 statements started in the 5 s from there)");
  CHECK(impact["statements_by_phase"]["before"] == 3);
  CHECK_THAT(run.out, Catch::Contains("9.0 s into the capture: the busiest stretch (12 statements"));
}

TEST_CASE("a migration queued behind a long transaction names what that transaction runs", "[locks]") {
  const ServerPair servers;

  TempDir dir;
  // "report" reads t and sleeps in one transaction from 0 s to about 3 s; the migration (at
  // 1 s) needs ACCESS EXCLUSIVE on t and queues behind it.
  const std::string capture = capture_header() + "\n" + capture_event(0, "BEGIN", "report") + "\n" +
                              capture_event(0, "SELECT count(*) FROM t", "report") + "\n" +
                              capture_event(0, "SELECT pg_sleep(3)", "report") + "\n" +
                              capture_event(1, "SELECT 1", "other") + "\n" +
                              capture_event(4, "COMMIT", "report") + "\n";
  dir.write("capture.jsonl", capture);
  dir.write("001_add.sql", "ALTER TABLE t ADD COLUMN added int;\n");
  const std::string report_path = dir.file("report.json");
  const Outcome run = verify_during(servers, dir, "001_add.sql",
                                    {"--migrate-during", "1s", "--report", report_path, "--markdown",
                                     dir.file("report.md")});
  INFO("stdout:\n" << run.out << "\nstderr:\n" << run.err);
  const json report = json::parse(read_file(report_path));
  CHECK(e2e::valid_against_report_schema(report_path));
  const json& impact = report["lock_impact"];
  INFO("lock_impact: " << impact.dump(2));
  REQUIRE(impact.is_object());
  const json exclusive = migration_lock(impact, "t", "AccessExclusiveLock");
  REQUIRE(exclusive.is_object());
  CHECK(exclusive["waited_ms"].get<double>() > 500.0);
  CHECK(exclusive["blocked_by"] == json::array({"SELECT pg_sleep($1)"}));
  CHECK_THAT(read_file(dir.file("report.md")), Catch::Contains("behind SELECT pg_sleep($1)"));
  CHECK_THAT(run.out, Catch::Contains("behind SELECT pg_sleep($1)"));
}

TEST_CASE("a long transaction the migration queues behind ends at its production time, not sooner", "[locks]") {
  const ServerPair servers;

  TempDir dir;
  // "report" reads t at 0 s and stays idle in its transaction until its COMMIT at 3 s. The
  // migration starts before the INSERT of 2 s and queues behind it; the INSERT queues behind the
  // migration, and the SELECT after it waits for the INSERT (they did not overlap in
  // production). Nothing can go on, but the replay must not run the COMMIT ahead of its
  // production time: the migration waited about a second in production, and must here too.
  const std::string capture = capture_header() + "\n" + capture_event(0, "BEGIN", "report") + "\n" +
                              capture_event(0, "SELECT count(*) FROM t", "report") + "\n" +
                              capture_event(2, "INSERT INTO t VALUES (1, 'n')", "writer") + "\n" +
                              capture_event(2, "SELECT 2", "reader") + "\n" +
                              capture_event(3, "COMMIT", "report") + "\n";
  dir.write("capture.jsonl", capture);
  dir.write("001_add.sql", "ALTER TABLE t ADD COLUMN added int;\n");
  const std::string report_path = dir.file("report.json");
  const Outcome run = verify_during(servers, dir, "001_add.sql",
                                    {"--migrate-during", "1s", "--report", report_path});
  INFO("stdout:\n" << run.out << "\nstderr:\n" << run.err);
  const json report = json::parse(read_file(report_path));
  const json& impact = report["lock_impact"];
  INFO("lock_impact: " << impact.dump(2));
  REQUIRE(impact.is_object());
  const json exclusive = migration_lock(impact, "t", "AccessExclusiveLock");
  REQUIRE(exclusive.is_object());
  CHECK(exclusive["waited_ms"].get<double>() > 700.0);
  CHECK(exclusive["blocked_by"] == json::array({"SELECT count(*) FROM t"}));
  // The INSERT waited behind the migration for as long.
  CHECK(impact["shadow_behind_migration"]["max_ms"].get<double>() > 700.0);
  CHECK(report["accounting"]["balanced"] == true);
}

TEST_CASE("scale-table: grows both sides alike before the migration meets the table, and the report says so",
          "[locks]") {
  const char* baseline =
      "CREATE TABLE t (id int PRIMARY KEY, note text); GRANT ALL ON t TO app; "
      "INSERT INTO t SELECT g, 'n' || g % 7 FROM generate_series(1, 1000) AS g;";
  const ServerPair servers({}, baseline);
  TempDir dir;
  // The traffic's own keys (above the originals) never meet the copies' (below them).
  std::string capture = capture_header() + "\n";
  for (int second = 0; second < 4; ++second) {
    capture += capture_event(second, "INSERT INTO t VALUES (" + std::to_string(1001 + second) + ", 'new')",
                             "s" + std::to_string(second)) + "\n";
  }
  capture += capture_event(4, "SELECT count(*) FROM t", "s9") + "\n";
  dir.write("capture.jsonl", capture);
  dir.write("001_index.sql", "CREATE INDEX t_note ON t (note);\n");
  const std::string report_path = dir.file("report.json");
  const Outcome run = verify_during(servers, dir, "001_index.sql",
                                    {"--migrate-during", "50%", "--scale-table", "t=200k", "--report", report_path,
                                     "--markdown", dir.file("report.md")});
  INFO("stdout:\n" << run.out << "\nstderr:\n" << run.err);
  CHECK(run.exit_status == 0);
  const json report = json::parse(read_file(report_path));
  CHECK(e2e::valid_against_report_schema(report_path));
  CHECK(report["servers"]["scaled_tables"] ==
        json::parse(R"([{"table": "t", "rows_before": 1000, "rows_after": 200000, "moved_columns": ["id"]}])"));
  // The index was built on the grown table: the lock impact measured it at that size.
  const json sizes = report["lock_impact"]["relation_sizes"];
  INFO("relation_sizes: " << sizes.dump());
  REQUIRE(sizes.size() == 1);
  // Measured when the migration ended: the copies and the traffic's rows inserted until then.
  CHECK(sizes[0]["rows"].get<int>() >= 200000);
  CHECK(sizes[0]["rows"].get<int>() <= 200004);
  // The index's own lock: on a relation the watch saw by OID while the migration ran, named once it committed.
  CHECK(migration_lock(report["lock_impact"], "t_note (created by the migration)", "AccessExclusiveLock").is_object());
  CHECK_THAT(run.out, Catch::Contains("scaled     t: 1000 rows grown to 200000 by copies (new values in id)"));
  CHECK_THAT(read_file(dir.file("report.md")),
             Catch::Contains("Tables: t grown from 1000 to 200000 rows by copies (--scale-table)."));
  // The count the traffic read is the same on both sides, and so is every row.
  CHECK(report["classes"]["match"] == 5);
  const char* contents = "SELECT count(*), md5(string_agg(id || ':' || note, ',' ORDER BY id)) FROM t";
  CHECK(first_row(servers.baseline, contents) == first_row(servers.shadow, contents));
  CHECK_THAT(first_row(servers.shadow, contents), Catch::StartsWith("200004|"));
}

TEST_CASE("a parallel index build the traffic waits behind is the migration's wait, not a stall", "[locks]") {
  // Every row costs the index expression a millisecond, and the build runs in a leader and a
  // worker (pg_blocking_pids then names the leader twice): about 3 s of SHARE lock on t.
  const char* baseline =
      "CREATE TABLE t (id int PRIMARY KEY, note text) WITH (parallel_workers = 1); GRANT ALL ON t TO app; "
      "CREATE TABLE other (id int); GRANT ALL ON other TO app; "
      "INSERT INTO t SELECT g, 'n' FROM generate_series(1, 3000) AS g; "
      "CREATE FUNCTION slow(value int) RETURNS int LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS "
      "$$ BEGIN PERFORM pg_sleep(0.001); RETURN value; END $$;";
  const ServerPair servers({}, baseline);
  TempDir dir;
  std::string capture = capture_header() + "\n";
  capture += capture_event(0, "SELECT count(*) FROM other", "s1") + "\n";
  capture += capture_event(2, "SELECT count(*) FROM other", "s1") + "\n";  // the migration starts before it
  capture += capture_event(3, "UPDATE t SET note = 'u' WHERE id = 1", "s2") + "\n";
  capture += capture_event(4, "SELECT count(*) FROM other", "s3") + "\n";  // after the UPDATE in production
  capture += capture_event(12, "SELECT note FROM t WHERE id = 1", "s1") + "\n";
  dir.write("capture.jsonl", capture);
  dir.write("001_index.sql", "SET max_parallel_maintenance_workers = 1;\nCREATE INDEX t_slow ON t (slow(id));\n");
  const std::string report_path = dir.file("report.json");
  const Outcome run =
      verify_during(servers, dir, "001_index.sql", {"--migrate-during", "2s", "--max-blocked", "200ms", "--report", report_path});
  INFO("stdout:\n" << run.out << "\nstderr:\n" << run.err);
  const json report = json::parse(read_file(report_path));
  const json& impact = report["lock_impact"];
  INFO("lock_impact: " << impact.dump(2));
  REQUIRE(impact.is_object());
  CHECK(migration_lock(impact, "t", "ShareLock").is_object());
  CHECK(impact["shadow_behind_migration"]["count"] == 1);
  CHECK(impact["verdict"] == "review");
  // The read that came after the UPDATE in production was held back behind it, and counted so:
  // with the leader counted twice the wait read as a stall, and nothing was held "behind the
  // migration".
  CHECK(impact["queued_behind_migration"]["count"].get<int>() >= 1);
  // Due at 4 s, sent once the UPDATE ended (the build holds its lock until about 5.3 s).
  CHECK(impact["queued_behind_migration"]["max_ms"].get<double>() >= 500);
  CHECK(report["classes"]["match"] == 5);
}

}  // namespace pgshadow::hostile
