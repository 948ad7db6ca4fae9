#include "pgshadow/http/http_server.h"

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "test_client.h"

namespace pgshadow::http {
namespace {

using namespace testing;

std::unique_ptr<HttpServer> start_echo_server(std::chrono::milliseconds read_timeout = std::chrono::milliseconds(5000),
                                              std::atomic<int>* calls = nullptr) {
  ServerSettings settings;
  settings.read_timeout = read_timeout;
  settings.max_header_bytes = 1024;
  auto server = HttpServer::start(settings, [calls](const Request& request) {
    if (calls != nullptr) ++*calls;
    if (request.path == "/missing") return Response{404, "text/plain", "nothing here\n", {}};
    return Response{200, "text/plain", request.method + " " + request.target + "\n", {}};
  });
  REQUIRE(server.ok());
  return std::move(*server);
}

TEST_CASE("the server hands the method, target and path to the handler and returns its response") {
  auto server = start_echo_server();
  auto response = get(server->port(), "/metrics?x=1");
  CHECK(response.result_int() == 200);
  CHECK(response.body() == "GET /metrics?x=1\n");
  CHECK(response[bhttp::field::server] == "pgshadow");
  CHECK(get(server->port(), "/missing").result_int() == 404);
}

TEST_CASE("HEAD gets the headers of GET without the body") {
  auto server = start_echo_server();
  auto response = get(server->port(), "/x", bhttp::verb::head);
  CHECK(response.result_int() == 200);
  CHECK(response.body().empty());
  CHECK(response[bhttp::field::content_length] == "8");  // "HEAD /x\n"
}

TEST_CASE("fifty clients scraping at once all get complete answers") {
  std::atomic<int> calls{0};
  auto server = start_echo_server(std::chrono::milliseconds(5000), &calls);
  std::vector<std::future<std::string>> clients;
  for (int i = 0; i < 50; ++i) {
    clients.push_back(std::async(std::launch::async, [&, i] {
      std::string bodies;
      for (int j = 0; j < 4; ++j) bodies += get(server->port(), "/c" + std::to_string(i)).body();
      return bodies;
    }));
  }
  for (int i = 0; i < 50; ++i) {
    const std::string one = "GET /c" + std::to_string(i) + "\n";
    CHECK(clients[static_cast<std::size_t>(i)].get() == one + one + one + one);
  }
  CHECK(calls.load() == 200);
}

TEST_CASE("a malformed request gets 400 and the connection is closed") {
  auto server = start_echo_server();
  const std::string answer = exchange_raw(server->port(), "GARBAGE\x01 / HTTP/9\r\n\r\n");
  CHECK(answer.rfind("HTTP/1.1 400", 0) == 0);
  CHECK(answer.find("malformed request") != std::string::npos);
}

TEST_CASE("a request head beyond the limit gets 431 without reaching the handler") {
  std::atomic<int> calls{0};
  auto server = start_echo_server(std::chrono::milliseconds(5000), &calls);
  const std::string answer =
      exchange_raw(server->port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  CHECK(answer.rfind("HTTP/1.1 431", 0) == 0);
  CHECK(calls.load() == 0);
}

TEST_CASE("a client that does not finish its request in time is disconnected") {
  auto server = start_echo_server(std::chrono::milliseconds(300));
  const auto before = std::chrono::steady_clock::now();
  const std::string answer = exchange_raw(server->port(), "GET / HTTP/1.1\r\nHost: x\r\n");  // no blank line
  const auto waited = std::chrono::steady_clock::now() - before;
  CHECK(answer.empty());
  CHECK(waited >= std::chrono::milliseconds(250));
  CHECK(waited < std::chrono::seconds(3));
  // The server still serves others afterwards.
  CHECK(get(server->port(), "/after").body() == "GET /after\n");
}

TEST_CASE("stop closes idle connections, returns promptly and frees the port") {
  auto server = start_echo_server();
  const std::uint16_t port = server->port();
  net::io_context io;
  tcp::socket idle = connect_to(io, port);  // connected, never sends
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto before = std::chrono::steady_clock::now();
  server->stop();
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(1));
  std::string received;
  beast::error_code ec;
  net::read(idle, net::dynamic_buffer(received), ec);
  CHECK(ec);  // EOF or reset: the server side is gone
  beast::error_code connect_error;
  tcp::socket again(io);
  again.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), connect_error);
  CHECK(connect_error);
  server->stop();  // idempotent
}

TEST_CASE("an address already in use is an infrastructure error naming it") {
  auto first = start_echo_server();
  ServerSettings settings;
  settings.address.port = first->port();
  auto second = HttpServer::start(settings, [](const Request&) { return Response{}; });
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().kind == ErrorKind::kInfrastructure);
  CHECK(second.error().message.rfind("cannot listen on 127.0.0.1:" + std::to_string(first->port()) + ": ", 0) == 0);
}

}  // namespace
}  // namespace pgshadow::http
