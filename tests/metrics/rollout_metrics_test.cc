#include <catch2/catch.hpp>

#include "pgshadow/metrics/rollout_metrics.h"

namespace pgshadow::metrics {

TEST_CASE("the phase matrix gives one verdict series per cell, the checks and the plan's verdict", "[metrics]") {
  rollout::PhaseMatrix matrix;
  rollout::MatrixRow contract;
  contract.step = "contract";
  rollout::Cell old_app;
  old_app.verdict = rollout::CellVerdict::kBreaking;
  old_app.deployed = true;
  old_app.findings.resize(4);
  rollout::Cell new_app;
  new_app.version = rollout::AppVersion::kNew;
  new_app.verdict = rollout::CellVerdict::kSafe;
  new_app.deployed = true;
  contract.cells = {old_app, new_app};
  rollout::CheckOutcome restored;
  restored.name = "names restored";
  restored.state = rollout::CheckOutcome::State::kFailed;
  contract.checks = {restored};
  matrix.rows = {contract};
  rollout::decide(matrix);

  const std::string text = exposition_text(*rollout_registry(matrix, {"r1", "rename", 1764600000}));
  INFO(text);
  CHECK(text.find("pgshadow_rollout_cell{run=\"r1\",deployed=\"true\",step=\"contract\",verdict=\"breaking\","
                  "version=\"old\"} 1") != std::string::npos);
  CHECK(text.find("pgshadow_rollout_cell{run=\"r1\",deployed=\"true\",step=\"contract\",verdict=\"safe\","
                  "version=\"new\"} 1") != std::string::npos);
  CHECK(text.find("pgshadow_rollout_cell_findings{run=\"r1\",step=\"contract\",version=\"old\"} 4") != std::string::npos);
  CHECK(text.find("pgshadow_rollout_check_passed{run=\"r1\",check=\"names restored\",step=\"contract\"} 0") !=
        std::string::npos);
  CHECK(text.find("pgshadow_rollout_verdict{run=\"r1\",verdict=\"breaking\"} 1") != std::string::npos);
  CHECK(text.find("pgshadow_rollout_verdict_level{run=\"r1\"} 2\n") != std::string::npos);
  CHECK(text.find("pgshadow_rollout_start_time_seconds{run=\"r1\",scenario=\"rename\"} 1764600000\n") != std::string::npos);
}

}  // namespace pgshadow::metrics
