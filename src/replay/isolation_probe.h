#pragma once
// The isolation probe (design.md, "Compare"): a statement that differed in the replay runs again
// inside BEGIN ... ROLLBACK on pristine clones of the two sides (the data the replay started
// from, the shadow with its migration). Still different there: the migration itself causes it.
// Equal there: the difference came from data the replay had already made different.
#include <memory>
#include <optional>
#include <string>

#include "pgshadow/compare/result_signature.h"
#include "pgshadow/core/divergence_class.h"
#include "pgshadow/core/event.h"
#include "pgshadow/pg/session_connection.h"
#include "pgshadow/util/result.h"

namespace pgshadow::replay {

class IsolationProbe {
 public:
  // Error kInfrastructure when a pristine clone cannot be reached.
  // Every probe statement waits at most `limits` (answer_deadline.h).
  static Result<std::unique_ptr<IsolationProbe>> open(const std::string& baseline_conninfo,
                                                      const std::string& shadow_conninfo,
                                                      const std::string& statement_timeout,
                                                      const pg::WaitLimits& limits);

  // True when the statement gives the same result on both pristine clones and that result is
  // conclusive (the baseline succeeded there, or failed as it did in the replay). A statement
  // that depends on its session (temporary tables, cursors, prepared names) fails on a fresh
  // connection and is therefore inconclusive: false.
  Result<bool> equal_on_pristine_data(const Event& event, const compare::ResultSignature& replayed_baseline,
                                      bool ordered);

 private:
  IsolationProbe() = default;
  Result<compare::ResultSignature> run(pg::SessionConnection& connection, const Event& event);

  std::unique_ptr<pg::SessionConnection> baseline_;
  std::unique_ptr<pg::SessionConnection> shadow_;
  pg::WaitLimits limits_;
};

}  // namespace pgshadow::replay
