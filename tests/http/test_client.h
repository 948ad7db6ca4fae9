#pragma once
// A blocking Beast client for the server tests, plus raw-socket access for malformed input.
#include <chrono>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace pgshadow::http::testing {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

inline tcp::socket connect_to(net::io_context& io, std::uint16_t port) {
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  return socket;
}

inline bhttp::response<bhttp::string_body> get(std::uint16_t port, const std::string& target,
                                               bhttp::verb method = bhttp::verb::get) {
  net::io_context io;
  tcp::socket socket = connect_to(io, port);
  bhttp::request<bhttp::string_body> request{method, target, 11};
  request.set(bhttp::field::host, "127.0.0.1");
  request.keep_alive(false);
  bhttp::write(socket, request);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.skip(method == bhttp::verb::head);
  bhttp::read(socket, buffer, parser);
  return parser.release();
}

// Sends raw bytes and returns everything the server sends back until it closes the connection.
inline std::string exchange_raw(std::uint16_t port, const std::string& bytes) {
  net::io_context io;
  tcp::socket socket = connect_to(io, port);
  net::write(socket, net::buffer(bytes));
  std::string received;
  beast::error_code ec;
  net::read(socket, net::dynamic_buffer(received), ec);  // until EOF or reset
  return received;
}

}  // namespace pgshadow::http::testing
