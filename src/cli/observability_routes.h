#pragma once
// The HTTP face of a run: which path serves what, the /api/v1/status document, and --linger's
// duration syntax. Pure functions, testable without a run.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "pgshadow/http/http_server.h"
#include "pgshadow/judge/findings.h"
#include "pgshadow/replay/replay.h"
#include "pgshadow/util/result.h"

namespace pgshadow::cli {

// Each returns the current body; called on the server thread, so each must be thread-safe.
struct RouteSources {
  std::function<std::string()> metrics;  // Prometheus text format
  std::function<std::string()> status;   // JSON
  std::function<std::string()> report;   // JSON (empty before the first snapshot)
};

// GET/HEAD /metrics, /healthz, /api/v1/status, /api/v1/report; 404 elsewhere, 405 for other methods.
http::Response route(const http::Request& request, const RouteSources& sources);

// {phase: starting|replaying|finished, progress{...}, counts{events, compared, ..., classes},
//  verdict, exit_status (null until finished)}. Replay thread only (reads the findings).
nlohmann::json status_json(const judge::FindingsBook& findings, const replay::ReplayProgress& progress,
                           bool replay_started, std::optional<int> exit_status);

// "30s", "2m", "1h", "500ms", "0": errors name --linger and the value.
Result<std::chrono::milliseconds> parse_linger(const std::string& text);

}  // namespace pgshadow::cli
