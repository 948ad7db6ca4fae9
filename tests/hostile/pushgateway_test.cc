// The push to a Pushgateway that accepts the connection and never answers ends at its timeout:
// the run finishes with its own exit status and says why the push failed.
// Before: prometheus-cpp's Gateway waited for the answer for ever, and the run never ended.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "hostile_support.h"

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

}  // namespace pgshadow::hostile
