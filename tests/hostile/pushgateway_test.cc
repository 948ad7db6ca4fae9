// The push to a Pushgateway that accepts the connection and never answers ends at its timeout:
// the run finishes with its own exit status and says why the push failed.
// Before: prometheus-cpp's Gateway waited for the answer for ever, and the run never ended.
// A run that replayed and then stops with an error still ends its pushed metrics with its
// exit status. Before: a run that compared nothing (exit 2) pushed nothing at its end.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <regex>

#include "hostile_support.h"
#include "one_push_gateway.h"

namespace pgshadow::hostile {

TEST_CASE("a Pushgateway that never answers: the push times out, the run ends with its verdict", "[push][server]") {
  // Listening, never accepting: the kernel completes the handshake and nobody answers.
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), length) == 0);
  REQUIRE(listen(listener, 8) == 0);
  REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const std::string gateway = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));

  TempDir dir;
  write_scenario(dir, "CREATE TABLE t (id int);\n", "ALTER TABLE t ADD COLUMN v int;\n",
                 {capture_event(1, "SELECT count(*) FROM t")});
  Run run({"verify", dir.path(), "--pushgateway", gateway});
  run.deadline = std::chrono::seconds(180);
  const Outcome outcome = run_pgshadow(run);
  close(listener);
  INFO(outcome.err);
  CHECK_FALSE(outcome.hung);
  CHECK(outcome.exit_status == 0);
  CHECK_THAT(outcome.err, Catch::Contains("pgshadow: cannot push metrics to " + gateway + ": no answer within 10 s\n"));
}

TEST_CASE("a run that compared nothing still ends its pushed metrics with exit status 2", "[push][server]") {
  OnePushGateway gateway;
  TempDir dir;
  // COPY ... FROM STDIN is skipped by every replay (its rows are not in the log): nothing compared.
  write_scenario(dir, "CREATE TABLE t (id int);\n", "ALTER TABLE t ADD COLUMN v int;\n",
                 {capture_event(1, "COPY t FROM STDIN")});
  Run run({"verify", dir.path(), "--run-id", "pr-8", "--pushgateway", gateway.url()});
  run.deadline = std::chrono::seconds(180);
  const Outcome outcome = run_pgshadow(run);
  INFO(outcome.err);
  CHECK_FALSE(outcome.hung);
  CHECK(outcome.exit_status == 2);
  CHECK_THAT(outcome.err, Catch::Contains("nothing was compared: all 1 events of the capture were skipped"));
  const std::string push = gateway.request(std::chrono::seconds(5));
  // The labels also name the scenario, after the scenario's (temporary) directory.
  const auto pushed = [&](const std::string& metric, const std::string& value) {
    return std::regex_search(push, std::regex("\n" + metric + "\\{run=\"pr-8\",scenario=\"[^\"]+\",shard=\"0\"\\} " + value + "\n"));
  };
  CHECK(pushed("pgshadow_exit_status", "2"));
  CHECK(pushed("pgshadow_run_finished", "1"));
}

}  // namespace pgshadow::hostile
