#pragma once
// `pgshadow verify --migrate-during [AT] --max-blocked DURATION`: the migration applied while
// the traffic replays, and the longest wait behind its locks a statement may suffer.
#include <string>

#include <CLI/CLI.hpp>

#include "pgshadow/util/result.h"

namespace pgshadow::cli {

inline constexpr const char* kDefaultMigrationPoint = "busiest";

struct LockImpactOptions {
  bool migrate_during = false;
  std::string at = kDefaultMigrationPoint;  // a time into the capture ("30s"), a share ("50%"), "busiest"
  std::string max_blocked = "3s";
};

void add_lock_impact_options(CLI::App& verify, LockImpactOptions& options);

}  // namespace pgshadow::cli
