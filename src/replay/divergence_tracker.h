#pragma once
// The divergence tracker: which earlier root finding a statement's difference follows from.
//
// A root finding (a statement the migration itself changes) can make later statements differ
// that the migration does not change: knock-on effects, reported as `consequence` naming their
// root and the cause, never raising the verdict. The tracker follows causes two ways:
//
//  - through the session: once one side's transaction is aborted by a root (the other side's
//    is not), every difference in that transaction follows from the root, until the
//    transaction ends on both sides or both roll back to a savepoint that existed before the
//    root. A savepoint created while one side was aborted exists on the other side only, so a
//    RELEASE or ROLLBACK TO of it fails on one side (3B001): also a consequence.
//  - through the data: a root that wrote (or a diverged transaction that committed on one side
//    only) leaves the tables it wrote different on the two sides. A later difference on a
//    statement that touches such a table, or writes a table whose foreign keys reference one (a
//    child row whose parent is missing on one side), is a consequence when the isolation probe
//    finds the two sides equal on pristine data. A write that ran on one side only also drew
//    ids on that side only: its tables' sequences differ at once, outside any transaction, so
//    the ids other sessions get there may differ until the sequences are re-aligned. Values that
//    differ with no such table in
//    sight, but equal on pristine data, follow from the most recent data root.
//
// Tables are matched by relation name (schema left out): a view or a trigger can hide a table
// from the statement's text; then only the pristine-data fallback for values applies.
// Pure logic: no connection, no clock. Not thread-safe.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "pgshadow/core/divergence_class.h"
#include "pgshadow/replay/replay.h"
#include "pgshadow/sql/query_shape.h"

namespace pgshadow::replay {

// What the tracker needs of one finished statement on one side.
struct SideOutcome {
  bool succeeded = true;
  std::string sqlstate;
  bool wrote = false;  // a successful INSERT/UPDATE/DELETE/MERGE/COPY or other write
  bool in_transaction_before = false;
  bool failed_before = false;  // its transaction was aborted before the statement
  bool in_transaction_after = false;
  bool failed_after = false;
};

// A write of values no replay can repeat (now(), random(), 'now'), and the tables it left so.
struct UnrepeatableSource {
  std::string fingerprint;
  std::string reason;
  // The statement created the table with those rows (CREATE TABLE AS): the pristine clones do
  // not have it, so only the source itself explains what a read of it finds.
  bool created_by_traffic = false;
};

struct StatementOutcome {
  std::string session_id;
  std::string fingerprint;
  const sql::StatementFacts* facts = nullptr;
  DivergenceClass divergence = DivergenceClass::kMatch;  // classified, nondeterminism applied
  SideOutcome baseline;
  SideOutcome shadow;
  // Tables the statement's written tables reference by foreign key (relation names), from the
  // catalog; where a missing parent row would show.
  std::set<std::string> referenced_tables;
};

class DivergenceTracker {
 public:
  // The session's cause of this statement's difference, if any (an aborted transaction, a
  // savepoint missing on one side). Call before record().
  std::optional<ConsequenceCause> session_cause(const StatementOutcome& statement) const;

  // Whether a data cause may explain the difference, so the isolation probe should run; and the
  // cause to report when the probe finds the sides equal on pristine data.
  std::optional<ConsequenceCause> data_cause(const StatementOutcome& statement) const;

  // The statement's final class and cause: updates sessions, savepoints and diverged tables.
  // True when the two sides' sequences may now disagree (a root wrote on one side only, or a
  // diverged transaction ended): the caller re-aligns them.
  bool record(const StatementOutcome& statement, DivergenceClass final_class,
              const std::optional<ConsequenceCause>& cause);

  // A write of values no replay can repeat (now(), random()) left these tables so.
  std::optional<UnrepeatableSource> unrepeatable_source(const StatementOutcome& statement) const;

  bool data_diverged() const { return !diverged_tables_.empty() || latest_data_root_.has_value(); }
  const std::map<std::string, std::string>& diverged_tables() const { return diverged_tables_; }

 private:
  struct SessionState {
    std::optional<std::string> root;           // the transaction is diverged by this root
    std::vector<std::string> common_savepoints;  // savepoints on both sides when it diverged
    // Tables written differently inside the open transaction (relation name -> root): seen by
    // this session at once, by the others once the transaction commits on a side.
    std::map<std::string, std::string> pending;
    std::vector<std::string> savepoints[2];    // per side, in the current transaction
  };

  static std::string table_key(const std::string& name);
  // The first of the tables the data shows diverged to `session` (committed, or its own pending),
  // with its root.
  std::optional<std::pair<std::string, std::string>> diverged_table_among(const std::set<std::string>& tables,
                                                                        const std::string& session) const;
  void mark_diverged(const std::set<std::string>& tables, const std::string& root);

  std::map<std::string, SessionState> sessions_;
  std::map<std::string, std::string> diverged_tables_;  // relation name -> root fingerprint
  // Tables whose sequences handed out ids on one side only (a write that ran on one side): not
  // transactional, so seen by every session at once, even before the writer's transaction ends
  // and before the caller re-aligns the sequences (a concurrent session's INSERT may come first).
  std::map<std::string, std::string> sequence_drift_;
  std::optional<std::string> latest_data_root_;
  std::map<std::string, UnrepeatableSource> unrepeatable_tables_;
};

}  // namespace pgshadow::replay
