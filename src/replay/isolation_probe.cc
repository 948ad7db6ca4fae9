#include "isolation_probe.h"

#include "pgshadow/compare/classify.h"
#include "blocking_run.h"
#include "signature_sink.h"

namespace pgshadow::replay {

Result<std::unique_ptr<IsolationProbe>> IsolationProbe::open(const std::string& baseline_conninfo,
                                                             const std::string& shadow_conninfo,
                                                             const std::string& statement_timeout,
                                                             const pg::WaitLimits& limits) {
  std::unique_ptr<IsolationProbe> probe(new IsolationProbe());
  probe->limits_ = limits;
  const std::vector<std::pair<std::string, std::string>> settings = {{"statement_timeout", statement_timeout}};
  auto baseline = pg::SessionConnection::open(baseline_conninfo, settings, limits.interrupted);
  if (!baseline) return Error{baseline.error().kind, "isolation probe, baseline: " + baseline.error().message};
  auto shadow = pg::SessionConnection::open(shadow_conninfo, settings, limits.interrupted);
  if (!shadow) return Error{shadow.error().kind, "isolation probe, shadow: " + shadow.error().message};
  probe->baseline_ = std::move(baseline).value();
  probe->shadow_ = std::move(shadow).value();
  return probe;
}

Result<compare::ResultSignature> IsolationProbe::run(pg::SessionConnection& connection, const Event& event) {
  pg::DiscardingSink discard;
  const pg::StatementRequest begin{"BEGIN", false, "", nullptr};
  if (auto begun = run_blocking(connection, begin, discard, limits_); !begun) return begun.error();
  // Unnamed on purpose: the probe connection keeps no prepared statements between probes.
  const pg::StatementRequest request{event.sql, event.protocol == Protocol::kExtended, "", &event.parameters};
  auto signature = signature_blocking(connection, request, limits_);
  if (!signature) return signature.error();
  const pg::StatementRequest rollback{"ROLLBACK", false, "", nullptr};
  if (auto rolled_back = run_blocking(connection, rollback, discard, limits_); !rolled_back) return rolled_back.error();
  return std::move(signature).value();
}

Result<bool> IsolationProbe::equal_on_pristine_data(const Event& event,
                                                    const compare::ResultSignature& replayed_baseline,
                                                    bool ordered) {
  auto baseline = run(*baseline_, event);
  if (!baseline) return baseline.error();
  auto shadow = run(*shadow_, event);
  if (!shadow) return shadow.error();
  const bool conclusive = baseline->succeeded ||
                          (!replayed_baseline.succeeded && baseline->sqlstate == replayed_baseline.sqlstate);
  return conclusive && compare::classify(*baseline, *shadow, {ordered}) == DivergenceClass::kMatch;
}

}  // namespace pgshadow::replay
