#pragma once
// What a running `pgshadow verify` shows the outside world while it runs and when it ends:
// Prometheus metrics, the HTTP server (/metrics, /healthz, /api/v1/status, /api/v1/report) and
// the push to a Pushgateway. See docs/metrics.md.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "pgshadow/judge/findings.h"
#include "pgshadow/replay/replay.h"
#include "pgshadow/report/run_report.h"
#include "pgshadow/util/result.h"

namespace pgshadow::cli {

struct ObservabilityOptions {
  std::string listen;       // "127.0.0.1:9187", ":9187" (loopback), "0.0.0.0:9187"; empty: no server
  std::string linger = "0s";
  std::string pushgateway;  // base URL; empty: no push
  std::string run_id;       // --run-id; empty: resolve_run_id's default
};

void add_observability_options(CLI::App& verify, ObservabilityOptions& options);

// One per run. The run description and the findings are owned by the caller, outlive this
// object, and are only touched on the caller's (replay) thread; what the HTTP server serves is a
// snapshot taken on that thread.
class RunObservability {
 public:
  virtual ~RunObservability() = default;

  // Starts the HTTP server when options.listen is set. Errors: kBadInput for an address that
  // does not parse, kInfrastructure when it cannot be bound.
  static Result<std::unique_ptr<RunObservability>> start(const ObservabilityOptions& options,
                                                         const report::RunDescription& run,
                                                         const judge::FindingsBook& findings);

  // Sees every replayed event and the replay's progress (add it next to the FindingsBook).
  virtual replay::ReplayObserver& observer() = 0;

  // The run is over (whatever its outcome): final snapshot with the verdict and exit status,
  // push to the Pushgateway, serve for --linger, stop the server. Problems are reported on
  // stderr and do not change the exit status.
  virtual void finish(int exit_status) = 0;
};

}  // namespace pgshadow::cli
