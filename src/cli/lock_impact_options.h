#pragma once
// `pgshadow verify --migrate-during [AT] --max-blocked DURATION --scale-table TABLE=ROWS`: the
// migration applied while the traffic replays, the longest wait behind its locks a statement
// may suffer, and the tables grown to production size first.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "pgshadow/pg/table_scaling.h"
#include "pgshadow/util/result.h"

namespace pgshadow::cli {

inline constexpr const char* kDefaultMigrationPoint = "busiest";

struct LockImpactOptions {
  bool migrate_during = false;
  std::string at = kDefaultMigrationPoint;  // a time into the capture ("30s"), a share ("50%"), "busiest"
  std::string max_blocked = "3s";
  std::vector<pg::TableScale> scale_tables;  // in the order given
};

void add_lock_impact_options(CLI::App& verify, LockImpactOptions& options);

}  // namespace pgshadow::cli
