#pragma once
// The phase matrix of `pgshadow rollout` as Prometheus metrics: a verdict per step and version,
// each check's state, and the plan's verdict, for the Pushgateway or a textfile collector. Label
// values are the plan's step and check names and fixed words, never anything of the traffic.
#include <cstdint>
#include <memory>
#include <string>

#include <prometheus/registry.h>

#include "pgshadow/rollout/phase_matrix.h"

namespace pgshadow::metrics {

struct RolloutRun {
  std::string run_id;
  std::string scenario;            // the scenario directory's name
  std::int64_t started_unix = 0;   // seconds since the epoch: the dashboard opens on the newest
};

// pgshadow_rollout_cell{run, step, version, verdict, deployed} 1 (one series per cell),
// pgshadow_rollout_cell_findings{run, step, version}, pgshadow_rollout_check_passed{run, step,
// check} (1 passed, 0 failed or not run), pgshadow_rollout_verdict{run, verdict} 1,
// pgshadow_rollout_verdict_level{run} (0 safe, 1 review, 2 breaking, 3 incomplete) and
// pgshadow_rollout_start_time_seconds{run, scenario}.
std::shared_ptr<prometheus::Registry> rollout_registry(const rollout::PhaseMatrix& matrix, const RolloutRun& run);

// The registry in the text exposition format.
std::string exposition_text(const prometheus::Registry& registry);

}  // namespace pgshadow::metrics
