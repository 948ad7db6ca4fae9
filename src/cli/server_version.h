#pragma once
// The server_version a server reports, for the run's report and the rollout's phases.
#include <string>

#include "pgshadow/util/result.h"

namespace pgshadow::cli {

// SHOW server_version over a session connection to conninfo (given up when the run is
// interrupted). Errors as pg::SessionConnection's.
Result<std::string> server_version(const std::string& conninfo);

}  // namespace pgshadow::cli
