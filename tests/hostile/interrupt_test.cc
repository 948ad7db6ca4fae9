// The first SIGINT/SIGTERM during a long statement cancels it on the server and pgshadow exits
// promptly, with nothing left running on any server (embedded or DSN).
// Before: SIGTERM during a long migration or baseline statement was ignored until the statement
// ended (pqxx and psql waited for it), and in DSN mode the migration went on running on the
// server after pgshadow had exited.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "hostile_support.h"
#include "one_push_gateway.h"

namespace pgshadow::hostile {
namespace {

using namespace std::chrono_literals;

// How long an interrupted run may take to exit: the cancel and the embedded server's removal,
// on a loaded machine. The statements run for ten minutes.
constexpr auto kPromptly = std::chrono::seconds(45);
const std::string kLongSleep = "SELECT pg_sleep(600)";

std::string running_sleeps(const TestServer& server) {
  return server.query("postgres",
                      "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(600)%' "
                      "AND pid <> pg_backend_pid()");
}

// A DSN-mode replay of `events` (among them kLongSleep) on two databases of a test server of
// its own, stopped by SIGTERM once both sides run the sleep.
struct SleepingReplay {
  TestServer server;
  TempDir dir;
  std::string baseline;
  std::string shadow;

  SleepingReplay(const std::string& schema, const std::vector<std::string>& events)
      : baseline(server.create_database("base", schema)), shadow(server.create_database("shadow", schema)) {
    std::string capture = capture_header() + "\n";
    for (const auto& event : events) capture += event + "\n";
    dir.write("capture.jsonl", capture);
  }

  Outcome sigterm(const std::vector<std::string>& extra) {
    std::vector<std::string> arguments{"verify", "--baseline-dsn", baseline, "--shadow-dsn", shadow,
                                       "--capture", dir.file("capture.jsonl"), "--statement-timeout", "20min"};
    arguments.insert(arguments.end(), extra.begin(), extra.end());
    RunningPgshadow run(Run{arguments});
    REQUIRE(eventually([&] { return running_sleeps(server) == "2\n"; }, 60s));
    run.signal(SIGTERM);
    return run.wait(kPromptly);
  }
};

}  // namespace

TEST_CASE("SIGTERM during a long migration statement in DSN mode cancels it on the server", "[interrupt][server]") {
  TestServer server;
  const std::string baseline = server.create_database("base", "CREATE TABLE t (id int)");
  const std::string shadow = server.create_database("shadow", "CREATE TABLE t (id int)");
  TempDir dir;
  dir.write("migration.sql", kLongSleep + ";\n");
  dir.write("capture.jsonl", capture_header() + "\n" + capture_event(1, "SELECT count(*) FROM t") + "\n");
  RunningPgshadow run({{"verify", "--baseline-dsn", baseline, "--shadow-dsn", shadow, "--migration",
                        dir.file("migration.sql"), "--capture", dir.file("capture.jsonl")}});
  REQUIRE(eventually([&] { return running_sleeps(server) == "1\n"; }, 60s));
  run.signal(SIGTERM);
  const Outcome outcome = run.wait(kPromptly);
  INFO(outcome.err);
  CHECK_FALSE(outcome.hung);
  CHECK(outcome.exit_status == 128 + SIGTERM);
  CHECK(outcome.err == "pgshadow: interrupted\n");
  // Cancelled before pgshadow exited: nothing of the migration still runs.
  CHECK(eventually([&] { return running_sleeps(server) == "0\n"; }, 5s));
}

TEST_CASE("SIGTERM during a long replayed statement in DSN mode cancels it on both servers", "[interrupt][server]") {
  SleepingReplay replay("", {capture_event(1, kLongSleep)});
  const Outcome outcome = replay.sigterm({});
  INFO(outcome.err);
  CHECK_FALSE(outcome.hung);
  CHECK(outcome.exit_status == 128 + SIGTERM);
  CHECK(eventually([&] { return running_sleeps(replay.server) == "0\n"; }, 5s));
}

TEST_CASE("SIGTERM during the replay still writes the reports asked for, marked interrupted", "[interrupt][server]") {
  SleepingReplay replay("CREATE TABLE t (id int); INSERT INTO t VALUES (1)",
                        {capture_event(1, "SELECT count(*) FROM t"), capture_event(2, kLongSleep),
                         capture_event(3, "SELECT id FROM t")});
  const std::string reports = replay.dir.file("reports");
  const Outcome outcome = replay.sigterm({"--no-color", "--report-dir", reports});
  INFO(outcome.out << outcome.err);
  CHECK_FALSE(outcome.hung);
  CHECK(outcome.exit_status == 128 + SIGTERM);
  CHECK_THAT(outcome.err, Catch::StartsWith("pgshadow: interrupted"));
  CHECK_THAT(outcome.out, Catch::Contains("VERDICT: INCOMPLETE (interrupted by SIGTERM during the replay: "));
  const json report = json::parse(read_file(reports + "/report.json"));
  CHECK(report["interrupted"] == json{{"signal", "SIGTERM"}, {"during", "replay"}});
  CHECK(report["accounting"]["compared"].get<int>() >= 1);  // the count before the sleep
  // The sleep the interrupt cancelled was not replayed to its end: failed, not timed_out.
  CHECK(report["accounting"]["failed_by_reason"] == json{{"interrupted: cancelled by pgshadow before it finished", 1}});
  CHECK(report["classes"]["timed_out"] == 0);
  CHECK(read_file(reports + "/report.md").rfind("## ⚠️ pgshadow: INCOMPLETE\n\n- interrupted by SIGTERM during the replay: ", 0) == 0);
  CHECK_THAT(read_file(reports + "/report.html"), Catch::Contains("<li id=\"interrupted\">interrupted by SIGTERM"));
  CHECK(eventually([&] { return running_sleeps(replay.server) == "0\n"; }, 5s));
}

TEST_CASE("SIGTERM during the replay still pushes the run's metrics, with the signal's exit status", "[interrupt][server]") {
  SleepingReplay replay("", {capture_event(1, "SELECT 1"), capture_event(2, kLongSleep)});
  OnePushGateway gateway;
  const Outcome outcome = replay.sigterm({"--run-id", "pr-7", "--pushgateway", gateway.url()});
  INFO(outcome.err);
  CHECK_FALSE(outcome.hung);
  CHECK(outcome.exit_status == 128 + SIGTERM);
  const std::string push = gateway.request(5s);
  CHECK_THAT(push, Catch::StartsWith("PUT /metrics/job/pgshadow/run/pr-7/shard/0 HTTP/1.1\r\n"));
  CHECK_THAT(push, Catch::Contains("\npgshadow_exit_status{run=\"pr-7\",shard=\"0\"} 143\n"));
  CHECK_THAT(push, Catch::Contains("\npgshadow_run_finished{run=\"pr-7\",shard=\"0\"} 1\n"));
}

TEST_CASE("SIGTERM during a long baseline statement stops psql, the server and its directory", "[interrupt][server]") {
  ServerParent parent;
  TempDir dir;
  write_scenario(dir, "CREATE TABLE t (id int);\n" + kLongSleep + ";\n", "ALTER TABLE t ADD COLUMN v int;\n",
                 {capture_event(1, "SELECT count(*) FROM t")});
  Run command({"verify", dir.path()});
  command.environment = {"TMPDIR=" + parent.path()};
  RunningPgshadow run(command);
  // psql loads the baseline with the cluster's socket in its command line.
  REQUIRE(eventually([&] {
    for (pid_t pid : processes_mentioning(parent.path())) {
      if (read_file("/proc/" + std::to_string(pid) + "/comm") == "psql\n") return true;
    }
    return false;
  }, 90s));
  std::this_thread::sleep_for(1s);  // into the long statement
  run.signal(SIGTERM);
  const Outcome outcome = run.wait(kPromptly);
  INFO(outcome.err);
  CHECK_FALSE(outcome.hung);
  CHECK(outcome.exit_status == 128 + SIGTERM);
  CHECK(outcome.err == "pgshadow: starting two embedded PostgreSQL clusters and loading the baseline...\npgshadow: interrupted\n");
  CHECK(eventually([&] { return parent.empty() && processes_mentioning(parent.path()).empty(); }, 30s));
}

TEST_CASE("SIGINT during a long migration statement of the embedded server stops everything", "[interrupt][server]") {
  ServerParent parent;
  TempDir dir;
  write_scenario(dir, "CREATE TABLE t (id int);\n", kLongSleep + ";\n", {capture_event(1, "SELECT count(*) FROM t")});
  Run command({"verify", dir.path()});
  command.environment = {"TMPDIR=" + parent.path()};
  RunningPgshadow run(command);
  // The migration's backend shows its statement in its process title.
  REQUIRE(eventually([&] { return postmaster_running(parent.path(), " app [local] SELECT") != 0; }, 90s));
  run.signal(SIGINT);
  const Outcome outcome = run.wait(kPromptly);
  INFO(outcome.err);
  CHECK_FALSE(outcome.hung);
  CHECK(outcome.exit_status == 128 + SIGINT);
  CHECK(outcome.err == "pgshadow: starting two embedded PostgreSQL clusters and loading the baseline...\npgshadow: interrupted\n");
  CHECK(eventually([&] { return parent.empty() && processes_mentioning(parent.path()).empty(); }, 30s));
}

}  // namespace pgshadow::hostile
