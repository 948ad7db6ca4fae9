// Opening connections side by side on one thread: pg::ConnectionOpening, stepped by the caller's
// poll (the replay's way: a new session's connections open among the statements in flight), and
// pg::SessionConnection::open_together over it. Each result is its own request's, with its
// settings applied, a refused setting named, and a server that does not answer named by its
// address, at its connect_timeout or at the interrupt.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "pgshadow/pg/connection_opening.h"
#include "pgshadow/pg/session_connection.h"
#include "replay_harness.h"

namespace pgshadow::replay {
namespace {

// A TCP port that takes connections into its backlog and never answers: libpq's startup packet
// goes out and nothing comes back, as from a server that stopped (SIGSTOP) after listen().
class SilentListener {
 public:
  SilentListener() : socket_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(socket_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(socket_, 8) == 0);
    socklen_t length = sizeof address;
    REQUIRE(::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { ::close(socket_); }
  std::string conninfo(int connect_timeout_s) const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " user=x connect_timeout=" + std::to_string(connect_timeout_s);
  }

 private:
  int socket_;
  int port_ = 0;
};

// Steps every opening not done on one poll, until `until` says stop or none is left.
void step_until(const std::vector<pg::ConnectionOpening*>& openings, const std::function<bool()>& until) {
  while (!until()) {
    std::vector<pollfd> descriptors;
    std::vector<pg::ConnectionOpening*> waiting;
    for (pg::ConnectionOpening* opening : openings) {
      if (opening->done()) continue;
      descriptors.push_back({opening->socket(), opening->events(), 0});
      waiting.push_back(opening);
    }
    if (waiting.empty()) return;
    const int ready = ::poll(descriptors.data(), descriptors.size(), 100);
    for (std::size_t at = 0; at < waiting.size(); ++at) waiting[at]->step(ready > 0 && descriptors[at].revents != 0);
  }
}

}  // namespace

TEST_CASE("connections opened together each get their own settings, and each failure is its own", "[replay][connect]") {
  const ReplayTargets targets = cluster().fresh_pair("", "");
  using Request = pg::SessionConnection::ConnectRequest;
  std::vector<Request> requests = {
      Request{targets.baseline_conninfo, {{"statement_timeout", "7s"}, {"application_name", "it's baseline"}}, {}},
      Request{targets.shadow_conninfo, {{"lock_timeout", "3s"}}, {}},
      Request{targets.shadow_conninfo, {{"statement_timeout", "7s"}, {"lock_timeout", "soon"}}, {}},
      Request{"host=127.0.0.1 port=1 connect_timeout=2", {}, "the shadow"},
  };
  auto opened = pg::SessionConnection::open_together(requests);
  REQUIRE(opened.size() == 4);

  REQUIRE(opened[0].ok());
  CHECK(opened[0].value()->query_scalar("SHOW statement_timeout").value() == "7s");
  CHECK(opened[0].value()->query_scalar("SHOW application_name").value() == "it's baseline");
  REQUIRE(opened[1].ok());
  CHECK(opened[1].value()->query_scalar("SHOW lock_timeout").value() == "3s");
  CHECK(opened[1].value()->backend_pid() != opened[0].value()->backend_pid());

  REQUIRE_FALSE(opened[2].ok());
  CHECK(opened[2].error().kind == ErrorKind::kBadInput);
  CHECK(opened[2].error().message.find("cannot set lock_timeout to 'soon'") == 0);

  REQUIRE_FALSE(opened[3].ok());
  CHECK(opened[3].error().kind == ErrorKind::kInfrastructure);
  CHECK(opened[3].error().message.find("cannot connect to ") == 0);
  CHECK(opened[3].error().message.find(" to the shadow: ") != std::string::npos);
}

TEST_CASE("a connection being opened never holds the thread: another opens and runs beside a server that does not answer",
          "[replay][connect]") {
  const ReplayTargets targets = cluster().fresh_pair("", "");
  const SilentListener silent;
  std::atomic<bool> interrupted{false};
  pg::ConnectionOpening stuck({silent.conninfo(60), {}, {}}, &interrupted);
  pg::ConnectionOpening live({targets.baseline_conninfo, {{"statement_timeout", "9s"}}, {}}, &interrupted);
  CHECK_FALSE(stuck.done());
  CHECK(stuck.deadline() > pg::ConnectionOpening::Clock::now());
  step_until({&stuck, &live}, [&] { return live.done(); });
  // The live one opened with its settings while the silent one went on waiting for its answer.
  CHECK_FALSE(stuck.done());
  auto connection = live.take();
  REQUIRE(connection.ok());
  CHECK(connection.value()->query_scalar("SHOW statement_timeout").value() == "9s");
  // The interrupt ends the wait at the next step, not at the connect timeout.
  interrupted = true;
  stuck.step(false);
  REQUIRE(stuck.done());
  auto gave_up = stuck.take();
  REQUIRE_FALSE(gave_up.ok());
  CHECK(gave_up.error().kind == ErrorKind::kInterrupted);
}

TEST_CASE("a connection that gets no answer fails at its connect_timeout, naming it", "[replay][connect]") {
  const SilentListener silent;
  pg::ConnectionOpening stuck({silent.conninfo(2), {}, "the shadow"}, nullptr);
  step_until({&stuck}, [&] { return stuck.done(); });
  auto gave_up = stuck.take();
  REQUIRE_FALSE(gave_up.ok());
  CHECK(gave_up.error().kind == ErrorKind::kInfrastructure);
  CHECK(gave_up.error().message.find(" to the shadow: no answer within 2 s (connect_timeout)") != std::string::npos);
  CHECK(gave_up.error().message.find("user=x") != std::string::npos);
}

}  // namespace pgshadow::replay
