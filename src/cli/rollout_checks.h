#pragma once
// The data checks of a rollout step, run on a side's database once the step's deployed traffic
// has run: the plan's check queries, and for the rollback its own rows_preserved check. Read-only
// sessions (default_transaction_read_only) as the embedded cluster's bootstrap superuser.
#include <atomic>
#include <string>
#include <vector>

#include "pgshadow/rollout/deploy_plan.h"
#include "pgshadow/rollout/phase_matrix.h"
#include "pgshadow/util/result.h"

namespace pgshadow::cli {

// Each check's outcome; a query the server rejects is a kError outcome naming its SQLSTATE and
// message (the plan's mistake), not an Error. Error kInfrastructure when the database cannot be
// reached; kInterrupted.
Result<std::vector<rollout::CheckOutcome>> run_data_checks(const std::string& conninfo,
                                                           const std::vector<rollout::DataCheck>& checks,
                                                           const std::atomic<bool>* interrupted);

// "rows written during the later phases are still there": every table of `before` (the state
// the rollback starts from) has at least as many rows in `after` (the rolled-back state, before
// any traffic). A table the rollback dropped with rows in it lost them.
Result<rollout::CheckOutcome> check_rows_preserved(const std::string& before, const std::string& after,
                                                   const std::atomic<bool>* interrupted);

}  // namespace pgshadow::cli
