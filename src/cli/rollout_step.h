#pragma once
// One row of the phase matrix: a plan step (a phase, or the rollback) replayed on its own pairs
// of embedded clusters.
//
// The "before" pair: both sides start from the state the step begins in (the scenario's
// baseline for the first phase, else the state an earlier step left, as pg_dump output); the
// shadow then gets the step's migrations. The versions that ran before the step and still run
// during it replay there, interleaved as their pods serve side by side (interleaved_traffic.h):
// the comparison says what the step changes for them.
// The "after" pair (when needed): both sides hold the shadow's state after that, migrations
// and all. A version deployed with the step (new code in its first phase, old code rolled back)
// replays there: it never ran on the schema before the step, so only what fails after the step
// counts. Deployed traffic changes the data as production would; the step's checks then run on
// the shadow, which is dumped as the state the next step starts from. The versions not deployed
// during the step replay last, on the after pair: what they would do there, never carried on.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pgshadow/pg/database_setup.h"
#include "pgshadow/replay/replay.h"
#include "pgshadow/rollout/deploy_plan.h"
#include "pgshadow/rollout/phase_matrix.h"
#include "pgshadow/util/result.h"

namespace pgshadow::cli {

// What every step shares: the inputs, read and checked once before any server starts.
struct RolloutContext {
  const rollout::DeployPlan* plan = nullptr;
  std::string database;  // as the captures name it
  std::set<std::string> captured_users;
  std::set<std::string> created_by_traffic;
  std::string globals_file;
  std::string database_owner;
  std::string pg_bin;
  bool as_captured_user = true;
  replay::ReplaySettings settings;
  std::string scratch_dir;  // where the states between steps are kept (pgshadow's own)
  bool quiet = false;
};

struct StepResult {
  rollout::MatrixRow row;
  std::string end_state;  // the pg_dump archive of the shadow after the deployed traffic; empty when not run
  std::string server_version;
};

struct StepInputs {
  const rollout::PlanStep* step = nullptr;
  bool is_rollback = false;
  // The versions deployed during the step before (the first phase: the old one; the rollback:
  // those of the phase it rolls back).
  std::vector<rollout::AppVersion> deployed_before;
  const std::vector<pg::MigrationScript>* scripts = nullptr;  // read and parsed already
  std::string start_state;  // a baseline file, or an earlier step's end state
  std::string state_name;   // names the state files this step leaves ("2-backfill")
};

// Errors: kInfrastructure (a server), kInterrupted; kBadInput for a start state that cannot be
// loaded.
Result<StepResult> run_step(const RolloutContext& context, const StepInputs& inputs);

}  // namespace pgshadow::cli
