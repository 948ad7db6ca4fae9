#include "isolation_probe.h"

#include "pgshadow/compare/classify.h"
#include "blocking_run.h"
#include "signature_sink.h"

namespace pgshadow::replay {

Result<std::unique_ptr<IsolationProbe>> IsolationProbe::open(PristineLogin login, const std::string& statement_timeout,
                                                             const pg::WaitLimits& limits) {
  std::unique_ptr<IsolationProbe> probe(new IsolationProbe());
  probe->login_ = std::move(login);
  probe->statement_timeout_ = statement_timeout;
  probe->limits_ = limits;
  return probe;
}

Result<pg::SessionConnection*> IsolationProbe::connection_for(int side, const std::string& user) {
  auto& known = connections_[static_cast<std::size_t>(side)];
  if (auto found = known.find(user); found != known.end()) return found->second.get();
  const char* name = side == 0 ? "isolation probe, baseline: " : "isolation probe, shadow: ";
  auto conninfo = login_(side, user);
  if (!conninfo) return Error::infrastructure(name + conninfo.error().message);
  auto opened = pg::SessionConnection::open(*conninfo, {{"statement_timeout", statement_timeout_}}, limits_.interrupted);
  if (!opened) return Error{opened.error().kind, name + opened.error().message};
  return known.emplace(user, std::move(opened).value()).first->second.get();
}

Result<compare::ResultSignature> IsolationProbe::run(int side, const Event& event, const sql::StatementFacts& facts) {
  auto opened = connection_for(side, event.user);
  if (!opened) return opened.error();
  pg::SessionConnection& connection = **opened;
  pg::DiscardingSink discard;
  const pg::StatementRequest begin{"BEGIN", false, "", nullptr};
  if (auto begun = run_blocking(connection, begin, discard, limits_); !begun) return begun.error();
  // Unnamed on purpose: the probe connection keeps no prepared statements between probes.
  const pg::StatementRequest request{event.sql, event.protocol == Protocol::kExtended, "", &event.parameters};
  auto signature = signature_blocking(connection, request, limits_, facts.sort_order);
  if (!signature) return signature.error();
  const pg::StatementRequest rollback{"ROLLBACK", false, "", nullptr};
  if (auto rolled_back = run_blocking(connection, rollback, discard, limits_); !rolled_back) return rolled_back.error();
  return std::move(signature).value();
}

Result<bool> IsolationProbe::equal_on_pristine_data(const Event& event,
                                                    const compare::ResultSignature& replayed_baseline,
                                                    const sql::StatementFacts& facts) {
  auto baseline = run(0, event, facts);
  if (!baseline) return baseline.error();
  auto shadow = run(1, event, facts);
  if (!shadow) return shadow.error();
  const bool conclusive = baseline->succeeded ||
                          (!replayed_baseline.succeeded && baseline->sqlstate == replayed_baseline.sqlstate);
  return conclusive && compare::classify(*baseline, *shadow, {facts.has_top_level_order_by}) == DivergenceClass::kMatch;
}

Result<bool> IsolationProbe::same_on_both_pristine(const Event& event, const sql::StatementFacts& facts) {
  auto baseline = run(0, event, facts);
  if (!baseline) return baseline.error();
  auto shadow = run(1, event, facts);
  if (!shadow) return shadow.error();
  return compare::classify(*baseline, *shadow, {facts.has_top_level_order_by}) == DivergenceClass::kMatch;
}

}  // namespace pgshadow::replay
