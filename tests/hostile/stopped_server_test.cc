// A server that stops answering (SIGSTOP: a hung host, a frozen VM) does not hang the run:
// every wait on a server has a deadline and wakes on a signal.
// Before: the replay waited for the statement in flight for ever (poll without end, PQcancel
// with no timeout), and SIGTERM was not honoured (its cancel waited on the stopped server).
#include <signal.h>

#include <catch2/catch.hpp>
#include <thread>

#include "hostile_support.h"

namespace pgshadow::hostile {
namespace {

using namespace std::chrono_literals;

const std::string kSleep = "SELECT pg_sleep(60)";

struct StoppedServerRun {
  TestServer server;
  TempDir dir;
  std::string baseline;
  std::string shadow;

  StoppedServerRun() {
    baseline = server.create_database("base", "");
    shadow = server.create_database("shadow", "");
    dir.write("capture.jsonl", capture_header() + "\n" + capture_event(1, kSleep) + "\n" +
                                   capture_event(20, "SELECT 1", "s2") + "\n" + capture_event(21, "SELECT 2", "s2") + "\n");
  }
  ~StoppedServerRun() { server.continue_all_processes(); }

  // statement_timeout: long enough for the test to stop the server while the statement sleeps.
  Run command(const std::string& statement_timeout = "6s") const {
    return Run({"verify", "--baseline-dsn", baseline, "--shadow-dsn", shadow, "--capture", dir.file("capture.jsonl"),
                "--statement-timeout", statement_timeout, "--report", dir.file("report.json")});
  }
  bool sleeping_on_both_sides() const {
    return server.query("postgres",
                        "SELECT count(*) FROM pg_stat_activity WHERE query = '" + kSleep + "' AND state = 'active'") == "2\n";
  }
};

}  // namespace

TEST_CASE("a server stopped mid-statement: the run gives up at the deadline and accounts for everything", "[stopped][server]") {
  StoppedServerRun fixture;
  RunningPgshadow run(fixture.command());
  REQUIRE(eventually([&] { return fixture.sleeping_on_both_sides(); }, 60s));
  fixture.server.stop_all_processes();
  // statement_timeout 6 s + 10 s of grace, a cancel the server does not take (5 s): well within
  // two minutes.
  const Outcome outcome = run.wait(120s);
  fixture.server.continue_all_processes();
  INFO(outcome.out << outcome.err);
  REQUIRE_FALSE(outcome.hung);
  CHECK(outcome.exit_status == 3);
  const json report = json::parse(read_file(fixture.dir.file("report.json")));
  CHECK(report["accounting"]["events"] == 3);
  CHECK(report["accounting"]["failed"] == 3);
  CHECK(report["accounting"]["balanced"] == true);
  // The statement in flight, then the rest, with the reason: whichever wait on the stopped server
  // (the statement's own, or a lock check's) ran out first.
  std::uint64_t in_flight = 0;
  std::uint64_t not_replayed = 0;
  for (const auto& [reason, count] : report["accounting"]["failed_by_reason"].items()) {
    INFO(reason);
    const bool stopped_answering = reason.find(" server no longer answers connections") != std::string::npos ||
                                   reason.find(" server within ") != std::string::npos;
    CHECK(stopped_answering);
    (reason.starts_with("not replayed: ") ? not_replayed : in_flight) += count.get<std::uint64_t>();
  }
  CHECK(in_flight == 1);
  CHECK(not_replayed == 2);
}

TEST_CASE("a server stopped mid-statement: SIGTERM still ends the run at once", "[stopped][server]") {
  StoppedServerRun fixture;
  RunningPgshadow run(fixture.command("10min"));
  REQUIRE(eventually([&] { return fixture.sleeping_on_both_sides(); }, 60s));
  fixture.server.stop_all_processes();
  std::this_thread::sleep_for(1s);
  run.signal(SIGTERM);
  // The cancel goes unanswered: given up after 5 s.
  const Outcome outcome = run.wait(30s);
  fixture.server.continue_all_processes();
  INFO(outcome.out << outcome.err);
  CHECK_FALSE(outcome.hung);
  CHECK(outcome.exit_status == 128 + SIGTERM);
}

TEST_CASE("a server that does not answer connections: the connection gives up at its timeout", "[stopped][server]") {
  StoppedServerRun fixture;
  fixture.server.stop_all_processes();
  Run command = fixture.command();
  command.arguments[2] = fixture.baseline + " connect_timeout=3";
  const Outcome outcome = run_pgshadow(command);
  fixture.server.continue_all_processes();
  INFO(outcome.err);
  CHECK_FALSE(outcome.hung);
  CHECK(outcome.exit_status == 3);
  // Asked which server it is, the stopped server never answers: libpq gives up at connect_timeout.
  CHECK_THAT(outcome.err, Catch::Contains("to ask which server it is (--baseline-dsn)"));
  CHECK_THAT(outcome.err, Catch::EndsWith("failed: timeout expired\n"));
}

}  // namespace pgshadow::hostile
