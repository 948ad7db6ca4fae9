#include <cstdio>
#include <iomanip>

#include "pgshadow/util/ascii_case.h"
#include "pgshadow/core/sqlstate.h"
#include "pgshadow/report/run_report.h"

namespace pgshadow::report {
namespace {

struct Style {
  bool color;
  std::string paint(const std::string& text, const char* code) const {
    return color ? std::string("\033[") + code + "m" + text + "\033[0m" : text;
  }
  std::string bold(const std::string& text) const { return paint(text, "1"); }
  bool interrupted = false;
  std::string verdict(Verdict v, const judge::Accounting& accounting) const {
    const std::string text = verdict_word(v, accounting, interrupted);
    const bool unproven = text == "INCOMPLETE";
    const char* code = v == Verdict::kBreaking || unproven ? "1;31" : v == Verdict::kReview ? "1;33" : "1;32";
    return paint(text, code);
  }
};

std::string class_list(const std::map<DivergenceClass, std::uint64_t>& classes, bool skip_match) {
  std::string text;
  for (const auto& [divergence, count] : classes) {
    if (count == 0 || (skip_match && divergence == DivergenceClass::kMatch)) continue;
    text += (text.empty() ? "" : ", ") + std::string(to_string(divergence)) + " " + std::to_string(count);
  }
  return text;
}

std::string error_list(const std::map<std::string, std::uint64_t>& errors) {
  std::string text;
  for (const auto& [sqlstate, count] : errors) {
    const std::string_view name = sqlstate_name(sqlstate);
    text += (text.empty() ? "" : ", ") + sqlstate + (name.empty() ? "" : " " + std::string(name));
  }
  return text;
}

// "3 (40P01 deadlock_detected 1, 57014 query_canceled 2)"
std::string as_production_error_list(const std::map<std::string, std::uint64_t>& by_sqlstate) {
  std::uint64_t total = 0;
  std::string text;
  for (const auto& [sqlstate, count] : by_sqlstate) {
    total += count;
    const std::string_view name = sqlstate_name(sqlstate);
    text += (text.empty() ? "" : ", ") + sqlstate + (name.empty() ? "" : " " + std::string(name)) + " " +
            std::to_string(count);
  }
  return std::to_string(total) + " (" + text + ")";
}

void print_shape(std::ostream& out, const judge::ShapeFindings& shape, const Style& style,
                 const judge::GateDecision* gate, const judge::FindingsBook::Consequences& consequences) {
  const std::string label = shape.severity() == Severity::kBreaking ? style.paint("BREAKING", "31")
                                                                     : style.paint("REVIEW  ", "33");
  const std::string classes = class_list(shape.classes, true);
  out << "  " << label << "  " << (classes.empty() ? "latency" : classes) << " of " << shape.statements
      << " statement" << (shape.statements == 1 ? "" : "s");
  if (!shape.shadow_errors.empty()) out << "  [shadow: " << error_list(shape.shadow_errors) << "]";
  out << "\n    " << style.bold(shape.normalized) << "\n";
  if (shape.latency_regression) out << "    -> slower on the shadow: " << shape.latency_explanation() << "\n";
  if (shape.first_divergence) {
    out << "    -> " << shape.first_divergence->explanation << "\n";
    out << "       first at " << shape.first_divergence->source << "\n";
  }
  if (consequences.statements > 0) {
    out << "    -> and " << consequences.statements << " statement" << (consequences.statements == 1 ? "" : "s")
        << " on " << consequences.shapes << " shape" << (consequences.shapes == 1 ? "" : "s")
        << " that follow from it (consequence)\n";
  }
  if (gate == nullptr) return;
  for (const auto& allowed : gate->allowed) {
    if (allowed.fingerprint != shape.fingerprint) continue;
    out << "    " << style.paint("ALLOWED", "36") << " " << to_string(allowed.divergence) << ": " << allowed.reason
        << " (" << allowed.entry << ", until " << allowed.expires << ")\n";
  }
}

// What the replay's privileges rest on, in one line, and what cannot be guaranteed.
void print_roles(std::ostream& out, const pg::RoleSetup& roles) {
  std::string line;
  if (!roles.source.empty()) line = roles.source == "globals" ? "from " + roles.globals_file : "created by pgshadow";
  if (!roles.demoted.empty()) {
    line += "; demoted:";
    for (const auto& demoted : roles.demoted) {
      line += " " + demoted.name + " (";
      for (std::size_t i = 0; i < demoted.removed.size(); ++i) line += (i == 0 ? "" : ", ") + demoted.removed[i];
      line += ")";
    }
  }
  if (roles.ran_as_unknown.empty()) {
    line += line.empty() ? "" : "; ";
    line += "every session ran as its captured role";
  } else {
    line += line.empty() ? "" : "; ";
    line += std::to_string(roles.ran_as_unknown.size()) + " captured user(s) did not run as their own role" +
            (roles.unknown_user_role.empty() ? std::string() : " but as " + roles.unknown_user_role);
  }
  out << "  roles      " << line << "\n";
  for (const auto& sentence : roles.cannot_guarantee) out << "  caution    " << sentence << "\n";
}


// As psql would have printed them while the migration ran: "drop cascades to ..." is what a
// reviewer must not miss.
void print_migration_notes(std::ostream& out, const judge::FindingsBook& findings) {
  const auto& notes = findings.migration_notes();
  const std::uint64_t total = notes.size() + findings.migration_notes_dropped();
  if (total == 0) return;
  constexpr std::size_t kShown = 10;
  out << "  The migration's messages (" << total << "):\n";
  for (std::size_t i = 0; i < notes.size() && i < kShown; ++i) {
    const judge::MigrationNote& note = notes[i];
    out << "    " << note.location << "  " << note.severity << ":  "
        << (note.text.empty() ? "(text withheld: raised by the migration's own code; --include-literals shows it)"
                              : note.text)
        << "\n";
  }
  const std::size_t in_report_only = notes.size() > kShown ? notes.size() - kShown : 0;
  if (in_report_only > 0) out << "    ... " << in_report_only << " more in the JSON report\n";
  if (findings.migration_notes_dropped() > 0) {
    out << "    ... " << findings.migration_notes_dropped() << " more, counted only\n";
  }
  out << "\n";
}

// --migrate-during: the migration's locks, then the shapes that waited or failed behind them.
void print_lock_impact(std::ostream& out, const judge::LockImpactBook& book, const Style& style) {
  if (!book.active()) return;
  const replay::MigrationRun& run = *book.migration_run();
  const judge::WaitTally waits = book.behind_migration();
  const Verdict verdict = book.verdict();
  const std::string label = verdict == Verdict::kBreaking ? style.paint("BREAKING", "31")
                            : verdict == Verdict::kReview ? style.paint("REVIEW  ", "33")
                                                          : style.paint("LOCKS   ", "32");
  char at[64];
  std::snprintf(at, sizeof at, "%.1f s into the capture", run.at_capture_s);
  out << "  " << label << "  lock impact: migration applied during the replay, "
      << (run.after_traffic ? std::string("after the traffic (the capture is shorter)") : std::string(at))
      << (run.at_chosen.empty() ? std::string() : ": " + run.at_chosen) << "\n";
  for (const replay::RelationSize& size : run.relation_sizes) {
    out << "    measured on " << size.relation << ": " << judge::describe_table_size(size.rows, size.bytes) << "\n";
  }
  for (const replay::MigrationStatementRun& statement : run.statements) {
    out << "    " << style.bold(statement.shape) << "  " << judge::describe_wait_ms((statement.ended_s - statement.started_s) * 1000.0)
        << (statement.succeeded ? "" : ", failed " + statement.sqlstate) << "\n";
    for (const replay::MigrationLock& lock : statement.locks) {
      out << "      " << lock.mode << " on " << lock.relation << ": waited " << judge::describe_wait_ms(lock.waited_ms);
      if (!lock.blocked_by.empty()) {
        out << " behind " << lock.blocked_by.front();
        if (lock.blocked_by.size() > 1) out << " (and " << lock.blocked_by.size() - 1 << " more)";
      }
      out << ", held " << judge::describe_wait_ms(lock.held_ms) << "\n";
    }
  }
  if (run.error) out << "    the migration could not be applied: " << *run.error << "\n";
  out << "    " << waits.count << " statements waited behind it on the shadow";
  if (waits.count > 0) out << ", " << judge::describe_wait_ms(waits.total_ms) << " in all, the longest " << judge::describe_wait_ms(waits.max_ms);
  out << " (--max-blocked " << judge::describe_wait_ms(book.settings().max_blocked_ms) << "); " << book.failed()
      << " failed because of it\n";
  if (const judge::WaitTally queued = book.queued_behind_migration(); queued.count > 0) {
    out << "    " << queued.count << " more were held back in the replay meanwhile (they came after a waiting one in "
        << "production), the longest " << judge::describe_wait_ms(queued.max_ms) << "\n";
  }
  constexpr std::size_t kShownShapes = 5;
  std::size_t shown = 0;
  for (const judge::ShapeLockImpact* shape : book.shapes()) {
    if (++shown > kShownShapes) break;
    out << "    " << shape->normalized << "\n      shadow: " << shape->shadow_behind_migration.count
        << " waited behind the migration (longest " << judge::describe_wait_ms(shape->shadow_behind_migration.max_ms)
        << "); baseline over the same stretch: " << shape->baseline_waits.count << " waits (longest "
        << judge::describe_wait_ms(shape->baseline_waits.max_ms) << ")";
    if (shape->failed() > 0) out << "; failed " << error_list(shape->failed_by_migration);
    if (shape->during > 0) {
      out << "; p95 while it ran: baseline " << judge::describe_wait_ms(shape->baseline_latency_during.histogram.quantile(0.95))
          << ", shadow " << judge::describe_wait_ms(shape->shadow_latency_during.histogram.quantile(0.95));
    }
    out << "\n";
  }
  if (book.before_mismatches() > 0) {
    out << "    " << book.before_mismatches()
        << " statements sent before the migration differ (the shadow was still the baseline then)\n";
  }
  out << "\n";
}

}  // namespace

std::string verdict_word(Verdict verdict, const judge::Accounting& accounting, bool interrupted) {
  // Statements that could not be replayed leave a safe verdict unproven: never SAFE. A run a
  // signal stopped proves only a breaking finding: what it would say of the rest is unknown.
  if (verdict == Verdict::kSafe && accounting.failed > 0) return "INCOMPLETE";
  if (interrupted && verdict != Verdict::kBreaking) return "INCOMPLETE";
  return ascii_upper(to_string(verdict));
}

void print_summary(std::ostream& out, const RunDescription& run, const judge::FindingsBook& findings,
                   bool use_color, const judge::GateDecision* gate) {
  const Style style{use_color, run.interrupted.has_value()};
  out << "\n" << style.bold("pgshadow " PGSHADOW_VERSION) << (run.scenario ? " — " + *run.scenario : "")
      << "\n";
  if (run.baseline) out << "  baseline   " << run.baseline->path << "\n";
  for (const auto& migration : run.migrations) out << "  migration  " << migration.path << "\n";
  out << "  traffic    " << run.capture_description << "\n";
  out << "  servers    " << run.server_mode << " PostgreSQL " << run.server_version << "\n";
  for (const pg::ScaledTable& table : run.scaled_tables) {
    out << "  scaled     " << table.table << ": " << table.rows_before << " rows";
    if (table.rows_after == table.rows_before) {
      out << ", already as many as --scale-table asked (left alone)\n";
    } else {
      out << " grown to " << table.rows_after << " by copies";
      std::string moved;
      for (const std::string& column : table.moved_columns) moved += (moved.empty() ? "" : ", ") + column;
      out << (moved.empty() ? std::string(" (no unique key)") : " (new values in " + moved + ")") << "\n";
    }
  }
  if (!run.run_id.empty()) {
    out << "  run        " << run.run_id;
    if (run.shard_count > 1) out << ", shard " << run.shard_index << "/" << run.shard_count << " (its sessions only)";
    out << "\n";
  }
  if (run.roles != nullptr) print_roles(out, *run.roles);
  out << "\n";

  const Verdict verdict = gate != nullptr ? gate->verdict : findings.verdict();
  // Statements that could not be replayed leave a safe verdict unproven (exit 3): never print
  // SAFE over them.
  const judge::Accounting& accounting = findings.accounting();
  out << "VERDICT: " << style.verdict(verdict, accounting);
  if (run.interrupted) {
    out << " (interrupted by " << run.interrupted->signal << " during the " << run.interrupted->during << ": "
        << accounting.compared << " statements compared, the rest of the capture not replayed)";
  } else if (verdict == Verdict::kSafe && accounting.failed > 0) {
    out << " (nothing differs in the " << accounting.compared << " statements compared, but " << accounting.failed
        << " could not be replayed)";
  }
  out << "\n";
  for (const auto& reason : findings.verdict_reasons()) out << "  " << reason << "\n";
  if (gate != nullptr) {
    for (const auto& reason : gate->reasons) out << "  gate: " << reason << "\n";
  }
  out << "\n";

  if (const auto& migration = findings.migration_finding()) {
    out << "  " << style.paint("BREAKING", "31") << "  migration_failed  SQLSTATE "
        << migration->failure.sqlstate << " " << sqlstate_name(migration->failure.sqlstate) << "\n";
    out << "    " << style.bold(migration->failure.statement_shape) << "\n";
    if (!migration->failure.message.empty()) out << "    -> " << migration->failure.message << "\n";
    out << "       at " << migration->failure.file << ":" << migration->failure.line << "\n";
    out << "    The traffic was not replayed: fix the migration (or the data) first.\n\n";
  }

  print_migration_notes(out, findings);
  print_lock_impact(out, findings.lock_impact(), style);

  std::size_t quiet_shapes = 0;
  std::size_t shown_shapes = 0;
  for (const judge::ShapeFindings* shape : findings.shapes_by_importance()) {
    if (shape->severity() == Severity::kNone) {
      ++quiet_shapes;
      continue;
    }
    ++shown_shapes;
    print_shape(out, *shape, style, gate, findings.consequences_of(shape->fingerprint));
    out << "\n";
  }
  if (quiet_shapes > 0) {
    out << "  " << quiet_shapes << (shown_shapes > 0 ? " other" : "") << " query shape"
        << (quiet_shapes == 1 ? "" : "s")
        << ": no breaking or review finding.\n\n";
  }

  const judge::Accounting& a = accounting;
  out << "Accounting: " << a.captured << " events = " << a.compared << " compared + " << a.skipped
      << " skipped + " << a.failed << " failed";
  if (a.not_replayed > 0) out << " + " << a.not_replayed << " not replayed";
  if (a.filtered > 0) out << " + " << a.filtered << " filtered";
  out << (a.balanced() ? "" : "  (UNBALANCED: a bug, please report it)") << "\n";
  if (a.compared > 0) out << "  compared by class: " << class_list(a.classes, false) << "\n";
  if (a.not_reproduced > 0) {
    out << "  fidelity: " << a.not_reproduced << " of " << a.compared
        << " statements did not do on the baseline what they did in production (success or SQLSTATE):"
           " their comparison is weak evidence\n";
  }
  for (const auto& [reason, count] : a.filtered_by_reason) out << "  filtered " << count << ": " << reason << "\n";
  for (const auto& [reason, count] : a.skipped_by_reason) out << "  skipped " << count << ": " << reason << "\n";
  for (const auto& [reason, count] : a.failed_by_reason) out << "  failed " << count << ": " << reason << "\n";
  if (run.replay != nullptr && !run.replay->replayed_as_production_error.empty()) {
    out << "  as production error " << as_production_error_list(run.replay->replayed_as_production_error)
        << ": failed in production by timing (deadlock, serialization, lock, timeout, cancel), replayed on both"
           " sides as that error, not raced again\n";
  }
  const std::uint64_t unusable = run.capture_problems ? run.capture_problems->total() : 0;
  out << "  input: " << run.capture_accounting.lines_read << " log lines = "
      << run.capture_accounting.lines_in_events << " in statements + "
      << run.capture_accounting.lines_not_statements << " other + " << unusable << " unusable\n";
  if (run.capture_problems != nullptr) {
    for (const auto& [reason, count] : run.capture_problems->count_by_reason()) {
      out << "    unusable " << count << ": " << reason << "\n";
    }
  }
  out << "  " << run.sessions << " sessions, " << std::fixed << std::setprecision(1) << run.wall_seconds
      << " s\n";
  // A summary longer than a screen scrolls its verdict away: say it again where the eye ends.
  constexpr std::size_t kLongSummaryShapes = 3;
  if (shown_shapes > kLongSummaryShapes) {
    out << "\nVERDICT: " << style.verdict(verdict, accounting) << " (" << shown_shapes << " query shapes with findings above)\n";
  }
}

}  // namespace pgshadow::report
