// What replayed and migration statements say, and what they are not allowed to say.
// Before: NOTICE/WARNING texts of replayed statements reached the terminal raw (libpq's default
// notice processor); a RAISE ... USING ERRCODE message in a migration appeared in default reports
// (its SQLSTATE class looked data-free); a NUL byte in a captured statement was sent cut short; a
// statement that timed out on both sides was a match; a migration that dropped the baseline's
// database was an infrastructure failure; the unknown-prefix error quoted the log line.
#include <catch2/catch.hpp>

#include "hostile_support.h"

namespace pgshadow::hostile {
namespace {

const std::string kOneRowBaseline = "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\n";

}  // namespace

TEST_CASE("NOTICE and WARNING texts of replayed statements never reach the terminal", "[statements][server]") {
  TempDir dir;
  write_scenario(dir, kOneRowBaseline, "ALTER TABLE t ADD COLUMN v int;\n",
                 {capture_event(1, "DO $$ BEGIN RAISE NOTICE 'customer alice@example.com'; END $$"),
                  capture_event(2, "DO $$ BEGIN RAISE WARNING 'card 4111-1111'; END $$"),
                  capture_event(3, "SELECT count(*) FROM t")});
  const Outcome run = run_pgshadow({{"verify", dir.path(), "--report", dir.file("report.json")}});
  INFO(run.out << run.err);
  CHECK(run.exit_status == 0);
  CHECK_THAT(run.out + run.err, !Catch::Contains("alice@example.com") && !Catch::Contains("4111"));
  CHECK_THAT(run.err, !Catch::Contains("NOTICE") && !Catch::Contains("WARNING"));
  CHECK(json::parse(read_file(dir.file("report.json")))["accounting"]["compared"] == 3);
}

TEST_CASE("a user-raised error message in a migration is withheld from default reports", "[statements][server]") {
  TempDir dir;
  // 23505 is a class whose server messages name only objects; this one is the author's text.
  write_scenario(dir, kOneRowBaseline,
                 "DO $$ BEGIN RAISE EXCEPTION 'duplicate customer alice@example.com' USING ERRCODE = '23505'; END $$;\n",
                 {capture_event(1, "SELECT count(*) FROM t")});
  const Outcome run = run_pgshadow({{"verify", dir.path(), "--report", dir.file("report.json"), "--markdown",
                                     dir.file("report.md")}});
  INFO(run.out << run.err);
  CHECK(run.exit_status == 1);
  const json report = json::parse(read_file(dir.file("report.json")));
  CHECK(report["migration"]["failure"]["sqlstate"] == "23505");
  CHECK(report["migration"]["failure"]["message"].is_null());
  CHECK_THAT(run.out + run.err + read_file(dir.file("report.json")) + read_file(dir.file("report.md")),
             !Catch::Contains("alice@example.com"));
  // Asked for, it is there.
  const Outcome literal = run_pgshadow({{"verify", dir.path(), "--report", dir.file("literal.json"), "--include-literals"}});
  CHECK(json::parse(read_file(dir.file("literal.json")))["migration"]["failure"]["message"] ==
        "duplicate customer alice@example.com");
}

TEST_CASE("a migration that drops the baseline's database is a migration finding", "[statements][server]") {
  // Two databases of one server (DSN mode): the migration could reach the baseline.
  TestServer server;
  const std::string baseline = server.create_database("base", kOneRowBaseline);
  const std::string shadow = server.create_database("shadow", kOneRowBaseline);
  TempDir dir;
  dir.write("capture.jsonl", capture_header() + "\n" + capture_event(1, "SELECT count(*) FROM t") + "\n");
  const auto verify = [&](const std::string& migration, const std::string& report) {
    dir.write("001.sql", migration);
    return run_pgshadow({{"verify", "--baseline-dsn", baseline, "--shadow-dsn", shadow, "--migration",
                          dir.file("001.sql"), "--capture", dir.file("capture.jsonl"), "--report", dir.file(report)}});
  };
  const Outcome plain = verify("DROP DATABASE base;\n", "plain.json");
  INFO(plain.out << plain.err);
  CHECK(plain.exit_status == 1);
  const json refused = json::parse(read_file(dir.file("plain.json")));
  CHECK(refused["verdict"] == "breaking");
  CHECK(refused["migration"]["failure"]["sqlstate"] == "55006");  // "is being accessed by other users"
  CHECK(refused["accounting"]["not_replayed"] == 1);
  // WITH (FORCE) ends the watching session and drops it anyway: still the migration's finding.
  const Outcome forced = verify("DROP DATABASE base WITH (FORCE);\n", "forced.json");
  INFO(forced.out << forced.err);
  CHECK(forced.exit_status == 1);
  const json dropped = json::parse(read_file(dir.file("forced.json")));
  CHECK(dropped["migration"]["failure"]["line"] == 1);
  CHECK(dropped["migration"]["failure"]["explanation"] ==
        "the migration reaches outside its own database at " + dir.file("001.sql") +
            ":1: it dropped the baseline's database or ended its sessions");
}

TEST_CASE("embedded, the baseline is out of the migration's reach: it lives in another cluster", "[statements][server]") {
  TempDir dir;
  // The capture's database is "app" on both clusters; the shadow's migration runs in it.
  write_scenario(dir, kOneRowBaseline, "DROP DATABASE app WITH (FORCE);\n", {capture_event(1, "SELECT count(*) FROM t")});
  const Outcome run = run_pgshadow({{"verify", dir.path(), "--report", dir.file("report.json")}});
  INFO(run.out << run.err);
  CHECK(run.exit_status == 1);
  const json report = json::parse(read_file(dir.file("report.json")));
  CHECK(report["migration"]["failure"]["sqlstate"] == "55006");  // "cannot drop the currently open database"
  CHECK(report["accounting"]["not_replayed"] == 1);
}

TEST_CASE("a NUL byte in a captured statement skips it with a reason instead of sending it cut short", "[statements][server]") {
  TempDir dir;
  write_scenario(dir, kOneRowBaseline, "ALTER TABLE t ADD COLUMN v int;\n",
                 {capture_event(1, std::string("SELECT 1; DELETE FROM t") + '\0' + "WHERE id = 1"),
                  capture_event(2, "SELECT $1::text", "s1", json::array({std::string("a") + '\0' + "b"})),
                  capture_event(3, "SELECT count(*) FROM t")});
  const Outcome run = run_pgshadow({{"verify", dir.path(), "--report", dir.file("report.json")}});
  INFO(run.out << run.err);
  CHECK(run.exit_status == 0);
  const json report = json::parse(read_file(dir.file("report.json")));
  CHECK(report["accounting"]["skipped_by_reason"]["a NUL byte in its text: PostgreSQL cannot receive it"] == 1);
  CHECK(report["accounting"]["skipped_by_reason"]["a NUL byte in its parameters: PostgreSQL cannot receive it"] == 1);
  CHECK(report["accounting"]["compared"] == 1);
  CHECK(report["accounting"]["balanced"] == true);
}

TEST_CASE("a statement that timed out on both sides is timed_out, reported, and can fail the gate", "[statements][server]") {
  TempDir dir;
  write_scenario(dir, kOneRowBaseline, "ALTER TABLE t ADD COLUMN v int;\n",
                 {capture_event(1, "SELECT pg_sleep(5)"), capture_event(7, "SELECT count(*) FROM t")});
  const Outcome run = run_pgshadow({{"verify", dir.path(), "--statement-timeout", "1s", "--report", dir.file("report.json")}});
  INFO(run.out << run.err);
  CHECK(run.exit_status == 0);  // review passes unless asked to fail on it
  const json report = json::parse(read_file(dir.file("report.json")));
  CHECK(report["verdict"] == "review");
  CHECK(report["classes"]["timed_out"] == 1);
  CHECK(report["classes"]["match"] == 1);
  CHECK_THAT(run.out, Catch::Contains("timed_out"));
  const Outcome strict = run_pgshadow({{"verify", dir.path(), "--statement-timeout", "1s", "--fail-on", "review"}});
  CHECK(strict.exit_status == 1);
  const Outcome budget = run_pgshadow({{"verify", dir.path(), "--statement-timeout", "1s", "--max", "timed_out=0"}});
  CHECK(budget.exit_status == 1);
}

TEST_CASE("the unknown log_line_prefix error shows the line's form, not its literals", "[statements]") {
  TempDir dir;
  dir.write("postgresql.log", "secret-host 10.1.2.3 alice LOG:  statement: SELECT 'hunter2'\n");
  const Outcome run = run_pgshadow({{"capture", dir.file("postgresql.log"), "--stats"}});
  CHECK(run.exit_status == 2);
  CHECK(run.err == "pgshadow: " + dir.file("postgresql.log") +
                       ":1: no known log_line_prefix matches this log; give --log-line-prefix. First line (letters as a, "
                       "digits as 9) aaaaaa-aaaa 99.9.9.9 aaaaa aaa:  aaaaaaaaa: aaaaaa 'aaaaaa9'\n");
}

}  // namespace pgshadow::hostile
