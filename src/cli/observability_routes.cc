#include "observability_routes.h"

#include <charconv>

namespace pgshadow::cli {

http::Response route(const http::Request& request, const RouteSources& sources) {
  struct Endpoint {
    const char* path;
    const char* content_type;
    const std::function<std::string()>* body;
  };
  const std::function<std::string()> healthz = [] { return std::string("ok\n"); };
  const Endpoint endpoints[] = {
      {"/metrics", "text/plain; version=0.0.4; charset=utf-8", &sources.metrics},
      {"/healthz", "text/plain; charset=utf-8", &healthz},
      {"/api/v1/status", "application/json", &sources.status},
      {"/api/v1/report", "application/json", &sources.report},
  };
  for (const Endpoint& endpoint : endpoints) {
    if (request.path != endpoint.path) continue;
    if (request.method != "GET" && request.method != "HEAD") {
      return {405, "text/plain; charset=utf-8", "method not allowed: use GET or HEAD\n", "GET, HEAD"};
    }
    std::string body = (*endpoint.body)();
    if (body.empty()) return {503, "text/plain; charset=utf-8", "no snapshot yet\n", {}};
    return {200, endpoint.content_type, std::move(body), {}};
  }
  return {404, "text/plain; charset=utf-8",
          "not found; try /metrics, /healthz, /api/v1/status or /api/v1/report\n", {}};
}

nlohmann::json status_json(const judge::FindingsBook& findings, const replay::ReplayProgress& progress,
                           bool replay_started, std::optional<int> exit_status) {
  const judge::Accounting& a = findings.accounting();
  nlohmann::json classes = nlohmann::json::object();
  for (DivergenceClass c : kAllDivergenceClasses) {
    const auto found = a.classes.find(c);
    classes[std::string(to_string(c))] = found == a.classes.end() ? 0 : found->second;
  }
  const double capture_seconds =
      progress.first_capture_us == 0
          ? 0.0
          : static_cast<double>(progress.current_capture_us - progress.first_capture_us) / 1e6;
  return {
      {"phase", exit_status ? "finished" : replay_started ? "replaying" : "starting"},
      {"progress",
       {{"events_read", progress.events},
        {"sessions_open", progress.sessions_open},
        {"in_flight", progress.in_flight},
        {"capture_seconds", capture_seconds},
        {"wall_seconds", progress.wall_seconds},
        {"input_fraction", progress.input_fraction < 0 ? nlohmann::json() : nlohmann::json(progress.input_fraction)}}},
      {"counts",
       {{"events", a.judged()},  // with their fate so far: the capture's total is known at the end
        {"compared", a.compared},
        {"skipped", a.skipped},
        {"failed", a.failed},
        {"filtered", a.filtered},
        {"not_replayed", a.not_replayed},
        {"classes", classes}}},
      {"verdict", std::string(to_string(findings.verdict()))},
      {"exit_status", exit_status ? nlohmann::json(*exit_status) : nlohmann::json()},
  };
}

Result<std::chrono::milliseconds> parse_linger(const std::string& text) {
  const auto bad = [&] {
    return Error::bad_input("--linger \"" + text + "\": expected a duration such as 30s, 2m, 1h or 500ms");
  };
  std::uint64_t amount = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), amount);
  if (ec != std::errc() || end == text.data()) return bad();
  const std::string unit(end, text.data() + text.size());
  std::uint64_t factor = 0;
  if (unit == "ms") factor = 1;
  else if (unit == "s" || (unit.empty() && amount == 0)) factor = 1000;
  else if (unit == "m") factor = 60 * 1000;
  else if (unit == "h") factor = 3600 * 1000;
  else return bad();
  if (amount > 24ULL * 3600 * 1000) return bad();
  return std::chrono::milliseconds(amount * factor);
}

}  // namespace pgshadow::cli
