// Opening a session's connections side by side on one thread (pg::SessionConnection::
// open_together, the session pool's way): each result is its own request's, with its settings
// applied, a refused setting named, and a server that does not answer named by its address.
#include <catch2/catch.hpp>

#include "pgshadow/pg/session_connection.h"
#include "replay_harness.h"

namespace pgshadow::replay {

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

}  // namespace pgshadow::replay
