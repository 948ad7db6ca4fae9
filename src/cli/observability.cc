// Wiring of the metrics (pgshadow_metrics), the HTTP server (pgshadow_http) and the push to a
// Pushgateway for one `pgshadow verify` run.
//
// Threads: the replay thread updates the metrics and, on progress calls, renders the status and
// report JSON into a mutex-protected snapshot; the server thread only reads that snapshot and the
// prometheus-cpp registry (which locks internally). FindingsBook is never touched off the replay
// thread.
#include "observability.h"

#include <chrono>
#include <ctime>
#include <iostream>
#include <mutex>
#include <thread>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "interrupt.h"
#include "observability_routes.h"
#include "pgshadow/http/http_server.h"
#include "pgshadow/metrics/pushgateway.h"
#include "pgshadow/metrics/run_metrics.h"
#include "pgshadow/util/xxh3.h"

namespace pgshadow::cli {
namespace {

// Rendering the report walks every shape: at most once a second while the replay runs.
constexpr std::chrono::milliseconds kReportSnapshotInterval{1000};

metrics::RunIdentity identity_of(const report::RunDescription& run) {
  metrics::RunIdentity identity;
  identity.scenario = run.scenario.value_or("");
  identity.run = run.run_id.empty() ? run.started_at : run.run_id;
  identity.shard = std::to_string(run.shard_index);
  identity.shards = std::to_string(run.shard_count);
  Xxh3Hasher hasher;
  for (const report::InputFile& migration : run.migrations) hasher.update(migration.xxh3);
  identity.migration_digest =
      run.migrations.size() == 1 ? run.migrations.front().xxh3 : hasher.digest().to_hex();
  identity.start_time_seconds =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return identity;
}

class LiveObservability final : public RunObservability, private replay::ReplayObserver {
 public:
  LiveObservability(const ObservabilityOptions& options, std::chrono::milliseconds linger,
                    std::optional<metrics::PushgatewayUrl> push, const report::RunDescription& run,
                    const judge::FindingsBook& findings)
      : options_(options), linger_(linger), push_(std::move(push)), run_(run), findings_(findings),
        metrics_(identity_of(run), findings) {}

  Status serve(const http::ListenAddress& address) {
    take_snapshot(nullptr, std::nullopt, true);
    http::ServerSettings settings;
    settings.address = address;
    auto server = http::HttpServer::start(settings, [this](const http::Request& request) {
      return route(request, RouteSources{[this] { return metrics_.text(); },
                                         [this] { return snapshot(&Snapshot::status); },
                                         [this] { return snapshot(&Snapshot::report); }});
    });
    if (!server) return server.error();
    server_ = std::move(*server);
    std::cerr << "pgshadow: serving /metrics, /healthz, /api/v1/status and /api/v1/report on http://"
              << http::ListenAddress{address.host, server_->port()}.to_string() << "\n";
    if (!address.is_loopback()) {
      std::cerr << "pgshadow: warning: " << address.host
                << " is not a loopback address, and these endpoints have no authentication: anyone who can "
                   "reach it can read the run's status and report\n";
    }
    return Status::success();
  }

  replay::ReplayObserver& observer() override { return *this; }

  void finish(int exit_status) override {
    metrics_.record_final(run_.capture_problems, exit_status);
    if (server_) take_snapshot(nullptr, exit_status, true);
    if (push_) {
      // One group per run and shard: a later run never overwrites an earlier one's verdict, a
      // retried shard replaces its own earlier push, and old runs are deleted by their key
      // (docs/metrics.md). Not the host: a shard retried on another pod is the same shard.
      const std::map<std::string, std::string> grouping{
          {"run", run_.run_id.empty() ? run_.started_at : run_.run_id}, {"shard", std::to_string(run_.shard_index)}};
      // A run a signal stopped still pushes what it compared: its push is bounded by the timeout
      // (a second signal exits at once), not cut short by the signal that stopped the run.
      const std::atomic<bool>* cut_short = interrupt_requested().load() ? nullptr : &interrupt_requested();
      if (Status s = metrics::push_metrics(*push_, metrics_.registry(), "pgshadow", grouping, metrics::kPushTimeout,
                                           cut_short);
          !s) {
        std::cerr << "pgshadow: " << s.error().message << "\n";
      }
    }
    if (!server_) return;
    // Keep serving so a scraper sees the final values; a signal cuts the wait short.
    const auto until = std::chrono::steady_clock::now() + linger_;
    while (std::chrono::steady_clock::now() < until && !interrupt_requested().load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    server_->stop();
  }

 private:
  struct Snapshot {
    std::string status;
    std::string report;
  };

  void on_compared(const replay::ComparedStatement& statement) override { metrics_.on_compared(statement); }
  void on_skipped(const Event& event, const std::string& reason) override { metrics_.on_skipped(event, reason); }
  void on_failed(const Event& event, const std::string& reason) override { metrics_.on_failed(event, reason); }
  void on_progress(const replay::ReplayProgress& progress) override {
    metrics_.on_progress(progress);
    if (!server_) return;
    const auto now = std::chrono::steady_clock::now();
    const bool render_report = progress.final || now - last_report_ >= kReportSnapshotInterval;
    take_snapshot(&progress, std::nullopt, render_report);
  }

  // Replay thread only.
  void take_snapshot(const replay::ReplayProgress* progress, std::optional<int> exit_status, bool render_report) {
    if (progress != nullptr) last_progress_ = *progress;
    std::string status = status_json(findings_, last_progress_, progress != nullptr || exit_status, exit_status).dump();
    std::string report;
    if (render_report) {
      report = report::to_json(run_, findings_).dump();
      last_report_ = std::chrono::steady_clock::now();
    }
    const std::lock_guard lock(mutex_);
    snapshot_.status = std::move(status);
    if (render_report) snapshot_.report = std::move(report);
  }

  // Server thread.
  std::string snapshot(std::string Snapshot::*field) const {
    const std::lock_guard lock(mutex_);
    return snapshot_.*field;
  }

  ObservabilityOptions options_;
  std::chrono::milliseconds linger_;
  std::optional<metrics::PushgatewayUrl> push_;
  const report::RunDescription& run_;
  const judge::FindingsBook& findings_;
  metrics::RunMetrics metrics_;
  replay::ReplayProgress last_progress_;
  std::chrono::steady_clock::time_point last_report_{};
  mutable std::mutex mutex_;
  Snapshot snapshot_;
  std::unique_ptr<http::HttpServer> server_;  // last: stopped before the rest goes away
};

}  // namespace

void add_observability_options(CLI::App& verify, ObservabilityOptions& options) {
  verify.add_option("--listen", options.listen,
                    "Serve /metrics, /healthz, /api/v1/status and /api/v1/report on HOST:PORT "
                    "(\":PORT\" or \"PORT\" listens on 127.0.0.1 only)")
      ->group("Observability");
  verify.add_option("--linger", options.linger,
                    "With --listen, keep serving this long after the run (\"30s\", \"2m\", \"500ms\")")
      ->capture_default_str()
      ->group("Observability");
  verify.add_option("--pushgateway", options.pushgateway,
                    "Push the final metrics to this Prometheus Pushgateway (http://HOST:PORT), "
                    "job \"pgshadow\", grouping key run and shard (docs/metrics.md)")
      ->group("Observability");
  verify.add_option("--run-id", options.run_id,
                    "Names this run in every report and metric; the shards of one run share it (default: "
                    "$PGSHADOW_RUN_ID, else $JOB_NAME, e.g. a Kubernetes Job's name, else the start time)")
      ->type_name("ID")
      ->group("Observability");
}

Result<std::unique_ptr<RunObservability>> RunObservability::start(const ObservabilityOptions& options,
                                                                  const report::RunDescription& run,
                                                                  const judge::FindingsBook& findings) {
  auto linger = parse_linger(options.linger);
  if (!linger) return linger.error();
  std::optional<metrics::PushgatewayUrl> push;
  if (!options.pushgateway.empty()) {
    auto url = metrics::parse_pushgateway_url(options.pushgateway);
    if (!url) return url.error();
    push = *url;
  }
  std::optional<http::ListenAddress> address;
  if (!options.listen.empty()) {
    auto parsed = http::parse_listen_address(options.listen);
    if (!parsed) return parsed.error();
    address = *parsed;
  }
  auto live = std::make_unique<LiveObservability>(options, *linger, std::move(push), run, findings);
  if (address) {
    if (Status s = live->serve(*address); !s) return s.error();
  }
  return std::unique_ptr<RunObservability>(std::move(live));
}

}  // namespace pgshadow::cli
