// `pgshadow verify`: the driver. Each pass is one call; the comment above it states what holds
// once it returns.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "capture_preview.h"
#include "exit_status.h"
#include "interrupt.h"
#include "run_identity.h"
#include "server_version.h"
#include "pgshadow/capture/event_filter.h"
#include "path_arguments.h"
#include "progress_display.h"
#include "pgshadow/capture/event_source.h"
#include "pgshadow/judge/findings.h"
#include "pgshadow/capture/peeking_event_source.h"
#include "pgshadow/pg/conninfo.h"
#include "pgshadow/pg/database_setup.h"
#include "pgshadow/pg/embedded_pair.h"
#include "pgshadow/pg/server_identity.h"
#include "pgshadow/pg/session_connection.h"
#include "pgshadow/pg/session_login.h"
#include "pgshadow/replay/observer_fanout.h"
#include "pgshadow/replay/busiest_stretch.h"
#include "pgshadow/replay/plan_probe.h"
#include "pgshadow/replay/replay.h"
#include "pgshadow/report/run_report.h"
#include "pgshadow/sql/script.h"
#include "pgshadow/util/utc_time.h"
#include "pgshadow/util/xxh3.h"
#include "verify_options.h"
#include "vacuous_run.h"

namespace pgshadow::cli {
namespace {

namespace fs = std::filesystem;

// "SIGTERM", as the report names the signal that stopped a run.
std::string signal_name(int signal_number) {
  const char* abbreviation = sigabbrev_np(signal_number);
  return abbreviation != nullptr ? std::string("SIG") + abbreviation : "signal " + std::to_string(signal_number);
}

// A directory or a stream is not digested: a stream can be read only once, by the reader.
Result<report::InputFile> describe_input(const std::string& path) {
  std::error_code ignored;
  if (fs::is_directory(path, ignored) || names_stream(path)) return report::InputFile{path, ""};
  auto digest = report::file_digest(path);
  if (!digest) return digest.error();
  return report::InputFile{path, *digest};
}

// Every migration file is read once (it may be a FIFO) and parses before any server starts:
// bad input fails fast, with file:line.
Result<std::vector<pg::MigrationScript>> read_migrations(const std::vector<std::string>& files) {
  std::vector<pg::MigrationScript> scripts;
  for (const auto& file : files) {
    auto text = read_input_once("--migration", file);
    if (!text) return text.error();
    auto statements = sql::split_script(*text, file);
    if (!statements) return statements.error();
    scripts.push_back({file, std::move(*text)});
  }
  return scripts;
}

std::string digest_of(const std::string& text) {
  Xxh3Hasher hasher;
  hasher.update(text);
  return hasher.digest().to_hex();
}

// Everything the run reads: no output may overwrite one of them.
std::vector<FileIdentity> input_identities(const VerifyOptions& options) {
  std::vector<std::string> paths = options.capture_paths;
  paths.insert(paths.end(), options.migration_files.begin(), options.migration_files.end());
  for (const std::string* path : {&options.baseline_file, &options.outputs.allowlist_file, &options.filters.log_settings,
                                  &options.globals_file}) {
    if (!path->empty()) paths.push_back(*path);
  }
  std::vector<FileIdentity> identities;
  for (const auto& path : paths) {
    auto more = identities_of(path);
    identities.insert(identities.end(), more.begin(), more.end());
  }
  return identities;
}

Status check_interrupt() {
  if (interrupt_requested().load()) return Error{ErrorKind::kInterrupted, "interrupted"};
  return Status::success();
}

// The two databases the replay runs against, the clusters that hold them when embedded, and how
// replayed sessions log in.
struct Targets {
  std::unique_ptr<pg::EmbeddedPair> pair;
  std::unique_ptr<pg::RoleSetup> dsn_roles;  // DSN mode (its logins refer to it)
  std::unique_ptr<pg::SessionLogins> dsn_logins;
  replay::ReplayTargets conninfo;
};

// --scale-table on stderr: on a terminal one line per table, redrawn after every batch; in a log
// a line at each quarter, so that a long load shows it is moving without flooding the log.
pg::ScaleProgress scale_progress_display(bool quiet, const std::string& where = "") {
  if (quiet) return {};
  const bool terminal = isatty(STDERR_FILENO) != 0;
  auto quarters_shown = std::make_shared<std::uint64_t>(0);
  return [terminal, quarters_shown, where](const std::string& table, std::uint64_t rows, std::uint64_t wanted) {
    const std::uint64_t quarter = wanted == 0 ? 4 : rows * 4 / wanted;
    if (!terminal && quarter <= *quarters_shown) return;
    *quarters_shown = rows >= wanted ? 0 : quarter;
    std::cerr << (terminal ? "\r" : "") << "pgshadow: scaling " << table << where << ": " << rows << " of " << wanted << " rows"
              << (terminal && rows < wanted ? "" : "\n") << std::flush;
  };
}

Result<Targets> prepare_embedded(const VerifyOptions& options, const CapturePreview& preview) {
  pg::EmbeddedPairOptions pair_options;
  pair_options.scale_tables = options.locks.scale_tables;
  pair_options.scale_progress = scale_progress_display(options.outputs.quiet);
  pair_options.server.bin_dir = options.pg_bin;
  pair_options.server.keep = options.keep_server;
  pair_options.baseline_file = options.baseline_file;
  pair_options.globals_file = options.globals_file;
  pair_options.database = preview.database;
  pair_options.database_owner = options.database_owner;
  pair_options.captured_users = preview.users;
  pair_options.created_by_traffic = preview.created_roles;
  pair_options.as_captured_user = options.replay.set_role;
  pair_options.interrupted = &interrupt_requested();
  auto pair = pg::EmbeddedPair::prepare(pair_options);
  if (!pair) return pair.error();
  Targets targets;
  targets.pair = std::move(pair).value();
  targets.conninfo.baseline_conninfo = targets.pair->conninfo(pg::kEmbeddedBaseline);
  targets.conninfo.shadow_conninfo = targets.pair->conninfo(pg::kEmbeddedShadow);
  targets.conninfo.logins = &targets.pair->logins();
  return targets;
}

// Each server is asked once, before anything is written, what it is: whether a side is the
// production database is told by what the servers say about themselves (their system
// identifier and the database's OID), not by how the connection strings are written.
Result<Targets> prepare_dsn(const VerifyOptions& options) {
  auto baseline = pg::identify_server(options.baseline_dsn, "--baseline-dsn");
  if (!baseline) return baseline.error();
  auto shadow = pg::identify_server(options.shadow_dsn, "--shadow-dsn");
  if (!shadow) return shadow.error();
  if (!options.production_dsn.empty()) {
    auto production = pg::identify_server(options.production_dsn, "--production-dsn");
    if (!production) return production.error();
    // Writes are what production must never see: the replay's unless --read-only, and the
    // migration's on the shadow.
    const bool replay_writes = !options.replay.read_only || !options.locks.scale_tables.empty();
    const bool migrates_shadow = !options.migration_files.empty();
    for (const auto& [side, dsn, identity, writes] :
         {std::tuple{"baseline", options.baseline_dsn, *baseline, replay_writes},
          std::tuple{"shadow", options.shadow_dsn, *shadow, replay_writes || migrates_shadow}}) {
      if (writes && pg::same_database(identity, *production)) {
        return Error::bad_input(std::string("refusing to replay: the ") + side + " (" + pg::redact(dsn) +
                                ") is the production database (--production-dsn: the same system identifier "
                                "and database)" +
                                (!options.locks.scale_tables.empty() ? " and --scale-table would write to it"
                                 : options.replay.read_only            ? " and the migration would write to it"
                                                                       : ""));
      }
    }
  }
  if (pg::same_server_database(*baseline, *shadow)) {
    return Error::bad_input("--baseline-dsn and --shadow-dsn name the same database");
  }
  Targets targets;
  targets.dsn_roles = std::make_unique<pg::RoleSetup>();
  auto logins = pg::make_dsn_logins(options.baseline_dsn, options.shadow_dsn, options.replay.set_role,
                                    *targets.dsn_roles);
  if (!logins) return logins.error();
  targets.dsn_logins = std::move(logins).value();
  targets.conninfo.baseline_conninfo = options.baseline_dsn;
  targets.conninfo.shadow_conninfo = options.shadow_dsn;
  targets.conninfo.logins = targets.dsn_logins.get();
  return targets;
}

// --scale-table in DSN mode: the same copies on both databases, before the migration (given
// servers are the user's: both must have started alike for the copies to be alike).
Result<std::vector<pg::ScaledTable>> scale_both_dsn_sides(const VerifyOptions& options) {
  if (options.locks.scale_tables.empty()) return std::vector<pg::ScaledTable>{};
  auto baseline = pg::scale_tables(options.baseline_dsn, options.locks.scale_tables,
                                   scale_progress_display(options.outputs.quiet, " on the baseline"), &interrupt_requested());
  if (!baseline) return Error{baseline.error().kind, "on the baseline (--baseline-dsn): " + baseline.error().message};
  auto shadow = pg::scale_tables(options.shadow_dsn, options.locks.scale_tables,
                                 scale_progress_display(options.outputs.quiet, " on the shadow"), &interrupt_requested());
  if (!shadow) return Error{shadow.error().kind, "on the shadow (--shadow-dsn): " + shadow.error().message};
  for (std::size_t i = 0; i < baseline->size(); ++i) {
    const pg::ScaledTable& b = (*baseline)[i];
    const pg::ScaledTable& s = (*shadow)[i];
    if (b.rows_before != s.rows_before) {
      return Error::bad_input("--scale-table " + b.table + ": the baseline holds " + std::to_string(b.rows_before) +
                              " rows and the shadow " + std::to_string(s.rows_before) +
                              " before the copies: the two databases must start alike");
    }
  }
  return baseline;
}

// --migrate-during AT as a time into the capture, and how it was chosen. A share and the
// busiest stretch need the whole capture, so it is read once more for them (files only: a
// stream can be read once).
struct MigrationPoint {
  std::chrono::microseconds at{0};
  std::string chosen;
};

Result<MigrationPoint> migration_point(const VerifyOptions& options) {
  auto point = replay::parse_capture_point(options.locks.at);
  if (!point) return point.error();
  if (point->offset) return MigrationPoint{*point->offset, "--migrate-during " + options.locks.at};
  for (const auto& path : options.capture_paths) {
    if (names_stream(path)) {
      return Error::bad_input("--migrate-during " + options.locks.at + ": " +
                              (point->busiest ? "the busiest stretch" : "a share of the capture") +
                              " needs the whole capture, and " + path +
                              " is a stream that can be read only once: give a time into the capture (30s)");
    }
  }
  const capture::FilteredEventSource* filtered = nullptr;
  auto source = open_filtered_capture(options.capture_paths, options.filters, &filtered, false);
  if (!source) return source.error();
  std::optional<std::int64_t> first_us;
  std::int64_t last_us = 0;
  replay::BusiestStretch busiest;
  for (;;) {
    auto next = (*source)->next();
    if (!next) return next.error();
    if (!next->has_value()) break;
    const Event& event = **next;
    if (!first_us) first_us = event.start_us;
    const auto end_us = event.start_us + static_cast<std::int64_t>(event.duration_ms.value_or(0) * 1000.0);
    last_us = std::max(last_us, end_us);
    busiest.add(event.start_us);
  }
  if (point->busiest) {
    char chosen[160];
    std::snprintf(chosen, sizeof chosen, "the busiest stretch (%llu statements started in the %lld s from there)",
                  static_cast<unsigned long long>(busiest.statements()),
                  static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(busiest.window()).count()));
    return MigrationPoint{busiest.offset(), chosen};
  }
  const std::string share = options.locks.at + " of the capture's span";
  if (!first_us) return MigrationPoint{std::chrono::microseconds(0), share};
  return MigrationPoint{
      std::chrono::microseconds(static_cast<std::int64_t>(static_cast<double>(last_us - *first_us) * *point->share)),
      share};
}

}  // namespace

int run_verify(const VerifyOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  report::RunDescription run;
  run.started_at = iso8601_utc_now();
  auto run_id = resolve_run_id(options.observability.run_id, run.started_at);
  if (!run_id) return exit_status_for(run_id.error());
  run.run_id = *run_id;
  if (!options.filters.shard.empty()) {
    if (auto shard = capture::parse_shard(options.filters.shard)) std::tie(run.shard_index, run.shard_count) = *shard;
  }
  run.options = recorded_options(options.arguments);
  if (!options.scenario_dir.empty()) {
    run.scenario = fs::path(options.scenario_dir).lexically_normal().filename().string();
    if (run.scenario->empty()) run.scenario = fs::path(options.scenario_dir).lexically_normal().parent_path().filename().string();
  }

  // Inputs are readable, the migrations parse, and the capture opens: nothing is started for
  // input that cannot work.
  if (!options.baseline_file.empty()) {
    auto baseline = describe_input(options.baseline_file);
    if (!baseline) return exit_status_for(baseline.error());
    run.baseline = *baseline;
  }
  auto migrations = read_migrations(options.migration_files);
  if (!migrations) return exit_status_for(migrations.error());
  for (const auto& script : *migrations) run.migrations.push_back({script.file, digest_of(script.text)});
  for (const auto& path : options.capture_paths) {
    auto capture = describe_input(path);
    if (!capture) return exit_status_for(capture.error());
    run.captures.push_back(*capture);
  }
  auto outputs = prepare_outputs(options.outputs, input_identities(options));
  if (!outputs) return exit_status_for(outputs.error());
  for (const auto& [option, dsn] : {std::pair{"--baseline-dsn", &options.baseline_dsn},
                                    std::pair{"--shadow-dsn", &options.shadow_dsn},
                                    std::pair{"--production-dsn", &options.production_dsn}}) {
    if (!dsn->empty() && !pg::parses(*dsn)) {
      return exit_status_for(Error::bad_input(std::string(option) + ": cannot parse the connection string (neither "
                                                                    "a valid URI nor key=value pairs)"));
    }
  }
  if (!options.globals_file.empty()) {
    auto globals = describe_input(options.globals_file);
    if (!globals) return exit_status_for(globals.error());
    run.globals = *globals;
  }
  const capture::FilteredEventSource* filtered = nullptr;
  auto opened = open_filtered_capture(options.capture_paths, options.filters, &filtered);
  if (!opened) return exit_status_for(opened.error());
  // The start of the capture names the database and the roles the replay needs; it is handed
  // out again to the replay (the capture is read once: it may be a FIFO).
  auto source = std::make_unique<capture::PeekingEventSource>(std::move(opened).value());
  run.capture_description = source->description();
  judge::JudgeSettings judge_settings;
  judge_settings.include_literals = options.include_literals;
  judge_settings.show_values = options.show_values;
  judge_settings.severities = outputs->policy.severities;
  judge_settings.locks.max_blocked_ms =
      static_cast<double>(replay::parse_postgres_duration(options.locks.max_blocked).value_or(std::chrono::seconds(3)).count()) /
      1000.0;
  // --migrate-during: the shadow starts as the baseline and the migration runs during the replay.
  replay::MigrationDuringReplay concurrent_migration;
  if (options.locks.migrate_during) {
    auto at = migration_point(options);
    if (!at) return exit_status_for(at.error());
    concurrent_migration.at = at->at;
    concurrent_migration.at_chosen = at->chosen;
    concurrent_migration.scripts = *migrations;
  }
  judge::FindingsBook findings(judge_settings);
  // What the reports say about the capture and the run's cost, once it ends or is stopped.
  const auto close_description = [&] {
    if (filtered != nullptr) findings.on_filtered(filtered->filtered_by_reason());
    // Events peeked but never handed to the replay (it was stopped before it took them).
    findings.on_not_replayed(source->held());
    findings.on_captured(source->accounting().events);
    run.capture_accounting = source->accounting();
    run.capture_problems = &source->problems();
    run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0) run.peak_rss_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
  };
  // A signal stops the run at the next statement boundary: the reports asked for are still
  // written, with what was compared until then and marked interrupted (never safe), before
  // the exit status names the signal.
  // The metrics, once they are served or pushed, end with the run's exit status whatever it is.
  RunObservability* observed = nullptr;
  const auto stop = [&](const Error& error, const char* during) {
    if (error.kind == ErrorKind::kInterrupted && !outputs->reports.reports().empty()) {
      run.interrupted = report::RunDescription::Interruption{signal_name(interrupt_signal()), during};
      close_description();
      finish_outputs(*outputs, run, findings);
    }
    const int status = exit_status_for(error);
    if (observed != nullptr) observed->finish(status);
    return status;
  };
  auto preview = preview_capture(*source, options.filters);
  // Embedded servers are not started for a capture that cannot work; given servers are asked
  // first, so that one that cannot be reached is told as such (exit 3) whatever the capture.
  if (!preview && options.baseline_dsn.empty()) return exit_status_for(preview.error());

  // Both sides exist with identical data, each in its own cluster when embedded; the shadow does
  // not have the migration yet.
  Targets targets;
  if (options.baseline_dsn.empty()) {
    if (!options.outputs.quiet) {
      std::cerr << "pgshadow: starting two embedded PostgreSQL clusters and loading the baseline...\n";
      if (!preview->note.empty()) std::cerr << "pgshadow: " << preview->note << "\n";
    }
    auto prepared = prepare_embedded(options, *preview);
    if (!prepared) return stop(prepared.error(), "setup");
    targets = std::move(prepared).value();
    run.server_mode = "embedded";
    run.database = targets.pair->database();
    run.database_chosen_from = preview->chosen_from.empty() ? targets.pair->database_source() : preview->chosen_from;
    run.baseline_target = "embedded:" + run.database;
    run.shadow_target = "embedded:" + run.database;
    run.roles = &targets.pair->roles();
    run.scaled_tables = targets.pair->scaled_tables();
  } else {
    auto prepared = prepare_dsn(options);
    if (!prepared) return stop(prepared.error(), "setup");
    if (!preview) return exit_status_for(preview.error());
    targets = std::move(prepared).value();
    auto scaled = scale_both_dsn_sides(options);
    if (!scaled) return stop(scaled.error(), "setup");
    run.scaled_tables = std::move(scaled).value();
    run.server_mode = "dsn";
    run.baseline_target = pg::redact(options.baseline_dsn);
    run.shadow_target = pg::redact(options.shadow_dsn);
    run.roles = targets.dsn_roles.get();
  }
  run.capture_databases = preview->databases_seen;
  run.database_note = preview->note;
  auto version = server_version(targets.conninfo.baseline_conninfo);
  if (!version) return stop(version.error(), "setup");
  run.server_version = *version;
  if (Status s = check_interrupt(); !s) return stop(s.error(), "setup");

  auto observability = RunObservability::start(options.observability, run, findings);
  if (!observability) return exit_status_for(observability.error());
  observed = observability->get();
  replay::ObserverFanout observers;
  observers.add(findings);
  observers.add((*observability)->observer());
  report::Timeline timeline;
  observers.add(timeline);
  run.timeline = &timeline;
  auto progress = make_progress_display(findings, isatty(STDERR_FILENO) != 0, std::cerr);
  if (!options.outputs.quiet) observers.add(*progress);
  replay::ReplaySummary replay_summary;
  // The shadow carries the candidate schema, or the migration's failure is the finding.
  // The baseline is watched meanwhile: a migration that reaches it is a finding.
  // --migrate-during: the shadow stays the baseline for now (embedded: the pristine shadow gets
  // the migration below, which also finds a migration that fails on the baseline's data).
  const pg::MigrationOptions migration_options{&interrupt_requested(), targets.conninfo.baseline_conninfo};
  auto migrated = options.locks.migrate_during ? Result<MigrationOutcome>(MigrationOutcome{})
                  : targets.pair              ? targets.pair->apply_migrations(*migrations, migration_options)
                                : pg::apply_migrations(targets.conninfo.shadow_conninfo, *migrations, migration_options);
  if (!migrated) return stop(migrated.error(), "migration");
  if (options.locks.migrate_during && targets.pair) {
    if (Status finished = targets.pair->finish_setup(); !finished) return stop(finished.error(), "setup");
    migrated = targets.pair->apply_migrations(*migrations, migration_options, true);
    if (!migrated) return stop(migrated.error(), "migration");
  }
  if (!options.locks.migrate_during) findings.on_migration_messages(migrated->messages, migrated->messages_dropped);
  if (migrated->failure) {
    findings.on_migration_failed(*migrated->failure);
    // The traffic is not replayed, but every event is still accounted for.
    std::uint64_t events = 0;
    for (;;) {
      auto next = source->next();
      if (!next) return stop(next.error(), "migration");
      if (!next->has_value()) break;
      ++events;
    }
    findings.on_not_replayed(events);
  } else {
    if (Status s = check_interrupt(); !s) return stop(s.error(), "migration");
    // The isolation probe has pristine copies of both sides, each in its side's cluster, and
    // both clusters hand out the same OIDs from here on (embedded clusters only: they can be
    // changed freely).
    if (targets.pair) {
      if (!options.locks.migrate_during) {
        if (Status finished = targets.pair->finish_setup(); !finished) return stop(finished.error(), "setup");
      }
      targets.conninfo.pristine_baseline_conninfo = targets.pair->pristine_conninfo(pg::kEmbeddedBaseline);
      targets.conninfo.pristine_shadow_conninfo = targets.pair->pristine_conninfo(pg::kEmbeddedShadow);
      run.next_oid = targets.pair->next_oid();
    }
    // Every event was compared, skipped or failed, exactly once.
    replay::ReplaySettings settings = *replay_settings_from(options.replay);  // checked with the flags
    settings.lock_timeout = lock_timeout_for(options.replay, options.locks.migrate_during);
    run.setup_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // PGSHADOW_TRACE_REPLAY=1: one stderr line per dispatch, lock wait and reordering (README).
    replay::StderrReplayTrace stderr_trace;
    const replay::ReplayEnvironment environment{nullptr,
                                                std::getenv("PGSHADOW_TRACE_REPLAY") != nullptr ? &stderr_trace : nullptr};
    if (options.locks.migrate_during) {
      if (targets.pair) {
        auto conninfo = targets.pair->migration_conninfo();
        if (!conninfo) return stop(conninfo.error(), "setup");
        concurrent_migration.conninfo = *conninfo;
      } else {
        concurrent_migration.conninfo = targets.conninfo.shadow_conninfo;
      }
      concurrent_migration.guarded_conninfo = targets.conninfo.baseline_conninfo;
      targets.conninfo.migrate_during = &concurrent_migration;
    }
    auto replayed = replay::replay(*source, targets.conninfo, settings, observers, &interrupt_requested(), environment);
    if (!replayed) return stop(replayed.error(), "replay");
    replay_summary = *replayed;
    if (const auto& migration_run = replay_summary.migration_run) {
      findings.on_migration_messages(migration_run->outcome.messages, migration_run->outcome.messages_dropped);
      findings.on_migration_run(*migration_run);
    }
    // A replay that compared nothing never says safe (every event skipped or filtered: exit 2).
    if (Status s = check_something_compared(replay_summary); !s) return stop(s.error(), "replay");
    // Every shape that succeeded on both sides has its two plans: a lost index or a worse plan
    // is judged from them, the same way on every run.
    auto plans = replay::explain_on_both_sides(targets.conninfo, findings.plan_requests(), settings.statement_timeout,
                                               &interrupt_requested());
    if (plans) {
      for (const replay::PlanPair& pair : *plans) findings.on_plans(pair);
    } else {
      std::cerr << "pgshadow: warning: no plans compared: " << plans.error().message << "\n";
    }
    run.sessions = replayed->sessions;
    run.replay = &replay_summary;
    run.order = options.replay.order;
    run.read_only = options.replay.read_only;
  }
  close_description();

  const int status = finish_outputs(*outputs, run, findings);
  if (targets.pair && options.keep_server) {
    std::cerr << "pgshadow: the embedded clusters keep running:\n" << targets.pair->connect_hint() << "\n";
  }
  (*observability)->finish(status);
  return status;
}

}  // namespace pgshadow::cli
