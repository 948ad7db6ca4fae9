#include "pair_classifier.h"

#include "blocking_run.h"
#include "pgshadow/compare/classify.h"
#include "pgshadow/compare/object_ids.h"
#include "result_nondeterminism.h"

namespace pgshadow::replay {
namespace {

bool writes(const compare::ResultSignature& signature) {
  if (!signature.succeeded) return false;
  const std::string& verb = signature.command_verb;
  return verb == "INSERT" || verb == "UPDATE" || verb == "DELETE" || verb == "MERGE" || verb == "COPY";
}

}  // namespace

TableKeys& PairClassifier::table_keys() {
  if (!table_keys_) table_keys_.emplace(*monitors_[kBaselineSide]);
  return *table_keys_;
}

PairJudgement PairClassifier::judge(SessionRun& session, const Event& event) {
  const SideRun& baseline = session.sides[kBaselineSide];
  const SideRun& shadow = session.sides[kShadowSide];
  for (int index = 0; index < 2; ++index) {
    SideRun& side = session.sides[static_cast<std::size_t>(index)];
    type_names_[static_cast<std::size_t>(index)].resolve(side.result->columns, side.connection.get(),
                                                          *monitors_[static_cast<std::size_t>(index)]);
  }
  const sql::StatementFacts& facts = session.facts;
  DivergenceClass divergence = compare::classify(*baseline.result, *shadow.result, {facts.has_top_level_order_by});
  if (divergence == DivergenceClass::kColumnsChanged && facts.is_plain_read) {
    divergence = compare_on_baseline_columns(session, event);
  }
  // Replayed as its production error, the statement failing alike on both sides with that
  // SQLSTATE is what production did, not a replay that gave up at its own statement_timeout or
  // lock_timeout (which timed_out means): a match.
  if (session.as_production_error && divergence == DivergenceClass::kTimedOut &&
      baseline.result->sqlstate == event.outcome.sqlstate) {
    divergence = DivergenceClass::kMatch;
  }
  std::string nondeterminism = excuse_for_values(session, event, divergence);
  if (nondeterminism.empty()) nondeterminism = excuse_for_baseline_timeout(session, event, divergence);
  if (nondeterminism.empty()) nondeterminism = excuse_for_shadow_timeout(session, event, divergence);
  if (!nondeterminism.empty()) divergence = DivergenceClass::kNondeterministic;

  StatementOutcome outcome = outcome_of(session, divergence);
  std::optional<ConsequenceCause> cause;
  if (divergence != DivergenceClass::kMatch && divergence != DivergenceClass::kNondeterministic) {
    cause = consequence_cause(session, event, outcome, nondeterminism);
    if (!cause && nondeterminism.empty()) {
      nondeterminism = excuse_for_ties(session, event, divergence);
      if (!nondeterminism.empty()) outcome.divergence = DivergenceClass::kNondeterministic;
    }
    if (cause) divergence = DivergenceClass::kConsequence;
    if (!cause && !nondeterminism.empty()) divergence = DivergenceClass::kNondeterministic;
  }
  const bool sequences_may_differ = tracker_.record(outcome, divergence, cause);
  if (baseline.result->succeeded && shadow.result->succeeded && !facts.relations_created.empty()) {
    relation_definitions_.created_by_traffic(facts.relations_created);
  }
  if (divergence != DivergenceClass::kNondeterministic) nondeterminism.clear();
  return PairJudgement{divergence, std::move(cause), std::move(nondeterminism), sequences_may_differ};
}

// A statement that succeeded in production and on the shadow but gave up on the baseline at a
// timeout (its session's statement_timeout, a lock_timeout): the baseline did not reproduce
// production, the replay's timing did it (a SET LOCAL statement_timeout of 1 ms under load),
// and the baseline is the control, so it says nothing of the migration. A timeout on the
// shadow only may be the migration's doing: excuse_for_shadow_timeout.
std::string PairClassifier::excuse_for_baseline_timeout(const SessionRun& session, const Event& event,
                                                        DivergenceClass divergence) {
  if (divergence != DivergenceClass::kErrorBaselineOnly || !event.outcome.succeeded) return {};
  const std::string& sqlstate = session.sides[kBaselineSide].result->sqlstate;
  if (sqlstate != "57014" && sqlstate != "55P03") return {};
  return "gave up on the baseline only at a timeout (SQLSTATE " + sqlstate +
         ") though production and the shadow ran it: the replay's timing, not the migration";
}

// A statement that succeeded in production and on the baseline but was cancelled by a statement
// timeout on the shadow: timing decides that (a SET LOCAL statement_timeout of 1 ms on a loaded
// machine), unless the migration made the statement slower. It can only have done so through
// what the statement uses, or by a lock it held (the lock impact judges waits behind the
// migration). So the timeout is the replay's timing when the shadow waited on no lock, the
// statement was not sent while the migration ran, it calls no function beyond the known
// built-ins (StatementFacts::lock_footprint: any other may be one the migration changed), and
// every relation it names is unchanged (RelationDefinitions). Otherwise it stays a finding.
std::string PairClassifier::excuse_for_shadow_timeout(const SessionRun& session, const Event& event,
                                                      DivergenceClass divergence) {
  if (divergence != DivergenceClass::kErrorShadowOnly || !event.outcome.succeeded) return {};
  const SideRun& shadow = session.sides[kShadowSide];
  if (shadow.result->sqlstate != "57014") return {};
  if (session.phase == MigrationPhase::kDuring || shadow.waited.count() > 0 || shadow.behind_migration) return {};
  const sql::StatementFacts& facts = session.facts;
  if (!facts.parsed || !facts.lock_footprint) return {};
  const RelationsStanding standing = relation_definitions_.standing(facts.tables_touched);
  if (!standing.unchanged) return {};
  return "cancelled by a statement timeout on the shadow only, though it waited on no lock and uses nothing "
         "the migration changed (" + (standing.detail.empty() ? std::string("no relation") : standing.detail) +
         "): the replay's timing, not the migration";
}

// --probe-nondeterminism: the statement runs again on the baseline session; a result different
// from the first says the statement cannot repeat itself, whatever the migration does.
bool PairClassifier::differs_on_baseline_alone(SessionRun& session, const Event& event) {
  SideRun& baseline = session.sides[kBaselineSide];
  if (!baseline.connection || baseline.connection->transaction_state() == pg::TransactionState::kFailed) {
    return false;
  }
  const pg::StatementRequest request{event.sql, event.protocol == Protocol::kExtended, event.statement_name,
                                     &event.parameters};
  auto again = signature_blocking(*baseline.connection, request, probe_limits_, session.facts.sort_order);
  if (!again) return false;
  return compare::classify(*baseline.result, *again, {session.facts.has_top_level_order_by}) !=
         DivergenceClass::kMatch;
}

// A plain read whose shadow result has the baseline's columns with others added among them (a
// column added to the first table of a join under SELECT *): the shadow reads its rows again,
// on the baseline's columns only, and those are compared. Appended columns need no second read
// (compare::classify uses the shadow's column prefix digests).
DivergenceClass PairClassifier::compare_on_baseline_columns(SessionRun& session, const Event& event) {
  const compare::ResultSignature& baseline = *session.sides[kBaselineSide].result;
  SideRun& shadow = session.sides[kShadowSide];
  auto projection = compare::added_columns_projection(baseline, *shadow.result);
  if (!projection || !shadow.connection || shadow.connection->transaction_state() == pg::TransactionState::kFailed) {
    return DivergenceClass::kColumnsChanged;
  }
  const pg::StatementRequest request{event.sql, event.protocol == Protocol::kExtended, event.statement_name,
                                     &event.parameters};
  auto again = signature_blocking(*shadow.connection, request, probe_limits_, session.facts.sort_order, std::move(projection));
  if (!again || !again->succeeded) return DivergenceClass::kColumnsChanged;
  const DivergenceClass on_baseline_columns =
      compare::classify(baseline, *again, {session.facts.has_top_level_order_by});
  return on_baseline_columns == DivergenceClass::kMatch ? DivergenceClass::kColumnsAdded : on_baseline_columns;
}

// Why differing values are no finding (a statement that cannot repeat them, an unordered LIMIT
// that cut the result), or "". Ties under ORDER BY: excuse_for_ties. Only values are excused: an error, a column or a command tag
// that changed still counts.
std::string PairClassifier::excuse_for_values(SessionRun& session, const Event& event, DivergenceClass divergence) {
  const bool values_differ = divergence == DivergenceClass::kRowsChanged || divergence == DivergenceClass::kOrderChanged;
  if (!values_differ) return {};
  const sql::StatementFacts& facts = session.facts;
  if (!facts.nondeterminism.empty()) return facts.nondeterminism;
  if (std::string reason = parameter_reason(event); !reason.empty()) return reason;
  if (facts.unordered_limit) {
    const sql::RowLimit& limit = *facts.unordered_limit;
    const bool pinned = table_keys().pins_one_row(limit.schema, limit.table, limit.equality_columns);
    std::string reason = limit_reason(limit, event, session.sides[kBaselineSide].result->row_count,
                                      session.sides[kShadowSide].result->row_count, pinned);
    if (!reason.empty()) return reason;
  }
  if (settings_.probe_nondeterminism && facts.is_plain_read && differs_on_baseline_alone(session, event)) {
    return "gave two different results on the baseline (--probe-nondeterminism)";
  }
  return {};
}

// Why differing rows of an ordered read are no finding: rows that tie under its ORDER BY (a cut
// that kept other tied rows, an order among keys the result does not show), or "". Asked after
// the consequence model: a tie cut through data a root left different is that root's
// consequence.
std::string PairClassifier::excuse_for_ties(const SessionRun& session, const Event& event, DivergenceClass divergence) const {
  const sql::StatementFacts& facts = session.facts;
  const bool values_differ = divergence == DivergenceClass::kRowsChanged || divergence == DivergenceClass::kOrderChanged;
  if (!values_differ || !facts.sort_order) return {};
  const compare::ResultSignature& baseline = *session.sides[kBaselineSide].result;
  const compare::ResultSignature& shadow = *session.sides[kShadowSide].result;
  const compare::TieCuts cuts = tie_cuts(*facts.sort_order, event, baseline.row_count, shadow.row_count);
  return tie_reason(compare::explain_by_ties(baseline, shadow, cuts), cuts);
}

StatementOutcome outcome_of(const SessionRun& session, DivergenceClass divergence) {
  StatementOutcome outcome;
  outcome.session_id = session.id;
  outcome.fingerprint = session.shape.fingerprint;
  outcome.facts = &session.facts;
  outcome.divergence = divergence;
  for (int index = 0; index < 2; ++index) {
    const SideRun& run = session.sides[static_cast<std::size_t>(index)];
    SideOutcome& side = index == kBaselineSide ? outcome.baseline : outcome.shadow;
    side.succeeded = run.result->succeeded;
    side.sqlstate = run.result->sqlstate;
    side.error_message = run.result->error_message;
    // CREATE TABLE AS and SELECT INTO write rows under the command tag SELECT.
    side.wrote = writes(*run.result) || (run.result->succeeded && !session.facts.tables_created.empty());
    side.in_transaction_before = run.state_before != pg::TransactionState::kIdle;
    side.failed_before = run.state_before == pg::TransactionState::kFailed;
    const pg::TransactionState after = run.connection->transaction_state();
    side.in_transaction_after = after != pg::TransactionState::kIdle;
    side.failed_after = after == pg::TransactionState::kFailed;
  }
  return outcome;
}

// The earlier root this difference follows from, if any: through the session (divergence
// tracker), else through the data, confirmed by the isolation probe on pristine clones. A write
// of values no replay can repeat explains differing values the same way, as nondeterministic
// (`nondeterminism` says so).
std::optional<ConsequenceCause> PairClassifier::consequence_cause(const SessionRun& session, const Event& event,
                                                                StatementOutcome& outcome, std::string& nondeterminism) {
  if (auto cause = tracker_.session_cause(outcome)) return cause;
  outcome.differs_only_in_object_ids = compare::differs_only_in_object_ids(*session.sides[kBaselineSide].result,
                                                                           *session.sides[kShadowSide].result);
  if (auto cause = tracker_.object_cause(outcome)) return cause;
  const sql::StatementFacts& facts = session.facts;
  if (facts.is_transaction_control) return std::nullopt;
  const bool values_only = outcome.divergence == DivergenceClass::kRowsChanged ||
                           outcome.divergence == DivergenceClass::kOrderChanged;
  {
    for (const std::string& table : facts.tables_written) {
      const auto referenced = table_keys().referenced_tables(table);
      outcome.referenced_tables.insert(referenced.begin(), referenced.end());
    }
    if (auto cause = tracker_.data_cause(outcome)) {
      if (!probe_) {
        // Without pristine clones only the strongest link holds: a foreign key that finds no
        // parent where the root left the parent table different.
        return cause->kind == ConsequenceCause::Kind::kMissingParentRow ? cause : std::nullopt;
      }
      const auto agree = cause->kind == ConsequenceCause::Kind::kDivergedDataUnnamed
                             ? probe_->equal_on_pristine_data(event, *session.sides[kBaselineSide].result, facts)
                             : probe_->same_on_both_pristine(event, facts);
      if (agree.ok() && *agree) return cause;
    }
  }
  if (values_only && probe_) {
    if (const auto source = tracker_.unrepeatable_source(outcome)) {
      auto equal = source->created_by_traffic
                       ? Result<bool>(true)
                       : probe_->equal_on_pristine_data(event, *session.sides[kBaselineSide].result, facts);
      if (equal.ok() && *equal) {
        nondeterminism = "reads data an earlier write made with unrepeatable values (" + source->reason + ", shape " +
                         source->fingerprint + ")";
      }
    }
  }
  return std::nullopt;
}

}  // namespace pgshadow::replay
