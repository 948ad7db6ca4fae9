#pragma once
// The inputs of `pgshadow verify`, as given on the command line and completed from a scenario
// directory.
#include <optional>
#include <string>
#include <vector>

#include "filter_options.h"
#include "lock_impact_options.h"
#include "observability.h"
#include "replay_options.h"
#include "verify_outputs.h"
#include "pgshadow/core/verdict.h"
#include "pgshadow/util/result.h"

namespace pgshadow::cli {

struct VerifyOptions {
  std::string scenario_dir;  // optional positional argument
  std::string baseline_file;
  std::vector<std::string> migration_files;
  std::vector<std::string> capture_paths;
  std::string baseline_dsn;
  std::string shadow_dsn;
  std::string pg_bin;
  bool keep_server = false;
  bool include_literals = false;
  bool show_values = false;  // row values in the row differences (implied by include_literals)
  std::string production_dsn;  // refuse to replay against this database
  std::vector<std::string> arguments;  // the command line after "verify", for the reports
  std::string globals_file;    // pg_dumpall --globals-only output: the roles (embedded mode)
  std::string database_owner;  // owner of the embedded database (default: the archive's, else pgshadow_owner)
  FilterOptions filters;
  ReplayOptions replay;
  LockImpactOptions locks;  // --migrate-during, --max-blocked
  OutputOptions outputs;
  ObservabilityOptions observability;
};

// Fills what the scenario directory provides and the flags did not: baseline.sql or
// baseline.dump, migrations/*.sql in name order, traffic/. Then checks that every named file
// exists. Error kBadInput naming the missing piece.
Status complete_from_scenario(VerifyOptions& options);

// Runs the whole verification and returns the process exit status.
int run_verify(const VerifyOptions& options);

}  // namespace pgshadow::cli
