#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
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

TEST_CASE("a push to a gateway that accepts and never answers ends at its timeout") {
  // The kernel completes the handshake of a listening socket nobody accepts on: the request is
  // sent and no answer ever comes (prometheus-cpp's Gateway waited for it for ever).
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), length) == 0);
  REQUIRE(listen(listener, 8) == 0);
  REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const std::string port = std::to_string(ntohs(address.sin_port));
  auto url = parse_pushgateway_url("http://127.0.0.1:" + port);
  REQUIRE(url.ok());
  Status pushed = push_metrics(*url, std::make_shared<prometheus::Registry>(), "pgshadow", {{"instance", "test"}},
                               std::chrono::milliseconds(500));
  close(listener);
  REQUIRE_FALSE(pushed.ok());
  CHECK(pushed.error().kind == ErrorKind::kInfrastructure);
  CHECK(pushed.error().message == "cannot push metrics to http://127.0.0.1:" + port + ": no answer within 1 s");
}

TEST_CASE("a push stops when the run is interrupted") {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(listener >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), length) == 0);
  REQUIRE(listen(listener, 8) == 0);
  REQUIRE(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  auto url = parse_pushgateway_url("http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)));
  REQUIRE(url.ok());
  const std::atomic<bool> interrupted{true};
  Status pushed = push_metrics(*url, std::make_shared<prometheus::Registry>(), "pgshadow", {}, std::chrono::minutes(10),
                               &interrupted);
  close(listener);
  REQUIRE_FALSE(pushed.ok());
  CHECK(pushed.error().kind == ErrorKind::kInterrupted);
}

}  // namespace
}  // namespace pgshadow::metrics
