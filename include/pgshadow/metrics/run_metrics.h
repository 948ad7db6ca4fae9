#pragma once
// The Prometheus metrics of one `pgshadow verify` run (catalogue: docs/metrics.md), kept in a
// prometheus-cpp Registry. RunMetrics is a ReplayObserver: add it to the fan-out after the
// FindingsBook, which it reads on every progress call for the verdict so far and the accounting.
//
// Privacy: no label carries a literal of the captured traffic. Query shapes appear as their
// fingerprint and, in pgshadow_query_shape_info only, their normalized text (constants as $n).
// Label sets are bounded: shapes and reasons beyond a limit share the value "other"; SQLSTATEs
// that are not five characters of [0-9A-Z] become "other".
//
// Threads: the observer calls and record_final() come from the replay thread only; registry()
// and text() may be called from any thread at any time (prometheus-cpp locks internally).
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "pgshadow/core/verdict.h"
#include "pgshadow/judge/findings.h"
#include "pgshadow/metrics/bounded_label.h"
#include "pgshadow/replay/replay.h"
#include "pgshadow/util/input_problems.h"

namespace pgshadow::metrics {

// Who the run is: constant labels of every metric and the labels of pgshadow_run_info.
struct RunIdentity {
  std::string scenario;          // empty when the run is not a scenario
  std::string run;               // the run id: shards of one run share it
  std::string shard = "0";       // this process's shard index (--shard i/n), "0" when not sharded
  std::string shards = "1";      // n of --shard i/n (a label of pgshadow_run_info only)
  std::string migration_digest;  // XXH3-128 of the migration files, hex
  std::string version = PGSHADOW_VERSION;
  double start_time_seconds = 0;  // Unix time
};

struct MetricsSettings {
  std::size_t max_shapes = 20;   // shapes with their own label, per family; the rest: "other"
  std::size_t max_reasons = 16;  // skip, filter and capture-problem reasons
  std::size_t max_normalized_chars = 400;  // longer normalized texts are cut (with "...")
};

class LockImpactMetrics;

class RunMetrics final : public replay::ReplayObserver {
 public:
  // `findings` must outlive this object and is only read on the replay thread.
  RunMetrics(const RunIdentity& identity, const judge::FindingsBook& findings,
             MetricsSettings settings = {});
  ~RunMetrics() override;

  void on_compared(const replay::ComparedStatement& statement) override;
  void on_skipped(const Event& event, const std::string& reason) override;
  void on_failed(const Event& event, const std::string& reason) override;
  void on_progress(const replay::ReplayProgress& progress) override;

  // The run is over: brings every count to the findings' final accounting (filtered events,
  // events not replayed, a failed migration), the capture's problems (may be null), the
  // verdict and the exit status.
  void record_final(const InputProblems* capture_problems, int exit_status);

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }
  // The Prometheus text exposition format (prometheus-cpp's TextSerializer).
  std::string text() const;

 private:
  void sync_with_findings();
  void set_verdict(Verdict verdict);
  // Adds to `counter` what it lacks to reach `total` (counters only go up).
  static void raise_to(prometheus::Counter& counter, double total);

  const judge::FindingsBook& findings_;
  MetricsSettings settings_;
  std::shared_ptr<prometheus::Registry> registry_;
  BoundedLabel divergent_shapes_;
  BoundedLabel latency_shapes_;
  BoundedLabel skip_reasons_;
  BoundedLabel filter_reasons_;
  BoundedLabel problem_reasons_;
  std::uint64_t events_seen_ = 0;

  prometheus::Family<prometheus::Counter>& events_read_;
  prometheus::Family<prometheus::Counter>& events_;
  prometheus::Family<prometheus::Counter>& skipped_;
  prometheus::Family<prometheus::Counter>& failed_;
  prometheus::Family<prometheus::Counter>& filtered_;
  prometheus::Family<prometheus::Counter>& statements_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Counter>& server_messages_;
  prometheus::Family<prometheus::Counter>& divergent_;
  prometheus::Family<prometheus::Gauge>& shape_info_;
  prometheus::Family<prometheus::Gauge>& shapes_by_severity_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Counter>& fidelity_;
  prometheus::Family<prometheus::Counter>& capture_problems_;
  prometheus::Gauge& sessions_open_;
  prometheus::Gauge& in_flight_;
  prometheus::Gauge& capture_span_;
  prometheus::Gauge& capture_time_;
  prometheus::Gauge& wall_;
  prometheus::Gauge& input_ratio_;
  prometheus::Family<prometheus::Gauge>& verdict_;
  prometheus::Gauge& verdict_level_;
  prometheus::Gauge& finished_;
  prometheus::Gauge& exit_status_;
  std::unique_ptr<LockImpactMetrics> lock_impact_;  // --migrate-during's series
};

// "error_shadow_only" -> "breaking" etc.: the severity label of a class.
std::string severity_label(DivergenceClass divergence, const SeverityPolicy& policy = {});
// A SQLSTATE as a bounded label: five characters of [0-9A-Z], else "other".
std::string sqlstate_label(const std::string& sqlstate);

}  // namespace pgshadow::metrics
