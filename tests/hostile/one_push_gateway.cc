#include "one_push_gateway.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace pgshadow::hostile {

OnePushGateway::OnePushGateway() {
  listener_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(listener_, reinterpret_cast<sockaddr*>(&address), length);
  listen(listener_, 1);
  getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
  url_ = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  request_ = std::async(std::launch::async, [this] { return take_one(); });
}

// shutdown wakes an accept still waiting (close alone does not), so that a test whose run
// pushed nothing ends instead of waiting on the future for ever.
OnePushGateway::~OnePushGateway() {
  ::shutdown(listener_, SHUT_RDWR);
  if (request_.valid()) request_.wait();
  ::close(listener_);
}

std::string OnePushGateway::request(std::chrono::seconds within) {
  return request_.wait_for(within) == std::future_status::ready ? request_.get() : "";
}

std::string OnePushGateway::take_one() const {
  const int client = accept(listener_, nullptr, nullptr);
  if (client < 0) return "";
  std::string text;
  char buffer[4096];
  std::size_t wanted = std::string::npos;
  while (wanted == std::string::npos || text.size() < wanted) {
    const ssize_t n = ::read(client, buffer, sizeof buffer);
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    const auto end = text.find("\r\n\r\n");
    const auto field = text.find("Content-Length: ");
    if (end != std::string::npos && field != std::string::npos && wanted == std::string::npos) {
      wanted = end + 4 + std::stoul(text.substr(field + 16));
    }
  }
  const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  (void)!::write(client, answer.data(), answer.size());
  ::close(client);
  return text;
}

}  // namespace pgshadow::hostile
