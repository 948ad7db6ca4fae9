#include <catch2/catch.hpp>

#include "pgshadow/http/http_server.h"

namespace pgshadow::http {
namespace {

TEST_CASE("a port alone or after a colon listens on loopback only") {
  for (const char* text : {"9187", ":9187"}) {
    auto address = parse_listen_address(text);
    REQUIRE(address.ok());
    CHECK(address->host == "127.0.0.1");
    CHECK(address->port == 9187);
  }
}

TEST_CASE("another host is used only when named") {
  auto any = parse_listen_address("0.0.0.0:80");
  REQUIRE(any.ok());
  CHECK(any->to_string() == "0.0.0.0:80");
  auto v6 = parse_listen_address("[::1]:9187");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->to_string() == "[::1]:9187");
}

TEST_CASE("loopback addresses are told from the others, v4-mapped ones too") {
  for (const char* loopback : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
    CHECK(ListenAddress{loopback, 80}.is_loopback());
  }
  for (const char* open : {"0.0.0.0", "::", "10.0.0.1", "::ffff:10.0.0.1", "192.168.1.5"}) {
    CHECK_FALSE(ListenAddress{open, 80}.is_loopback());
  }
}

TEST_CASE("a bad address names the flag and the value") {
  auto port = parse_listen_address("localhost:http");
  REQUIRE_FALSE(port.ok());
  CHECK(port.error().message ==
        "--listen \"localhost:http\": port must be a number from 0 to 65535 (expected HOST:PORT, :PORT or PORT)");
  auto host = parse_listen_address("example.com:80");
  REQUIRE_FALSE(host.ok());
  CHECK(host.error().message ==
        "--listen \"example.com:80\": host must be a numeric IPv4 or IPv6 address (expected HOST:PORT, :PORT or PORT)");
  CHECK_FALSE(parse_listen_address("127.0.0.1:70000").ok());
}

}  // namespace
}  // namespace pgshadow::http
