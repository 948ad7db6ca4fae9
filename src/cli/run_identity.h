#pragma once
// Which run a `pgshadow verify` is, for every report and metric: the run id that the shards of
// one run share, and the command line as given (connection strings redacted).
#include <string>
#include <vector>

#include "pgshadow/util/result.h"

namespace pgshadow::cli {

// --run-id when given, else $PGSHADOW_RUN_ID, else $JOB_NAME (a Kubernetes Job's name through
// the downward API: deploy/k8s/), else the start time. Letters, digits and . _ : @ + - only, at
// most 128 (it is a Pushgateway grouping key and a file name part); kBadInput naming the flag or
// the variable it came from.
Result<std::string> resolve_run_id(const std::string& flag_value, const std::string& started_at);

// The flags after `verify`, each value of a *-dsn flag redacted (its password masked).
std::vector<std::string> recorded_options(const std::vector<std::string>& arguments);

}  // namespace pgshadow::cli
