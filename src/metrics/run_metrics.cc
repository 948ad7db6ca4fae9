// Counts that the replay reports event by event are counted live; counts that only the judge
// knows exactly (classes after its bookkeeping, fidelity, filtered events) are raised to the
// FindingsBook's accounting on each progress call, so /metrics and the JSON report agree.
#include "pgshadow/metrics/run_metrics.h"

#include <prometheus/text_serializer.h>

#include "lock_impact_metrics.h"

namespace pgshadow::metrics {
namespace {

using prometheus::Labels;

Labels constant_labels(const RunIdentity& identity) {
  Labels labels{{"run", identity.run}, {"shard", identity.shard}};
  if (!identity.scenario.empty()) labels["scenario"] = identity.scenario;
  return labels;
}

const prometheus::Histogram::BucketBoundaries& duration_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return buckets;
}

// The side a failure reason names ("baseline: connection lost"): the rest of the text is the
// server's or the driver's message and may quote anything, so it never becomes a label.
std::string failure_side(const std::string& reason) {
  if (reason.rfind("baseline", 0) == 0) return "baseline";
  if (reason.rfind("shadow", 0) == 0) return "shadow";
  return "unknown";
}

}  // namespace

std::string severity_label(DivergenceClass divergence, const SeverityPolicy& policy) {
  return std::string(to_string(severity_of(divergence, policy)));
}

std::string sqlstate_label(const std::string& sqlstate) {
  if (sqlstate.size() != 5) return BoundedLabel::kOther;
  for (char c : sqlstate) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return BoundedLabel::kOther;
  }
  return sqlstate;
}

#define PGSHADOW_FAMILY(kind, name, help) \
  prometheus::Build##kind().Name(name).Help(help).Labels(constant_labels(identity)).Register(*registry_)

RunMetrics::RunMetrics(const RunIdentity& identity, const judge::FindingsBook& findings,
                       MetricsSettings settings)
    : findings_(findings),
      settings_(settings),
      registry_(std::make_shared<prometheus::Registry>()),
      divergent_shapes_(settings.max_shapes),
      latency_shapes_(settings.max_shapes),
      skip_reasons_(settings.max_reasons),
      filter_reasons_(settings.max_reasons),
      problem_reasons_(settings.max_reasons),
      events_read_(PGSHADOW_FAMILY(Counter, "pgshadow_events_read_total",
                                   "Statements read from the capture so far.")),
      events_(PGSHADOW_FAMILY(Counter, "pgshadow_events_total",
                              "Events by fate: compared, skipped, failed, filtered, not_replayed.")),
      skipped_(PGSHADOW_FAMILY(Counter, "pgshadow_events_skipped_total",
                               "Events not replayed, by reason (bounded).")),
      failed_(PGSHADOW_FAMILY(Counter, "pgshadow_events_failed_total",
                              "Events that could not be run to completion, by the side that failed.")),
      filtered_(PGSHADOW_FAMILY(Counter, "pgshadow_events_filtered_total",
                                "Events left out by the filters, by reason (bounded).")),
      statements_(PGSHADOW_FAMILY(Counter, "pgshadow_statements_total",
                                  "Compared statements by divergence class and its severity.")),
      errors_(PGSHADOW_FAMILY(Counter, "pgshadow_statement_errors_total",
                              "Replayed statements that failed, by side and SQLSTATE.")),
      server_messages_(PGSHADOW_FAMILY(Counter, "pgshadow_server_messages_total",
                                       "NOTICE (level notice, with INFO) and WARNING (level warning) messages "
                                       "the servers raised during replayed statements, by side; counted, "
                                       "never kept.")),
      divergent_(PGSHADOW_FAMILY(Counter, "pgshadow_divergent_statements_total",
                                 "Statements that did not match, by class, severity and query shape "
                                 "(fingerprint; the first shapes seen, then \"other\").")),
      shape_info_(PGSHADOW_FAMILY(Gauge, "pgshadow_query_shape_info",
                                  "The normalized text (constants as $n) of each shape with its own label.")),
      shapes_by_severity_(PGSHADOW_FAMILY(Gauge, "pgshadow_query_shapes",
                                          "Query shapes seen so far, by their heaviest severity.")),
      duration_(PGSHADOW_FAMILY(Histogram, "pgshadow_statement_duration_seconds",
                                "Replay latency per side and query shape (send to last result).")),
      fidelity_(PGSHADOW_FAMILY(Counter, "pgshadow_replay_fidelity_statements_total",
                                "Compared statements whose baseline outcome did (reproduced) or did "
                                "not (not_reproduced) match production's.")),
      capture_problems_(PGSHADOW_FAMILY(Counter, "pgshadow_capture_problems_total",
                                        "Capture lines that could not be used, by reason (bounded).")),
      sessions_open_(PGSHADOW_FAMILY(Gauge, "pgshadow_replay_sessions_open",
                                     "Captured sessions with an open connection pair.").Add({})),
      in_flight_(PGSHADOW_FAMILY(Gauge, "pgshadow_replay_sessions_in_flight",
                                 "Sessions with a statement running.").Add({})),
      capture_span_(PGSHADOW_FAMILY(Gauge, "pgshadow_replay_capture_seconds",
                                    "Capture time replayed so far (latest event start minus the first's).")
                        .Add({})),
      capture_time_(PGSHADOW_FAMILY(Gauge, "pgshadow_replay_capture_timestamp_seconds",
                                    "Production start time of the latest event read (Unix time).").Add({})),
      wall_(PGSHADOW_FAMILY(Gauge, "pgshadow_replay_wall_seconds", "Wall time since the replay started.")
                .Add({})),
      input_ratio_(PGSHADOW_FAMILY(Gauge, "pgshadow_replay_input_ratio",
                                   "Share of the capture's bytes read (0..1), -1 when unknown.").Add({})),
      verdict_(PGSHADOW_FAMILY(Gauge, "pgshadow_verdict",
                               "1 for the run's verdict so far (safe, review, breaking), 0 for the others.")),
      verdict_level_(PGSHADOW_FAMILY(Gauge, "pgshadow_verdict_level",
                                     "The verdict so far as a number: 0 safe, 1 review, 2 breaking.").Add({})),
      finished_(PGSHADOW_FAMILY(Gauge, "pgshadow_run_finished",
                                "1 once the run is over and every count is final.").Add({})),
      exit_status_(PGSHADOW_FAMILY(Gauge, "pgshadow_exit_status",
                                   "The process exit status (0 safe, 1 breaking, 2 bad input, 3 "
                                   "infrastructure, 130/143 interrupted), -1 while the run goes on.").Add({})) {
  PGSHADOW_FAMILY(Gauge, "pgshadow_run_info", "The run's identity; always 1.")
      .Add({{"migration_digest", identity.migration_digest}, {"version", identity.version}, {"shards", identity.shards}})
      .Set(1);
  PGSHADOW_FAMILY(Gauge, "pgshadow_run_start_time_seconds", "When the run started (Unix time).")
      .Add({})
      .Set(identity.start_time_seconds);
  // Every series a dashboard asks for exists from the start, at zero: "no data" then means
  // "no run", never "nothing happened yet".
  events_read_.Add({});
  for (const char* fate : {"compared", "skipped", "failed", "filtered", "not_replayed"}) {
    events_.Add({{"outcome", fate}});
  }
  for (DivergenceClass c : kAllDivergenceClasses) {
    statements_.Add({{"class", std::string(to_string(c))}, {"severity", severity_label(c, findings_.settings().severities)}});
  }
  for (const char* side : {"baseline", "shadow"}) {
    failed_.Add({{"side", side}});
    for (const char* level : {"notice", "warning"}) server_messages_.Add({{"side", side}, {"level", level}});
  }
  for (const char* outcome : {"reproduced", "not_reproduced"}) fidelity_.Add({{"outcome", outcome}});
  for (const char* severity : {"none", "review", "breaking"}) shapes_by_severity_.Add({{"severity", severity}});
  input_ratio_.Set(-1);
  exit_status_.Set(-1);
  set_verdict(Verdict::kSafe);
  lock_impact_ = std::make_unique<LockImpactMetrics>(*registry_, constant_labels(identity), settings_.max_shapes,
                                                     settings_.max_normalized_chars, shape_info_);
}

RunMetrics::~RunMetrics() = default;

#undef PGSHADOW_FAMILY

void RunMetrics::on_compared(const replay::ComparedStatement& statement) {
  const std::string& fingerprint = statement.shape.fingerprint;
  for (const auto& [side, signature, ms] :
       {std::tuple{"baseline", &statement.baseline, statement.baseline_ms},
        std::tuple{"shadow", &statement.shadow, statement.shadow_ms}}) {
    if (!signature->succeeded) {
      errors_.Add({{"side", side}, {"sqlstate", sqlstate_label(signature->sqlstate)}}).Increment();
    }
    if (signature->notices > 0) server_messages_.Add({{"side", side}, {"level", "notice"}}).Increment(signature->notices);
    if (signature->warnings > 0) server_messages_.Add({{"side", side}, {"level", "warning"}}).Increment(signature->warnings);
    duration_.Add({{"side", side}, {"shape", latency_shapes_.label_for(fingerprint)}}, duration_buckets())
        .Observe(ms / 1000.0);
  }
  if (statement.divergence == DivergenceClass::kMatch) return;
  bool is_new = false;
  const std::string shape = divergent_shapes_.label_for(fingerprint, &is_new);
  if (is_new) {
    shape_info_.Add({{"shape", shape}, {"normalized", shape_info_text(statement.shape.normalized, settings_.max_normalized_chars)}})
        .Set(1);
  }
  divergent_
      .Add({{"class", std::string(to_string(statement.divergence))},
            {"severity", severity_label(statement.divergence, findings_.settings().severities)},
            {"shape", shape}})
      .Increment();
}

void RunMetrics::on_skipped(const Event&, const std::string& reason) {
  skipped_.Add({{"reason", skip_reasons_.label_for(reason)}}).Increment();
}

void RunMetrics::on_failed(const Event&, const std::string& reason) {
  failed_.Add({{"side", failure_side(reason)}}).Increment();
}

void RunMetrics::on_progress(const replay::ReplayProgress& progress) {
  if (progress.events > events_seen_) {
    events_read_.Add({}).Increment(static_cast<double>(progress.events - events_seen_));
    events_seen_ = progress.events;
  }
  sessions_open_.Set(static_cast<double>(progress.sessions_open));
  in_flight_.Set(static_cast<double>(progress.in_flight));
  if (progress.first_capture_us != 0) {
    capture_span_.Set(static_cast<double>(progress.current_capture_us - progress.first_capture_us) / 1e6);
    capture_time_.Set(static_cast<double>(progress.current_capture_us) / 1e6);
  }
  wall_.Set(progress.wall_seconds);
  input_ratio_.Set(progress.input_fraction);
  sync_with_findings();
}

void RunMetrics::record_final(const InputProblems* capture_problems, int exit_status) {
  sync_with_findings();
  const judge::Accounting& accounting = findings_.accounting();
  if (accounting.captured > events_seen_) {
    events_read_.Add({}).Increment(static_cast<double>(accounting.captured - events_seen_));
    events_seen_ = accounting.captured;
  }
  for (const auto& [reason, count] : accounting.filtered_by_reason) {
    raise_to(filtered_.Add({{"reason", filter_reasons_.label_for(reason)}}), static_cast<double>(count));
  }
  if (const auto& migration = findings_.migration_finding(); migration) {
    const DivergenceClass c = DivergenceClass::kMigrationFailed;
    raise_to(divergent_.Add({{"class", std::string(to_string(c))}, {"severity", severity_label(c, findings_.settings().severities)},
                             {"shape", "migration"}}),
             1);
  }
  if (capture_problems != nullptr) {
    for (const auto& [reason, count] : capture_problems->count_by_reason()) {
      raise_to(capture_problems_.Add({{"reason", problem_reasons_.label_for(reason)}}),
               static_cast<double>(count));
    }
  }
  exit_status_.Set(exit_status);
  finished_.Set(1);
}

std::string RunMetrics::text() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

void RunMetrics::sync_with_findings() {
  const judge::Accounting& a = findings_.accounting();
  const std::pair<const char*, std::uint64_t> fates[] = {
      {"compared", a.compared}, {"skipped", a.skipped}, {"failed", a.failed},
      {"filtered", a.filtered}, {"not_replayed", a.not_replayed}};
  for (const auto& [fate, count] : fates) {
    raise_to(events_.Add({{"outcome", fate}}), static_cast<double>(count));
  }
  for (const auto& [c, count] : a.classes) {
    raise_to(statements_.Add({{"class", std::string(to_string(c))}, {"severity", severity_label(c, findings_.settings().severities)}}),
             static_cast<double>(count));
  }
  raise_to(fidelity_.Add({{"outcome", "reproduced"}}), static_cast<double>(a.reproduced));
  raise_to(fidelity_.Add({{"outcome", "not_reproduced"}}), static_cast<double>(a.not_reproduced));
  std::map<std::string, double> shapes{{"none", 0}, {"review", 0}, {"breaking", 0}};
  for (const judge::ShapeFindings* shape : findings_.shapes_by_importance()) {
    shapes[std::string(to_string(shape->severity()))] += 1;
  }
  for (const auto& [severity, count] : shapes) shapes_by_severity_.Add({{"severity", severity}}).Set(count);
  set_verdict(findings_.verdict());
  lock_impact_->sync(findings_.lock_impact());
}

void RunMetrics::set_verdict(Verdict verdict) {
  for (Verdict v : {Verdict::kSafe, Verdict::kReview, Verdict::kBreaking}) {
    verdict_.Add({{"verdict", std::string(to_string(v))}}).Set(v == verdict ? 1 : 0);
  }
  verdict_level_.Set(static_cast<double>(static_cast<int>(verdict)));
}

void RunMetrics::raise_to(prometheus::Counter& counter, double total) { raise_counter_to(counter, total); }

}  // namespace pgshadow::metrics
