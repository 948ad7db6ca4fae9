#include <catch2/catch.hpp>

#include "pgshadow/metrics/pushgateway.h"

namespace pgshadow::metrics {
namespace {

TEST_CASE("a Pushgateway URL splits into host, port and prefix") {
  auto plain = parse_pushgateway_url("http://127.0.0.1:9091");
  REQUIRE(plain.ok());
  CHECK(plain->scheme_and_host == "http://127.0.0.1");
  CHECK(plain->port == "9091");
  CHECK(plain->path.empty());
  auto prefixed = parse_pushgateway_url("https://push.example/gw/");
  REQUIRE(prefixed.ok());
  CHECK(prefixed->port == "443");
  CHECK(prefixed->path == "/gw");
  CHECK(prefixed->to_string() == "https://push.example:443/gw");
}

TEST_CASE("a bad Pushgateway URL names the flag and the value") {
  auto no_scheme = parse_pushgateway_url("127.0.0.1:9091");
  REQUIRE_FALSE(no_scheme.ok());
  CHECK(no_scheme.error().message ==
        "--pushgateway \"127.0.0.1:9091\": no scheme (expected http://HOST[:PORT][/PREFIX])");
  CHECK_FALSE(parse_pushgateway_url("http://h:port").ok());
  CHECK_FALSE(parse_pushgateway_url("http://user:secret@h:9091").ok());
}

TEST_CASE("a push to a port where nothing listens is an infrastructure error naming the URL") {
  auto url = parse_pushgateway_url("http://127.0.0.1:1");
  REQUIRE(url.ok());
  Status pushed = push_metrics(*url, std::make_shared<prometheus::Registry>(), "pgshadow", {{"instance", "test"}});
  REQUIRE_FALSE(pushed.ok());
  CHECK(pushed.error().kind == ErrorKind::kInfrastructure);
  CHECK(pushed.error().message.rfind("cannot push metrics to http://127.0.0.1:1: ", 0) == 0);
}

}  // namespace
}  // namespace pgshadow::metrics
