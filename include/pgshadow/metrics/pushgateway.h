#pragma once
// Pushing a registry's metrics to a Prometheus Pushgateway at the end of a batch run: the text
// format from prometheus-cpp's TextSerializer, PUT with libcurl under a timeout (prometheus-cpp's
// own Gateway sets none: a gateway that accepts the connection and never answers held the run
// for ever). Blocking; call from one thread at a time.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <prometheus/registry.h>

#include "pgshadow/util/result.h"

namespace pgshadow::metrics {

struct PushgatewayUrl {
  std::string scheme_and_host;  // "http://127.0.0.1"
  std::string port;             // "9091" (the scheme's default when the URL has none)
  std::string path;             // "" or a prefix such as "/pushgateway" (no trailing slash)
  std::string to_string() const;
};

// "http://HOST[:PORT][/PREFIX]" or "https://..."; errors name the flag and the value.
Result<PushgatewayUrl> parse_pushgateway_url(std::string_view url, std::string_view flag = "--pushgateway");

inline constexpr std::chrono::seconds kPushTimeout{10};

// Replaces the metrics of the group job/<job>/<grouping labels...> with the registry's (PUT),
// within `timeout` (connecting included); `interrupted` (SIGINT/SIGTERM) cuts it short.
// Errors: kInfrastructure naming the URL and the HTTP status, the timeout or the curl failure.
Status push_metrics(const PushgatewayUrl& url, const std::shared_ptr<prometheus::Registry>& registry,
                    const std::string& job, const std::map<std::string, std::string>& grouping,
                    std::chrono::milliseconds timeout = kPushTimeout, const std::atomic<bool>* interrupted = nullptr);

}  // namespace pgshadow::metrics
