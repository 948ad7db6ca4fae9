#pragma once
// A Pushgateway on 127.0.0.1 that takes one push and answers 200: the request (line, headers
// and body) comes back as text, for tests of what a run pushes.
#include <chrono>
#include <future>
#include <string>

namespace pgshadow::hostile {

class OnePushGateway {
 public:
  OnePushGateway();
  ~OnePushGateway();
  OnePushGateway(const OnePushGateway&) = delete;
  OnePushGateway& operator=(const OnePushGateway&) = delete;
  const std::string& url() const { return url_; }
  // The push, or "" when none came within `within`.
  std::string request(std::chrono::seconds within);

 private:
  std::string take_one() const;

  int listener_ = -1;
  std::string url_;
  std::future<std::string> request_;
};

}  // namespace pgshadow::hostile
