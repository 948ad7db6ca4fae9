#include "migration_lock_log.h"

#include <algorithm>

namespace pgshadow::replay {

void MigrationLockLog::statement_started(std::size_t index, std::string file, std::uint64_t line, std::string shape,
                                         double at_s) {
  StatementState& state = statements_[index];
  state.run.file = std::move(file);
  state.run.line = line;
  state.run.shape = std::move(shape);
  state.run.started_s = at_s;
  state.run.ended_s = at_s;
}

void MigrationLockLog::statement_ended(std::size_t index, bool succeeded, std::string sqlstate, double at_s) {
  StatementState& state = statements_[index];
  state.ended = true;
  state.run.ended_s = at_s;
  state.run.succeeded = succeeded;
  state.run.sqlstate = std::move(sqlstate);
}

void MigrationLockLog::sample(std::size_t index, double at_s, const std::vector<LockSampleRow>& rows) {
  const auto found = statements_.find(index);
  if (found == statements_.end() || found->second.ended) return;  // across a boundary: not this statement's
  StatementState& state = found->second;
  state.last_sample_s = at_s;
  for (const LockSampleRow& row : rows) {
    LockState& lock = state.locks[{row.relation, row.mode}];
    if (row.granted) {
      if (!lock.first_granted_s) lock.first_granted_s = at_s;
      lock.last_granted_s = at_s;
    } else {
      // waitstart is NULL for a moment after a wait begins: then the wait is known from now.
      if (!lock.wait_started_s) lock.wait_started_s = at_s - std::max(0.0, row.waiting_s.value_or(0.0));
      for (const std::string& shape : row.blocking_shapes) {
        if (lock.blocked_by.size() < kMaxBlockingShapes &&
            std::find(lock.blocked_by.begin(), lock.blocked_by.end(), shape) == lock.blocked_by.end()) {
          lock.blocked_by.push_back(shape);
        }
      }
    }
  }
}

MigrationLock MigrationLockLog::finished(const std::pair<std::string, std::string>& key, const LockState& lock,
                                         const StatementState& statement) {
  MigrationLock result;
  result.relation = key.first;
  result.mode = key.second;
  result.granted = lock.first_granted_s.has_value();
  result.blocked_by = lock.blocked_by;
  const double end_s = statement.ended ? statement.run.ended_s : statement.last_sample_s;
  if (lock.wait_started_s) {
    const double wait_end_s = lock.first_granted_s.value_or(end_s);
    result.waited_ms = std::max(0.0, wait_end_s - *lock.wait_started_s) * 1000.0;
  }
  if (lock.first_granted_s) {
    // Still there at the statement's last sample: held until it ended (an autocommit
    // statement's locks go with its commit).
    const bool held_to_end = statement.ended && lock.last_granted_s >= statement.last_sample_s;
    const double held_until_s = held_to_end ? end_s : lock.last_granted_s;
    result.held_ms = std::max(0.0, held_until_s - *lock.first_granted_s) * 1000.0;
  }
  return result;
}

std::vector<MigrationStatementRun> MigrationLockLog::statements() const {
  std::vector<MigrationStatementRun> runs;
  for (const auto& [index, state] : statements_) {
    MigrationStatementRun run = state.run;
    for (const auto& [key, lock] : state.locks) run.locks.push_back(finished(key, lock, state));
    runs.push_back(std::move(run));
  }
  return runs;
}

}  // namespace pgshadow::replay
