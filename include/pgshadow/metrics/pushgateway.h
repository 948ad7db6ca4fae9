#pragma once
// Pushing a registry's metrics to a Prometheus Pushgateway at the end of a batch run, with
// prometheus-cpp's Gateway (libcurl). Blocking; call from one thread at a time.
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

// Replaces the metrics of the group job/<job>/<grouping labels...> with the registry's (PUT).
// Errors: kInfrastructure naming the URL and the HTTP status or curl failure.
Status push_metrics(const PushgatewayUrl& url, const std::shared_ptr<prometheus::Registry>& registry,
                    const std::string& job, const std::map<std::string, std::string>& grouping);

}  // namespace pgshadow::metrics
