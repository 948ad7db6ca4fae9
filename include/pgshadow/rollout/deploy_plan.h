#pragma once
// A deploy plan (deploy.yaml): the phases of a rolling deploy in order, the migrations each
// applies, the application versions whose traffic runs while it is in force, the data checks
// that must hold after it, and optionally the way back (a rollback after one phase).
//
//   phases:
//     - name: expand
//       migrations: [001_add_full_name.sql]      # under the scenario's migrations/
//       traffic: [old]                           # old | new | both (interleaved)
//       share: {new: 30%}                        # with both: the new application's part
//       checks:
//         - name: dual write agrees
//           query: SELECT count(*) FROM users WHERE full_name IS DISTINCT FROM name
//   rollback:
//     after: contract
//     migrations: [down/004_restore_name.sql]
//     traffic: [old]
//   captures: {old: traffic/old, new: traffic/new}  # optional; these are the defaults
//
// Parsing is a pure function of the text: no file is opened, so every mistake of a plan is
// found at once and named with its place (deploy.yaml:LINE) and the value at fault.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgshadow/util/result.h"

namespace pgshadow::rollout {

// The two applications of a rolling deploy: the one running today (N) and the one being
// rolled out (N+1).
enum class AppVersion { kOld, kNew };
inline constexpr AppVersion kAppVersions[] = {AppVersion::kOld, AppVersion::kNew};
std::string_view to_string(AppVersion version);  // "old", "new"

// A query that must find nothing wrong: it returns no row, or one row of one value that is
// 0, false, NULL or empty. Anything else is a failed check, shown with the value.
struct DataCheck {
  std::string name;
  std::string query;
  std::string where;  // "deploy.yaml:14"
};

struct MigrationRef {
  std::string written;  // as the plan names it: "down/004_restore_name.sql"
  std::string path;     // under the scenario's migrations/ directory
  std::string where;
};

// One row of the phase matrix: a phase, or the rollback.
struct PlanStep {
  std::string name;
  std::vector<MigrationRef> migrations;  // may be empty (a phase that only deploys code)
  std::vector<AppVersion> traffic;       // deployed during the step, as the plan names them; never empty
  // `share: {new: 30%}` with both versions deployed: the part of the step's traffic the new
  // application serves, as during a rollout that has replaced that share of the pods. Whole
  // sessions are kept, chosen reproducibly: that share of the new capture's sessions, the rest
  // of the old capture's. Unset: every session of both.
  std::optional<double> new_share;
  std::vector<DataCheck> checks;
  std::string where;

  bool deploys(AppVersion version) const;
};

struct Rollback {
  std::string after;  // the phase whose end state is rolled back
  PlanStep step;      // named "rollback"
};

struct DeployPlan {
  std::string file;  // as named, for messages
  std::vector<PlanStep> phases;
  std::optional<Rollback> rollback;
  // Each version's capture: a file or directory (default traffic/old, traffic/new).
  std::string old_capture;
  std::string new_capture;

  const std::string& capture_of(AppVersion version) const;
  // The phase the rollback starts from (its index in phases); the plan has a rollback.
  std::size_t rollback_after_index() const;
};

// `text` is the plan named `file`; relative paths are resolved against `scenario_dir`.
// Error kBadInput listing every mistake, one a line: "deploy.yaml:7: phase 'backfill': traffic
// names 'newer': give old or new".
Result<DeployPlan> parse_deploy_plan(const std::string& text, const std::string& file,
                                     const std::string& scenario_dir);

}  // namespace pgshadow::rollout
