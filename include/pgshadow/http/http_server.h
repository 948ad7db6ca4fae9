#pragma once
// A small asynchronous HTTP/1.1 server (Boost.Beast) that hands every well-formed request to
// one handler callback. It owns its io_context and one thread; the handler runs on that thread,
// so it must be thread-safe with respect to the rest of the program (and quick: it blocks every
// other client while it runs).
//
// Defensive by construction: a request's head and body are bounded (431/413 beyond), a client
// that does not finish a request within read_timeout is disconnected, malformed requests get a
// 400 and the connection is closed. HEAD is answered like GET without the body.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "pgshadow/util/result.h"

namespace pgshadow::http {

struct Request {
  std::string method;  // "GET", "HEAD", ... as sent
  std::string target;  // path and query, e.g. "/metrics?x=1"
  std::string path;    // target without the query
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string allow;  // the Allow header, for 405
};

using Handler = std::function<Response(const Request&)>;

struct ListenAddress {
  std::string host;  // numeric IPv4/IPv6 address
  std::uint16_t port = 0;
  std::string to_string() const;  // "127.0.0.1:9187", "[::1]:9187"
  // 127.0.0.0/8, ::1, or ::ffff:127.x.y.z: reachable from this machine only.
  bool is_loopback() const;
};

// "HOST:PORT", ":PORT" or "PORT" (host 127.0.0.1: never listen beyond loopback unless asked),
// "[v6]:PORT". Errors name the flag and the value.
Result<ListenAddress> parse_listen_address(std::string_view text, std::string_view flag = "--listen");

struct ServerSettings {
  ListenAddress address{"127.0.0.1", 0};  // port 0: any free port (see HttpServer::port)
  std::chrono::milliseconds read_timeout{5000};
  std::size_t max_header_bytes = 8 * 1024;
  std::size_t max_body_bytes = 64 * 1024;
};

class HttpServer {
 public:
  // Binds and starts serving. Errors: kInfrastructure when the address cannot be bound (names it).
  static Result<std::unique_ptr<HttpServer>> start(const ServerSettings& settings, Handler handler);

  virtual ~HttpServer() = default;
  // The port actually bound (useful with port 0).
  virtual std::uint16_t port() const = 0;
  // Stops accepting, closes every connection and joins the thread. Idempotent; the destructor
  // calls it.
  virtual void stop() = 0;
};

}  // namespace pgshadow::http
