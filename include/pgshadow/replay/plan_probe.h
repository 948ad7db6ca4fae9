#pragma once
// After the replay: each query shape's plan on both sides, from EXPLAIN (FORMAT JSON) of one
// captured execution (its text and its parameters). EXPLAIN without ANALYZE plans the statement
// and runs nothing, so it is safe for writes too. Both sides hold the same data and the same
// statistics (the embedded clusters run without autovacuum, so nothing re-samples them on one
// side only), so the plans differ only where the migration changed what the planner uses.
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "pgshadow/compare/query_plan.h"
#include "pgshadow/core/event.h"
#include "pgshadow/replay/replay.h"
#include "pgshadow/util/result.h"

namespace pgshadow::replay {

struct PlanRequest {
  std::string fingerprint;
  Event example;  // one execution of the shape that succeeded on both sides
};

struct PlanPair {
  std::string fingerprint;
  // nullopt when that side cannot plan the statement on a fresh connection (it needs its
  // session's temporary tables or settings, or its parameters' types cannot be inferred).
  std::optional<compare::QueryPlan> baseline;
  std::optional<compare::QueryPlan> shadow;
};

// One PlanPair per request, in request order. Error kInfrastructure only when a side cannot be
// reached at all; a statement that cannot be planned gives nullopt on that side.
Result<std::vector<PlanPair>> explain_on_both_sides(const ReplayTargets& targets,
                                                   const std::vector<PlanRequest>& requests,
                                                   const std::string& statement_timeout,
                                                   const std::atomic<bool>* interrupted = nullptr);

}  // namespace pgshadow::replay
