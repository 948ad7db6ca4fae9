#pragma once
// `pgshadow rollout SCENARIO_DIR`: the rolling deploy of a deploy plan (rollout/deploy_plan.h),
// each step replayed on its own pair of embedded databases, the result a phase matrix.
#include <string>

#include <CLI/CLI.hpp>

#include "replay_options.h"

namespace pgshadow::cli {

struct RolloutOptions {
  std::string scenario_dir;
  std::string plan_file;      // default: SCENARIO_DIR/deploy.yaml
  std::string baseline_file;  // default: SCENARIO_DIR/baseline.sql or baseline.dump
  std::string globals_file;   // default: SCENARIO_DIR/globals.sql when present
  std::string database_owner;
  std::string pg_bin;
  std::string report_file;    // JSON (docs/rollout-report.md)
  std::string markdown_file;
  std::string junit_file;
  std::string html_file;
  std::string metrics_file;   // the matrix as Prometheus text (a textfile collector)
  std::string pushgateway;    // the matrix pushed at the end (job pgshadow_rollout, grouping run)
  std::string run_id;
  std::string fail_on = "breaking";
  bool quiet = false;
  ReplayOptions replay;
};

void add_rollout_command(CLI::App& app, RolloutOptions& options);

// Runs the whole plan and returns the process exit status (design.md).
int run_rollout(const RolloutOptions& options);

}  // namespace pgshadow::cli
