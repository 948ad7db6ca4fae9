#include "pgshadow/replay/plan_probe.h"

#include "answer_deadline.h"
#include "blocking_run.h"

namespace pgshadow::replay {
namespace {

// Keeps the first value of the first row: EXPLAIN (FORMAT JSON) returns the plan as one text.
class FirstValueSink final : public pg::RowSink {
 public:
  void on_columns(const std::vector<pg::ColumnDescription>&) override {}
  void on_row(const std::vector<std::optional<std::string_view>>& values) override {
    if (!value_ && !values.empty() && values[0]) value_ = std::string(*values[0]);
  }
  const std::optional<std::string>& value() const { return value_; }

 private:
  std::optional<std::string> value_;
};

// The plan, or nullopt when the side cannot plan it. The connection stays usable either way:
// it is outside a transaction, so a failed EXPLAIN leaves nothing aborted behind.
Result<std::optional<compare::QueryPlan>> plan_on(pg::SessionConnection& connection, const Event& event,
                                                  const pg::WaitLimits& limits) {
  const std::string explain = "EXPLAIN (FORMAT JSON) " + event.sql;
  // Unnamed: EXPLAIN cannot run a captured prepared statement by its name, and the probe keeps
  // no prepared statements of its own.
  const pg::StatementRequest request{explain, event.protocol == Protocol::kExtended, "", &event.parameters};
  FirstValueSink sink;
  auto completion = run_blocking(connection, request, sink, limits);
  if (!completion) return completion.error();
  if (!completion->succeeded || !sink.value()) return std::optional<compare::QueryPlan>();
  auto plan = compare::parse_explain_json(*sink.value());
  if (!plan) return std::optional<compare::QueryPlan>();
  return std::optional<compare::QueryPlan>(std::move(plan).value());
}

}  // namespace

Result<std::vector<PlanPair>> explain_on_both_sides(const ReplayTargets& targets,
                                                   const std::vector<PlanRequest>& requests,
                                                   const std::string& statement_timeout,
                                                   const std::atomic<bool>* interrupted) {
  std::vector<PlanPair> pairs;
  if (requests.empty()) return pairs;
  const pg::WaitLimits limits{answer_deadline(statement_timeout).value_or(std::chrono::milliseconds(0)), interrupted};
  const std::vector<std::pair<std::string, std::string>> settings = {{"statement_timeout", statement_timeout}};
  auto baseline = pg::SessionConnection::open(targets.baseline_conninfo, settings, interrupted);
  if (!baseline) return Error::infrastructure("plans, baseline: " + baseline.error().message);
  auto shadow = pg::SessionConnection::open(targets.shadow_conninfo, settings, interrupted);
  if (!shadow) return Error::infrastructure("plans, shadow: " + shadow.error().message);
  for (const PlanRequest& request : requests) {
    PlanPair pair;
    pair.fingerprint = request.fingerprint;
    auto on_baseline = plan_on(**baseline, request.example, limits);
    if (!on_baseline) return Error{on_baseline.error().kind, "plans, baseline: " + on_baseline.error().message};
    auto on_shadow = plan_on(**shadow, request.example, limits);
    if (!on_shadow) return Error{on_shadow.error().kind, "plans, shadow: " + on_shadow.error().message};
    pair.baseline = std::move(*on_baseline);
    pair.shadow = std::move(*on_shadow);
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

}  // namespace pgshadow::replay
