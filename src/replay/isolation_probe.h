#pragma once
// The isolation probe (design.md, "Compare"): a statement that differed in the replay runs again
// inside BEGIN ... ROLLBACK on pristine clones of the two sides (the data the replay started
// from, the shadow with its migration). Still different there: the migration itself causes it.
// Equal there: the difference came from data the replay had already made different.
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "pgshadow/compare/result_signature.h"
#include "pgshadow/core/divergence_class.h"
#include "pgshadow/core/event.h"
#include "pgshadow/pg/session_connection.h"
#include "pgshadow/sql/query_shape.h"
#include "pgshadow/util/result.h"

namespace pgshadow::replay {

// The conninfo of a pristine clone (side 0 the baseline's, 1 the shadow's) for a captured user:
// the probe runs a statement with the privileges its replayed session had, never more.
using PristineLogin = std::function<Result<std::string>(int side, const std::string& user)>;

class IsolationProbe {
 public:
  // Connections are opened when a user's statement is first probed. Every probe statement waits
  // at most `limits` (answer_deadline.h).
  static Result<std::unique_ptr<IsolationProbe>> open(PristineLogin login, const std::string& statement_timeout,
                                                      const pg::WaitLimits& limits);

  // True when the statement gives the same result on both pristine clones and that result is
  // conclusive (the baseline succeeded there, or failed as it did in the replay). A statement
  // that depends on its session (temporary tables, cursors, prepared names) fails on a fresh
  // connection and is therefore inconclusive: false.
  Result<bool> equal_on_pristine_data(const Event& event, const compare::ResultSignature& replayed_baseline,
                                      const sql::StatementFacts& facts);
  // True when the statement gives the same result (or the same error) on both pristine clones,
  // whatever it gave in the replay: for a difference whose cause is known to lie in data the
  // replay left different (a missing parent row fails the same way on both clean copies).
  Result<bool> same_on_both_pristine(const Event& event, const sql::StatementFacts& facts);

 private:
  IsolationProbe() = default;
  Result<compare::ResultSignature> run(int side, const Event& event, const sql::StatementFacts& facts);
  // Error kInfrastructure when the pristine clone cannot be reached as that user.
  Result<pg::SessionConnection*> connection_for(int side, const std::string& user);

  PristineLogin login_;
  std::string statement_timeout_;
  std::array<std::map<std::string, std::unique_ptr<pg::SessionConnection>>, 2> connections_;  // by user
  pg::WaitLimits limits_;
};

}  // namespace pgshadow::replay
