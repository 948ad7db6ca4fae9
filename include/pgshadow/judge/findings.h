#pragma once
// Judge: groups every compared statement by query shape, explains each difference, accounts
// for every event, and decides the run's verdict. FindingsBook is the ReplayObserver the CLI
// hands to the replay; not thread-safe (the replay calls it from one thread).
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pgshadow/compare/row_diff.h"
#include "pgshadow/core/divergence_class.h"
#include "pgshadow/core/verdict.h"
#include "pgshadow/judge/latency.h"
#include "pgshadow/judge/lock_impact.h"
#include "pgshadow/core/migration_outcome.h"
#include "pgshadow/replay/plan_probe.h"
#include "pgshadow/replay/replay.h"

namespace pgshadow::judge {

// One side's result, reduced to what a reviewer needs; no data values unless asked for.
struct OutcomeSummary {
  bool succeeded = true;
  std::string command_tag_verb;
  std::optional<std::uint64_t> affected_rows;
  std::uint64_t row_count = 0;
  std::vector<std::string> columns;  // "name type" (type name from its OID)
  std::string sqlstate;
  std::string message;  // empty when withheld (see JudgeSettings::include_literals)
  // The server's messages during the statement, counted (their texts are never kept).
  std::uint32_t notices = 0;   // NOTICE and INFO
  std::uint32_t warnings = 0;  // WARNING
};

// NOTICE (and INFO) and WARNING messages one side's server raised over a shape's statements.
struct MessageCounts {
  std::uint64_t notices = 0;
  std::uint64_t warnings = 0;

  bool any() const { return notices > 0 || warnings > 0; }
};

// One side's cell of a differing row as reports may show it. Masked (the default), only
// whether it is NULL and its length remain: enough to see '' become NULL or a value shrink,
// never the data. The text only with JudgeSettings::show_values.
struct ShownValue {
  bool is_null = false;
  std::uint64_t bytes = 0;          // of the text, 0 for NULL
  std::optional<std::string> text;  // only when values are shown
};

struct ShownCell {
  std::string column;  // a column name is schema, not data: always shown
  std::optional<ShownValue> baseline;  // nullopt: no such column (or no such row) on that side
  std::optional<ShownValue> shadow;
};

struct ShownRow {
  compare::RowChange change = compare::RowChange::kChanged;
  std::optional<std::uint64_t> baseline_row;  // 1-based
  std::optional<std::uint64_t> shadow_row;
  std::vector<ShownCell> cells;  // changed: the differing cells; one-sided: the row's cells
};

// The rows of a divergence example that differ (compare::diff_rows over the row samples).
struct RowDifferences {
  bool values_shown = false;
  bool beyond_sample = false;  // see compare::RowDiff
  std::vector<ShownRow> rows;  // at most kMaxShownRows
};

struct DivergenceExample {
  std::uint64_t sequence = 0;
  std::string source;  // "traffic/postgresql.csv:812"
  std::string session_id;
  DivergenceClass divergence = DivergenceClass::kMatch;
  std::string explanation;  // one line a reviewer understands, no literals
  OutcomeSummary baseline;
  OutcomeSummary shadow;
  std::optional<std::string> root_fingerprint;  // for consequences
  // For classes where rows differ (rows_changed, types_changed, order_changed; consequence and
  // nondeterministic when both sides returned rows that differ), when the samples show a
  // difference or say it lies beyond them.
  std::optional<RowDifferences> row_differences;
};

// What a shape's statements showed. Where one statement stands for them all (the normalized
// text, the examples), it is the earliest in capture order (Event::sequence), not the first to
// finish: statements of several sessions finish in any order, and the report must not change.
struct ShapeFindings {
  std::string fingerprint;
  std::string normalized;
  std::uint64_t normalized_sequence = 0;  // of the statement `normalized` (and sql_example) is from
  std::uint64_t statements = 0;
  std::map<DivergenceClass, std::uint64_t> classes;
  std::map<std::string, std::uint64_t> baseline_errors;  // SQLSTATE -> count
  std::map<std::string, std::uint64_t> shadow_errors;
  MessageCounts baseline_messages;
  MessageCounts shadow_messages;
  std::optional<DivergenceExample> first_divergence;  // first statement that did not match
  std::optional<std::string> sql_example;  // the first statement's text: only with include_literals
  std::string nondeterminism;  // why its statements were judged nondeterministic, when they were
  std::uint64_t nondeterminism_sequence = 0;
  LatencyHistogram baseline_latency;
  LatencyHistogram shadow_latency;
  // Each side's plan for one captured execution that succeeded on both (FindingsBook::on_plans);
  // nullopt when not asked for or not plannable on a fresh connection.
  std::optional<compare::QueryPlan> baseline_plan;
  std::optional<compare::QueryPlan> shadow_plan;
  bool latency_regression = false;  // the shadow's plan is much costlier (JudgeSettings::plans)
  SeverityPolicy severity_policy;    // the run's (JudgeSettings::severities)
  // Replay fidelity: statements whose baseline outcome is not what production saw (it
  // succeeded where production failed, or failed differently): such results are weak evidence.
  std::uint64_t not_reproduced = 0;

  Severity severity() const;  // the heaviest class seen, or review for a latency regression
  Severity class_severity() const;  // the heaviest class seen
  // Why the shape is flagged slower: the plans and the medians, names and numbers only.
  std::string latency_explanation() const;
};

struct MigrationFinding {
  MigrationFailure failure;
  std::string explanation;
};

// A message the server sent while the migration ran, as reports show it.
struct MigrationNote {
  std::string location;  // "migrations/002_drop.sql:7"
  std::string severity;  // "WARNING", "NOTICE", "INFO"
  std::string sqlstate;
  std::string text;      // empty when withheld (raised by the migration's own code; see include_literals)
};

// Every event the capture produced gets exactly one fate. The two sides of that equation are
// counted apart, so that the check can fail: `captured` is what the capture says it read
// (capture::InputAccounting::events, told once reading stops), the fates are what the replay and
// the filters told the judge, one call per event. A lost or doubly counted event unbalances it.
struct Accounting {
  std::uint64_t captured = 0;  // events the capture produced (FindingsBook::on_captured)
  std::uint64_t compared = 0;
  std::uint64_t skipped = 0;
  std::uint64_t failed = 0;
  std::uint64_t not_replayed = 0;  // the replay did not run (migration failed)
  std::uint64_t filtered = 0;      // left out by --database, --user, --since, --shard, ...
  std::map<std::string, std::uint64_t> filtered_by_reason;
  std::map<std::string, std::uint64_t> skipped_by_reason;
  std::map<std::string, std::uint64_t> failed_by_reason;
  std::map<DivergenceClass, std::uint64_t> classes;
  std::uint64_t reproduced = 0;      // compared statements whose baseline outcome matched production's
  std::uint64_t not_reproduced = 0;  // ... and those whose did not

  // Events that have their fate: the sum of the fates, each counted once where it is told.
  std::uint64_t judged() const { return compared + skipped + failed + not_replayed + filtered; }
  bool balanced() const { return captured == judged(); }
};

struct JudgeSettings {
  bool include_literals = false;  // statement texts, error messages and row values in reports
  PlanPolicy plans;
  // Row values (as text) in the row differences; else only NULL or not and the length. For
  // local use: captured traffic holds personal data. include_literals implies it.
  bool show_values = false;
  SeverityPolicy severities;  // --strict-columns
  LockImpactSettings locks;   // --max-blocked (with --migrate-during)

  bool values_shown() const { return show_values || include_literals; }
};

inline constexpr std::size_t kMaxShownRows = 5;  // differing rows kept per divergence example

class FindingsBook final : public replay::ReplayObserver {
 public:
  explicit FindingsBook(JudgeSettings settings = {}) : settings_(settings), lock_impact_(settings.locks) {}

  void on_compared(const replay::ComparedStatement& statement) override;
  void on_skipped(const Event& event, const std::string& reason) override;
  void on_failed(const Event& event, const std::string& reason) override;
  void on_migration_failed(const MigrationFailure& failure);
  // --migrate-during: what the migration did while the traffic ran (lock_impact()).
  void on_migration_run(const replay::MigrationRun& run) { lock_impact_.on_migration_run(run); }
  const LockImpactBook& lock_impact() const { return lock_impact_; }
  // The server's messages while the migration ran; `dropped` were counted but not kept.
  void on_migration_messages(const std::vector<MigrationMessage>& messages, std::uint64_t dropped);
  // Events the replay never saw because the run stopped before it (counted for the balance).
  void on_not_replayed(std::uint64_t events);
  // One event read but not replayed because the run was interrupted.
  void on_not_replayed(const Event& event) override;
  // How many events the capture produced in all (capture::InputAccounting::events), once it is
  // read to its end or the run stops: the other side of the balance.
  void on_captured(std::uint64_t events);
  // Events the filters left out, by reason.
  void on_filtered(const std::map<std::string, std::uint64_t>& by_reason);

  // After the replay: the shapes whose plans to compare, each with one execution that succeeded
  // on both sides, most executed first (ties by fingerprint, so the choice is repeatable), at
  // most `limit`.
  std::vector<replay::PlanRequest> plan_requests(std::size_t limit = kMaxPlannedShapes) const;
  // Each side's plan of a shape (replay::explain_on_both_sides); decides its latency regression.
  void on_plans(const replay::PlanPair& plans);
  static constexpr std::size_t kMaxPlannedShapes = 1000;

  Verdict verdict() const;
  // Why the verdict is what it is, one line each, most important first.
  std::vector<std::string> verdict_reasons() const;

  // Shapes ordered by severity (breaking first), then by statements that did not match.
  std::vector<const ShapeFindings*> shapes_by_importance() const;
  const std::optional<MigrationFinding>& migration_finding() const { return migration_; }
  const std::vector<MigrationNote>& migration_notes() const { return migration_notes_; }
  std::uint64_t migration_notes_dropped() const { return migration_notes_dropped_; }
  // What follows from a root shape: its consequences, counted by statement and by shape.
  struct Consequences {
    std::uint64_t statements = 0;
    std::size_t shapes = 0;
  };
  Consequences consequences_of(const std::string& root_fingerprint) const;
  const Accounting& accounting() const { return accounting_; }
  const JudgeSettings& settings() const { return settings_; }

 private:
  ShapeFindings& shape_for(const sql::QueryShape& shape, std::uint64_t sequence);

  JudgeSettings settings_;
  std::map<std::string, ShapeFindings> shapes_;  // by fingerprint
  std::map<std::string, Event> plan_examples_;   // by fingerprint: see plan_requests()
  // root fingerprint -> consequence shape fingerprint -> statements
  std::map<std::string, std::map<std::string, std::uint64_t>> consequences_by_root_;
  std::optional<MigrationFinding> migration_;
  LockImpactBook lock_impact_;
  std::vector<MigrationNote> migration_notes_;
  std::uint64_t migration_notes_dropped_ = 0;
  Accounting accounting_;
};

// One line explaining a difference: "column \"name\" does not exist on the shadow (42703
// undefined_column); the baseline succeeds". Never quotes a data value; names the columns whose
// values differ when row_differences is given (names are schema, not data).
std::string explain(DivergenceClass divergence, const OutcomeSummary& baseline,
                    const OutcomeSummary& shadow, const RowDifferences* row_differences = nullptr);

// "integer", "text", ... for common type OIDs; "oid 1234" otherwise.
std::string type_name(std::uint32_t oid);

}  // namespace pgshadow::judge
