#include "pgshadow/metrics/pushgateway.h"

#include <prometheus/gateway.h>

namespace pgshadow::metrics {

std::string PushgatewayUrl::to_string() const { return scheme_and_host + ":" + port + path; }

Result<PushgatewayUrl> parse_pushgateway_url(std::string_view url, std::string_view flag) {
  const auto bad = [&](const std::string& why) {
    return Error::bad_input(std::string(flag) + " \"" + std::string(url) + "\": " + why +
                            " (expected http://HOST[:PORT][/PREFIX])");
  };
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return bad("no scheme");
  const std::string_view scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return bad("the scheme must be http or https");
  std::string_view rest = url.substr(scheme_end + 3);
  std::string_view path;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash);
    rest = rest.substr(0, slash);
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (rest.find('@') != std::string_view::npos) return bad("credentials in the URL are not supported");
  std::string_view host = rest;
  std::string_view port = scheme == "https" ? "443" : "80";
  if (const auto colon = rest.rfind(':'); colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos || port.size() > 5) {
      return bad("the port must be a number");
    }
  }
  if (host.empty()) return bad("no host");
  return PushgatewayUrl{std::string(scheme) + "://" + std::string(host), std::string(port), std::string(path)};
}

Status push_metrics(const PushgatewayUrl& url, const std::shared_ptr<prometheus::Registry>& registry,
                    const std::string& job, const std::map<std::string, std::string>& grouping) {
  // Gateway builds "<host>:<port>/metrics/job/..."; a path prefix rides along with the port.
  prometheus::Labels labels(grouping.begin(), grouping.end());
  prometheus::Gateway gateway(url.scheme_and_host, url.port + url.path, job, labels);
  gateway.RegisterCollectable(registry);
  const int status = gateway.Push();
  if (status >= 200 && status < 300) return Status::success();
  const std::string why = status < 0 ? "the request failed (curl error " + std::to_string(-status) + ")"
                                     : "HTTP status " + std::to_string(status);
  return Error::infrastructure("cannot push metrics to " + url.to_string() + ": " + why);
}

}  // namespace pgshadow::metrics
