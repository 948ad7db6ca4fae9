// Parsing --listen: loopback unless the user names another host.
#include <charconv>

#include <boost/asio/ip/address.hpp>

#include "pgshadow/http/http_server.h"

namespace pgshadow::http {

std::string ListenAddress::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool ListenAddress::is_loopback() const {
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(host, error);
  if (error) return false;
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6()).is_loopback();
  }
  return address.is_loopback();
}

Result<ListenAddress> parse_listen_address(std::string_view text, std::string_view flag) {
  const auto bad = [&](const std::string& why) {
    return Error::bad_input(std::string(flag) + " \"" + std::string(text) + "\": " + why +
                            " (expected HOST:PORT, :PORT or PORT)");
  };
  std::string_view host = "127.0.0.1";
  std::string_view port_text = text;
  if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) host = "127.0.0.1";
  }
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return bad("port must be a number from 0 to 65535");
  }
  boost::system::error_code address_error;
  boost::asio::ip::make_address(std::string(host), address_error);
  if (address_error) return bad("host must be a numeric IPv4 or IPv6 address");
  return ListenAddress{std::string(host), static_cast<std::uint16_t>(port)};
}

}  // namespace pgshadow::http
