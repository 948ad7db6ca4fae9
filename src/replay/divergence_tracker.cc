#include "divergence_tracker.h"

#include <algorithm>

namespace pgshadow::replay {
namespace {

bool values_only(DivergenceClass divergence) {
  return divergence == DivergenceClass::kRowsChanged || divergence == DivergenceClass::kOrderChanged ||
         divergence == DivergenceClass::kCommandChanged || divergence == DivergenceClass::kColumnsAdded;
}

const char* aborted_side(const StatementOutcome& statement) {
  if (statement.shadow.failed_after && !statement.baseline.failed_after) return "shadow";
  if (statement.baseline.failed_after && !statement.shadow.failed_after) return "baseline";
  if (statement.shadow.failed_before && !statement.baseline.failed_before) return "shadow";
  if (statement.baseline.failed_before && !statement.shadow.failed_before) return "baseline";
  return !statement.shadow.succeeded ? "shadow" : "baseline";
}

void apply_savepoint(std::vector<std::string>& stack, const sql::SavepointStep& step, bool succeeded) {
  using Kind = sql::SavepointStep::Kind;
  if (!succeeded || step.kind == Kind::kNone) return;
  if (step.kind == Kind::kSavepoint) {
    stack.push_back(step.name);
    return;
  }
  const auto found = std::find(stack.rbegin(), stack.rend(), step.name);
  if (found == stack.rend()) return;
  const auto keep = static_cast<std::size_t>(stack.rend() - found);  // up to and including the savepoint
  stack.resize(step.kind == Kind::kRelease ? keep - 1 : keep);
}

std::vector<std::string> common_prefix(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::vector<std::string> common;
  for (std::size_t i = 0; i < a.size() && i < b.size() && a[i] == b[i]; ++i) common.push_back(a[i]);
  return common;
}

}  // namespace

std::string describe(const ConsequenceCause& cause) {
  const std::string root = "an earlier finding on shape " + cause.root_fingerprint;
  switch (cause.kind) {
    case ConsequenceCause::Kind::kAbortedTransaction:
      return "its transaction was aborted on the " + cause.side + " by " + root;
    case ConsequenceCause::Kind::kMissingSavepoint:
      return "the savepoint it names does not exist on the " + cause.side +
             ": it was set while the transaction there was aborted by " + root;
    case ConsequenceCause::Kind::kMissingParentRow:
      return "a row it references in table " + cause.table + " is missing on the " + cause.side + ": " + root +
             " left that table different";
    case ConsequenceCause::Kind::kDivergedData:
      return "it touches table " + cause.table + ", which " + root +
             " left different on the two sides (on pristine data the sides agree)";
    case ConsequenceCause::Kind::kDivergedDataUnnamed:
      return "the data it reads was left different by " + root + " (on pristine data the sides agree)";
    case ConsequenceCause::Kind::kObjectNotCreated:
      return "the relation it names, " + cause.table + ", was never created on the " + cause.side + ": " + root +
             " did not run there";
    case ConsequenceCause::Kind::kObjectIdentifiers:
      return "only object identifiers differ: " + root +
             " created objects on one side only, so the two servers have handed out other OIDs since";
  }
  return root;
}

std::string DivergenceTracker::table_key(const std::string& name) {
  const std::size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(dot + 1);
}

std::optional<std::pair<std::string, std::string>> DivergenceTracker::diverged_table_among(
    const std::set<std::string>& tables, const std::string& session) const {
  const auto own = sessions_.find(session);
  for (const std::string& table : tables) {
    const std::string key = table_key(table);
    if (const auto found = diverged_tables_.find(key); found != diverged_tables_.end()) return *found;
    if (own != sessions_.end()) {
      if (const auto found = own->second.pending.find(key); found != own->second.pending.end()) return *found;
    }
  }
  return std::nullopt;
}

void DivergenceTracker::mark_diverged(const std::set<std::string>& tables, const std::string& root) {
  for (const std::string& table : tables) diverged_tables_.try_emplace(table_key(table), root);
  latest_data_root_ = root;
}

std::optional<ConsequenceCause> DivergenceTracker::session_cause(const StatementOutcome& statement) const {
  const auto found = sessions_.find(statement.session_id);
  if (found == sessions_.end() || !found->second.root) return std::nullopt;
  ConsequenceCause cause;
  cause.root_fingerprint = *found->second.root;
  cause.side = aborted_side(statement);
  const bool savepoint_step = statement.facts != nullptr &&
                              statement.facts->savepoint.kind != sql::SavepointStep::Kind::kNone &&
                              statement.facts->savepoint.kind != sql::SavepointStep::Kind::kSavepoint;
  const bool missing = statement.baseline.sqlstate == "3B001" || statement.shadow.sqlstate == "3B001";
  cause.kind = savepoint_step && missing ? ConsequenceCause::Kind::kMissingSavepoint
                                         : ConsequenceCause::Kind::kAbortedTransaction;
  if (cause.kind == ConsequenceCause::Kind::kMissingSavepoint) {
    cause.side = statement.shadow.sqlstate == "3B001" ? "shadow" : "baseline";
  }
  return cause;
}

std::optional<ConsequenceCause> DivergenceTracker::object_cause(const StatementOutcome& statement) const {
  for (const auto* side : {&statement.shadow, &statement.baseline}) {
    if (side->succeeded || side->sqlstate != "42P01") continue;
    for (const auto& [relation, origin] : missing_relations_) {
      if (origin.second == (side == &statement.shadow ? "shadow" : "baseline") &&
          side->error_message.find("\"" + relation + "\"") != std::string::npos) {
        return ConsequenceCause{ConsequenceCause::Kind::kObjectNotCreated, origin.first, relation, origin.second};
      }
    }
  }
  if (statement.differs_only_in_object_ids && statement.divergence == DivergenceClass::kRowsChanged &&
      object_id_drift_root_) {
    return ConsequenceCause{ConsequenceCause::Kind::kObjectIdentifiers, *object_id_drift_root_, "", ""};
  }
  return std::nullopt;
}

std::optional<ConsequenceCause> DivergenceTracker::data_cause(const StatementOutcome& statement) const {
  if (statement.facts == nullptr) return std::nullopt;
  const std::string& session = statement.session_id;
  const bool foreign_key = statement.baseline.sqlstate == "23503" || statement.shadow.sqlstate == "23503";
  if (foreign_key) {
    if (auto parent = diverged_table_among(statement.referenced_tables, session)) {
      return ConsequenceCause{ConsequenceCause::Kind::kMissingParentRow, parent->second, parent->first,
                              statement.shadow.sqlstate == "23503" ? "shadow" : "baseline"};
    }
  }
  // Rows present on one side only explain a foreign key that finds no parent, and different
  // values or counts; not another error, nor a changed column: those the application would meet
  // whatever data it found (and a statement that conflicts with rows both sides wrote alike
  // looks equal on pristine data too, so the probe cannot tell).
  if (!values_only(statement.divergence)) return std::nullopt;
  for (const auto* tables : {&statement.facts->tables_touched, &statement.referenced_tables}) {
    if (auto table = diverged_table_among(*tables, session)) {
      return ConsequenceCause{ConsequenceCause::Kind::kDivergedData, table->second, table->first, ""};
    }
  }
  for (const std::string& table : statement.facts->tables_touched) {
    if (const auto found = sequence_drift_.find(table_key(table)); found != sequence_drift_.end()) {
      return ConsequenceCause{ConsequenceCause::Kind::kDivergedData, found->second, found->first, ""};
    }
  }
  // Only differing values may be put down to data no table name shows (a view, a trigger): an
  // error or a changed column is what the application would meet whatever data it found.
  if (values_only(statement.divergence) && latest_data_root_) {
    return ConsequenceCause{ConsequenceCause::Kind::kDivergedDataUnnamed, *latest_data_root_, "", ""};
  }
  return std::nullopt;
}

std::optional<UnrepeatableSource> DivergenceTracker::unrepeatable_source(
    const StatementOutcome& statement) const {
  if (statement.facts == nullptr) return std::nullopt;
  for (const std::string& table : statement.facts->tables_touched) {
    if (const auto found = unrepeatable_tables_.find(table_key(table)); found != unrepeatable_tables_.end()) {
      return found->second;
    }
  }
  return std::nullopt;
}

bool DivergenceTracker::record(const StatementOutcome& statement, DivergenceClass final_class,
                               const std::optional<ConsequenceCause>& cause) {
  SessionState& session = sessions_[statement.session_id];
  const sql::StatementFacts empty;
  const sql::StatementFacts& facts = statement.facts != nullptr ? *statement.facts : empty;
  const bool wrote = statement.baseline.wrote || statement.shadow.wrote;
  // messages_changed: the same result on both sides (only the server's notices differ), so the
  // write left the same rows behind.
  const bool differs = final_class != DivergenceClass::kMatch && final_class != DivergenceClass::kNondeterministic &&
                       final_class != DivergenceClass::kMessagesChanged;
  const bool in_transaction = statement.baseline.in_transaction_before || statement.shadow.in_transaction_before ||
                              statement.baseline.in_transaction_after || statement.shadow.in_transaction_after;
  const bool ended = !statement.baseline.in_transaction_after && !statement.shadow.in_transaction_after;
  bool sequences_may_differ = false;

  // Data: a write that differed (a root, or a consequence that wrote on one side), or any write
  // on one side of a diverged transaction, leaves its tables different. Inside a transaction only
  // the session itself sees that until a side commits.
  const std::string root = cause ? cause->root_fingerprint : session.root.value_or(statement.fingerprint);
  if (wrote && (differs || session.root)) {
    for (const std::string& table : facts.tables_written) {
      if (in_transaction && !ended) {
        session.pending.try_emplace(table_key(table), root);
      } else {
        mark_diverged({table}, root);
      }
    }
    sequences_may_differ = !in_transaction;
  }
  // A write that ran on one side only (failed, or skipped in an aborted transaction, on the
  // other) drew its ids there only, whatever becomes of its transaction.
  const bool ran_on_one_side = statement.baseline.succeeded != statement.shadow.succeeded;
  if (ran_on_one_side && (differs || session.root) && facts.may_write) {
    for (const std::string& table : facts.tables_written) sequence_drift_.try_emplace(table_key(table), root);
    if (!facts.tables_written.empty()) sequences_may_differ = true;
    // What it created exists on one side only, and took OIDs there only.
    const char* without = statement.baseline.succeeded ? "shadow" : "baseline";
    for (const std::string& relation : facts.relations_created) {
      missing_relations_.try_emplace(table_key(relation), root, without);
    }
    if (!wrote && !object_id_drift_root_) object_id_drift_root_ = root;
  }
  if (wrote && !facts.nondeterminism.empty()) {
    for (const std::string& table : facts.tables_written) {
      unrepeatable_tables_.try_emplace(
          table_key(table), UnrepeatableSource{statement.fingerprint, facts.nondeterminism,
                                               facts.tables_created.count(table) > 0});
    }
  }

  const std::vector<std::string> common_before = common_prefix(session.savepoints[0], session.savepoints[1]);
  apply_savepoint(session.savepoints[0], facts.savepoint, statement.baseline.succeeded);
  apply_savepoint(session.savepoints[1], facts.savepoint, statement.shadow.succeeded);

  if (session.root) {
    // Back to a savepoint both sides had when the transaction diverged: both sides are alike again
    // (what either wrote since is undone on both).
    const bool rolled_back_together = facts.savepoint.kind == sql::SavepointStep::Kind::kRollbackTo &&
                                      statement.baseline.succeeded && statement.shadow.succeeded &&
                                      std::find(session.common_savepoints.begin(), session.common_savepoints.end(),
                                                facts.savepoint.name) != session.common_savepoints.end();
    if (rolled_back_together) {
      session.root.reset();
      session.pending.clear();
    }
  } else if (statement.baseline.failed_after != statement.shadow.failed_after && final_class != DivergenceClass::kMatch) {
    session.root = cause ? cause->root_fingerprint : statement.fingerprint;
    session.common_savepoints = common_before;
  }
  if (ended) {
    // Committed on one side at least (a ROLLBACK undoes both): what the transaction wrote differs.
    if (!session.pending.empty() && !facts.rolls_back) {
      for (const auto& [table, table_root] : session.pending) mark_diverged({table}, table_root);
      sequences_may_differ = true;
    }
    if (session.root) sequences_may_differ = true;  // statements skipped on one side drew no ids
    sessions_.erase(statement.session_id);  // nothing more to remember: bounded by open transactions
  }
  return sequences_may_differ;
}

}  // namespace pgshadow::replay
