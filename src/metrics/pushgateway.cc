#include "pgshadow/metrics/pushgateway.h"

#include <curl/curl.h>
#include <prometheus/text_serializer.h>

#include <memory>

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

namespace {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct HeadersDeleter {
  void operator()(curl_slist* headers) const { curl_slist_free_all(headers); }
};

// Discards the gateway's response body (an error text at most).
std::size_t ignore_body(char*, std::size_t size, std::size_t count, void*) { return size * count; }

// libcurl asks this while it transfers: a non-zero answer aborts the transfer.
int abort_when_interrupted(void* interrupted, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* flag = static_cast<const std::atomic<bool>*>(interrupted);
  return flag != nullptr && flag->load() ? 1 : 0;
}

}  // namespace

Status push_metrics(const PushgatewayUrl& url, const std::shared_ptr<prometheus::Registry>& registry,
                    const std::string& job, const std::map<std::string, std::string>& grouping,
                    std::chrono::milliseconds timeout, const std::atomic<bool>* interrupted) {
  const auto failed = [&](const std::string& why) {
    return Error::infrastructure("cannot push metrics to " + url.to_string() + ": " + why);
  };
  // The Pushgateway's grouping key is the path: /metrics/job/<job>/<label>/<value>...
  std::string target = url.to_string() + "/metrics/job/" + job;
  for (const auto& [label, value] : grouping) target += "/" + label + "/" + value;
  const std::string body = prometheus::TextSerializer().Serialize(registry->Collect());

  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) return failed("cannot start libcurl");
  std::unique_ptr<curl_slist, HeadersDeleter> headers(
      curl_slist_append(nullptr, "Content-Type: text/plain; version=0.0.4; charset=utf-8"));
  CURL* request = easy.get();
  curl_easy_setopt(request, CURLOPT_URL, target.c_str());
  curl_easy_setopt(request, CURLOPT_CUSTOMREQUEST, "PUT");  // replaces the group's metrics
  curl_easy_setopt(request, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(request, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(request, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(request, CURLOPT_WRITEFUNCTION, &ignore_body);
  curl_easy_setopt(request, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(request, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(request, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM of libcurl's in a threaded process
  curl_easy_setopt(request, CURLOPT_XFERINFOFUNCTION, &abort_when_interrupted);
  curl_easy_setopt(request, CURLOPT_XFERINFODATA, const_cast<std::atomic<bool>*>(interrupted));
  curl_easy_setopt(request, CURLOPT_NOPROGRESS, 0L);
  const CURLcode code = curl_easy_perform(request);
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return failed("no answer within " + std::to_string(std::chrono::ceil<std::chrono::seconds>(timeout).count()) + " s");
  }
  if (code == CURLE_ABORTED_BY_CALLBACK) return Error{ErrorKind::kInterrupted, "interrupted while pushing metrics"};
  if (code != CURLE_OK) return failed(std::string("the request failed (") + curl_easy_strerror(code) + ")");
  long status = 0;
  curl_easy_getinfo(request, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return Status::success();
  return failed("HTTP status " + std::to_string(status));
}

}  // namespace pgshadow::metrics
