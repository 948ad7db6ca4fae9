#include "pgshadow/metrics/rollout_metrics.h"

#include <prometheus/gauge.h>
#include <prometheus/text_serializer.h>

namespace pgshadow::metrics {

std::shared_ptr<prometheus::Registry> rollout_registry(const rollout::PhaseMatrix& matrix, const RolloutRun& of_run) {
  auto registry = std::make_shared<prometheus::Registry>();
  const prometheus::Labels run = {{"run", of_run.run_id}};
  auto& cells = prometheus::BuildGauge()
                    .Name("pgshadow_rollout_cell")
                    .Help("A cell of the phase matrix: 1 on the series of its verdict (safe, review, breaking, expected, "
                          "not_run)")
                    .Labels(run)
                    .Register(*registry);
  auto& findings = prometheus::BuildGauge()
                       .Name("pgshadow_rollout_cell_findings")
                       .Help("Findings (query shapes with a class that weighs) in a cell of the phase matrix")
                       .Labels(run)
                       .Register(*registry);
  auto& checks = prometheus::BuildGauge()
                     .Name("pgshadow_rollout_check_passed")
                     .Help("A data check of a rollout step: 1 passed, 0 failed or could not run")
                     .Labels(run)
                     .Register(*registry);
  auto& verdict = prometheus::BuildGauge()
                      .Name("pgshadow_rollout_verdict")
                      .Help("The deploy plan's verdict: 1 on the series of its verdict")
                      .Labels(run)
                      .Register(*registry);
  for (const rollout::MatrixRow& row : matrix.rows) {
    for (const rollout::Cell& cell : row.cells) {
      const std::string version(rollout::to_string(cell.version));
      cells.Add({{"step", row.step},
                 {"version", version},
                 {"verdict", std::string(rollout::to_string(cell.verdict))},
                 {"deployed", cell.deployed ? "true" : "false"}})
          .Set(1);
      findings.Add({{"step", row.step}, {"version", version}}).Set(static_cast<double>(cell.findings.size()));
    }
    for (const rollout::CheckOutcome& check : row.checks) {
      checks.Add({{"step", row.step}, {"check", check.name}})
          .Set(check.state == rollout::CheckOutcome::State::kPassed ? 1 : 0);
    }
  }
  verdict.Add({{"verdict", std::string(to_string(matrix.verdict))}}).Set(1);
  // One number for the dashboard's verdict panel and alerts: an incomplete matrix proves nothing.
  const double level = matrix.incomplete                       ? 3
                       : matrix.verdict == Verdict::kBreaking ? 2
                       : matrix.verdict == Verdict::kReview   ? 1
                                                              : 0;
  prometheus::BuildGauge()
      .Name("pgshadow_rollout_verdict_level")
      .Help("The deploy plan's verdict as a number: 0 safe, 1 review, 2 breaking, 3 incomplete")
      .Labels(run)
      .Register(*registry)
      .Add({})
      .Set(level);
  prometheus::BuildGauge()
      .Name("pgshadow_rollout_start_time_seconds")
      .Help("When the rollout run started (Unix seconds): the dashboard opens on the newest run")
      .Labels(run)
      .Register(*registry)
      .Add({{"scenario", of_run.scenario}})
      .Set(static_cast<double>(of_run.started_unix));
  return registry;
}

std::string exposition_text(const prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

}  // namespace pgshadow::metrics
