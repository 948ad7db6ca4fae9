#pragma once
// The classification policy for a finished pair of results: what class a statement's two
// results make, and why a difference is no finding of its own.
//
// Invariant, in the order the code asks (a later step never overrides an earlier one):
//  1. compare::classify's class; a plain read whose shadow added columns among the baseline's
//     is read again on the baseline's columns only (columns_added when those agree);
//  2. a statement replayed as its production error that timed out with production's SQLSTATE
//     is a match; one production ran that gave up at a timeout on one side only is
//     nondeterministic when that can only be the replay's timing (excuse_for_baseline_timeout,
//     excuse_for_shadow_timeout);
//  3. differing values a statement cannot repeat (the parse tree's reasons, a 'now' parameter,
//     an unordered LIMIT that cut the result, --probe-nondeterminism) are nondeterministic;
//  4. any other difference that follows from an earlier root (the divergence tracker, the
//     isolation probe on pristine clones) is that root's consequence;
//  5. differing rows of an ordered read that ties explain are nondeterministic;
// and every final class is recorded in the divergence tracker. Owned by the replay thread.
#include <array>
#include <memory>
#include <optional>
#include <string>

#include "divergence_tracker.h"
#include "isolation_probe.h"
#include "pgshadow/replay/replay.h"
#include "relation_definitions.h"
#include "session_run.h"
#include "table_keys.h"
#include "type_names.h"

namespace pgshadow::replay {

struct PairJudgement {
  DivergenceClass divergence = DivergenceClass::kMatch;
  std::optional<ConsequenceCause> cause;  // for kConsequence
  std::string nondeterminism;             // for kNondeterministic: why
  // A root wrote on one side only, or a diverged transaction ended: the two sides' sequences
  // may now disagree (the caller re-aligns them once nothing is in flight).
  bool sequences_may_differ = false;
};

class PairClassifier {
 public:
  // `monitors`: one connection per side for catalog questions (owned by the caller); `probe`:
  // the isolation probe, or null without pristine clones.
  PairClassifier(std::array<pg::SessionConnection*, 2> monitors, std::unique_ptr<IsolationProbe> probe,
                 const ReplaySettings& settings, const pg::WaitLimits& probe_limits)
      : monitors_(monitors),
        probe_(std::move(probe)),
        settings_(settings),
        probe_limits_(probe_limits),
        relation_definitions_(monitors) {}

  // The session's statement `event` finished on both sides without a failure: its results' type
  // names resolved, classified, and recorded in the tracker.
  PairJudgement judge(SessionRun& session, const Event& event);

 private:
  TableKeys& table_keys();
  DivergenceClass compare_on_baseline_columns(SessionRun& session, const Event& event);
  bool differs_on_baseline_alone(SessionRun& session, const Event& event);
  std::string excuse_for_values(SessionRun& session, const Event& event, DivergenceClass divergence);
  std::string excuse_for_ties(const SessionRun& session, const Event& event, DivergenceClass divergence) const;
  static std::string excuse_for_baseline_timeout(const SessionRun& session, const Event& event, DivergenceClass divergence);
  std::string excuse_for_shadow_timeout(const SessionRun& session, const Event& event, DivergenceClass divergence);
  std::optional<ConsequenceCause> consequence_cause(const SessionRun& session, const Event& event,
                                                    StatementOutcome& outcome, std::string& nondeterminism);

  std::array<pg::SessionConnection*, 2> monitors_;
  std::unique_ptr<IsolationProbe> probe_;
  const ReplaySettings& settings_;
  const pg::WaitLimits probe_limits_;
  std::optional<TableKeys> table_keys_;  // on the baseline's monitor, once needed
  RelationDefinitions relation_definitions_;
  DivergenceTracker tracker_;
  std::array<TypeNames, 2> type_names_;  // per side
};

// What the divergence tracker needs of a finished pair (pure: the results and the sessions'
// transaction states).
StatementOutcome outcome_of(const SessionRun& session, DivergenceClass divergence);

}  // namespace pgshadow::replay
