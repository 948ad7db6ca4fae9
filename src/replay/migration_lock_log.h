#pragma once
// The migration's locks, from samples of pg_locks for its backend: which lock each statement
// held or waited for, how long it waited (from the server's own waitstart) and how long it held
// it. Pure bookkeeping over what the lock watch saw (concurrent_migration.h takes the samples):
// no connection, no clock, so its rules are tested without a server.
//
// A sample belongs to one statement (the lock watch reads the statement index before and after
// its query and drops a sample taken across a statement boundary). Times are seconds on one
// clock, the caller's. A lock is held from the first sample that saw it granted until the
// statement ended, when the last sample before the end still saw it, else until it was last
// seen; it waited from now - (its waitstart's age) in the first sample that saw it waiting
// until the first sample that saw it granted (or the statement's end, when never granted).
// Not thread-safe: the lock watch owns it under its mutex.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pgshadow/replay/replay.h"

namespace pgshadow::replay {

// One row of pg_locks for the migration's backend.
struct LockSampleRow {
  std::string relation;  // or the lock type when on no relation
  std::string mode;
  bool granted = false;
  std::optional<double> waiting_s;  // clock_timestamp() - waitstart, when not granted
  std::vector<std::string> blocking_shapes;  // when not granted: MigrationLock::blocked_by
};

class MigrationLockLog {
 public:
  void statement_started(std::size_t index, std::string file, std::uint64_t line, std::string shape, double at_s);
  void statement_ended(std::size_t index, bool succeeded, std::string sqlstate, double at_s);
  // The rows one sample of pg_locks gave at `at_s` while statement `index` ran.
  void sample(std::size_t index, double at_s, const std::vector<LockSampleRow>& rows);

  // Every statement started so far, in order, with its locks (relation, then mode).
  std::vector<MigrationStatementRun> statements() const;

 private:
  struct LockState {
    std::optional<double> wait_started_s;
    std::optional<double> first_granted_s;
    double last_granted_s = 0;
    std::vector<std::string> blocked_by;
  };
  struct StatementState {
    MigrationStatementRun run;
    bool ended = false;
    double last_sample_s = 0;
    std::map<std::pair<std::string, std::string>, LockState> locks;
  };
  static MigrationLock finished(const std::pair<std::string, std::string>& key, const LockState& lock,
                                const StatementState& statement);
  std::map<std::size_t, StatementState> statements_;
};

}  // namespace pgshadow::replay
