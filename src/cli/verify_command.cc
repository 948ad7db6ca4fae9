// `pgshadow verify`: the driver. Each pass is one call; the comment above it states what holds
// once it returns.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "interrupt.h"
#include "path_arguments.h"
#include "progress_display.h"
#include "pgshadow/capture/event_source.h"
#include "pgshadow/judge/findings.h"
#include "pgshadow/pg/conninfo.h"
#include "pgshadow/pg/database_setup.h"
#include "pgshadow/pg/embedded_server.h"
#include "pgshadow/pg/session_connection.h"
#include "pgshadow/replay/observer_fanout.h"
#include "pgshadow/replay/replay.h"
#include "pgshadow/report/run_report.h"
#include "pgshadow/sql/script.h"
#include "pgshadow/util/xxh3.h"
#include "verify_options.h"

namespace pgshadow::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTemplateDatabase = "pgshadow_template";
constexpr const char* kBaselineDatabase = "baseline";
constexpr const char* kShadowDatabase = "shadow";
constexpr const char* kPristineBaselineDatabase = "baseline_pristine";
constexpr const char* kPristineShadowDatabase = "shadow_pristine";

int exit_status_for(const Error& error) {
  std::cerr << "pgshadow: " << error.message << "\n";
  switch (error.kind) {
    case ErrorKind::kBadInput: return static_cast<int>(ExitCode::kBadInput);
    case ErrorKind::kInfrastructure: return static_cast<int>(ExitCode::kInfrastructure);
    case ErrorKind::kInterrupted: return 128 + (interrupt_signal() != 0 ? interrupt_signal() : 2);
  }
  return static_cast<int>(ExitCode::kInfrastructure);
}

std::string now_iso8601() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
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
  for (const std::string* path : {&options.baseline_file, &options.outputs.allowlist_file, &options.filters.log_settings}) {
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

// The two databases the replay runs against, and the server that holds them when embedded.
struct Targets {
  std::unique_ptr<pg::EmbeddedServer> server;
  replay::ReplayTargets conninfo;
};

Result<Targets> prepare_embedded(const VerifyOptions& options) {
  pg::EmbeddedServerOptions server_options;
  server_options.bin_dir = options.pg_bin;
  server_options.keep = options.keep_server;
  auto server = pg::EmbeddedServer::start(server_options);
  if (!server) return server.error();
  Targets targets;
  targets.server = std::move(server).value();
  pg::EmbeddedServer& pg = *targets.server;

  const std::string admin = pg.conninfo("postgres");
  const std::atomic<bool>* interrupted = &interrupt_requested();
  if (Status s = pg::clone_database(admin, kTemplateDatabase, "template0", interrupted); !s) return s.error();
  if (Status s = pg::load_baseline(pg.bin_dir(), pg.conninfo(kTemplateDatabase), options.baseline_file, interrupted);
      !s) {
    return s.error();
  }
  // Both sides are clones of one template: they start byte-identical.
  for (const char* side : {kBaselineDatabase, kShadowDatabase}) {
    if (Status s = pg::clone_database(admin, side, kTemplateDatabase, interrupted); !s) return s.error();
  }
  targets.conninfo.baseline_conninfo = pg.conninfo(kBaselineDatabase);
  targets.conninfo.shadow_conninfo = pg.conninfo(kShadowDatabase);
  return targets;
}

Result<std::string> server_version(const std::string& conninfo) {
  auto connection = pg::SessionConnection::open(conninfo, {}, &interrupt_requested());
  if (!connection) return connection.error();
  return (*connection)->query_scalar("SHOW server_version");
}

}  // namespace

int run_verify(const VerifyOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  report::RunDescription run;
  run.started_at = now_iso8601();
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
  const capture::FilteredEventSource* filtered = nullptr;
  auto source = open_filtered_capture(options.capture_paths, options.filters, &filtered);
  if (!source) return exit_status_for(source.error());
  run.capture_description = (*source)->description();

  // Both sides exist with identical data; the shadow does not have the migration yet.
  Targets targets;
  if (options.baseline_dsn.empty()) {
    std::cerr << "pgshadow: starting an embedded PostgreSQL and loading the baseline...\n";
    auto prepared = prepare_embedded(options);
    if (!prepared) return exit_status_for(prepared.error());
    targets = std::move(prepared).value();
    run.server_mode = "embedded";
    run.baseline_target = "embedded:" + std::string(kBaselineDatabase);
    run.shadow_target = "embedded:" + std::string(kShadowDatabase);
  } else {
    if (!options.production_dsn.empty()) {
      // Writes are what production must never see: the replay's unless --read-only, and the
      // migration's on the shadow.
      const bool replay_writes = !options.replay.read_only;
      const bool migrates_shadow = !options.migration_files.empty();
      for (const auto& [side, dsn, writes] : {std::tuple{"baseline", options.baseline_dsn, replay_writes},
                                              std::tuple{"shadow", options.shadow_dsn, replay_writes || migrates_shadow}}) {
        if (writes && pg::same_database(dsn, options.production_dsn)) {
          return exit_status_for(Error::bad_input(std::string("refusing to replay: the ") + side + " (" +
                                                  pg::redact(dsn) + ") is the production database (--production-dsn)" +
                                                  (options.replay.read_only ? " and the migration would write to it" : "")));
        }
      }
    }
    if (pg::same_database(options.baseline_dsn, options.shadow_dsn)) {
      return exit_status_for(Error::bad_input("--baseline-dsn and --shadow-dsn name the same database"));
    }
    targets.conninfo.baseline_conninfo = options.baseline_dsn;
    targets.conninfo.shadow_conninfo = options.shadow_dsn;
    run.server_mode = "dsn";
    run.baseline_target = pg::redact(options.baseline_dsn);
    run.shadow_target = pg::redact(options.shadow_dsn);
  }
  auto version = server_version(targets.conninfo.baseline_conninfo);
  if (!version) return exit_status_for(version.error());
  run.server_version = *version;
  if (Status s = check_interrupt(); !s) return exit_status_for(s.error());

  judge::FindingsBook findings(judge::JudgeSettings{options.include_literals, {}, options.show_values});
  auto observability = RunObservability::start(options.observability, run, findings);
  if (!observability) return exit_status_for(observability.error());
  replay::ObserverFanout observers;
  observers.add(findings);
  observers.add((*observability)->observer());
  report::Timeline timeline;
  observers.add(timeline);
  run.timeline = &timeline;
  auto progress = make_progress_display(findings, isatty(STDERR_FILENO) != 0, std::cerr);
  observers.add(*progress);
  replay::ReplaySummary replay_summary;
  // The shadow carries the candidate schema, or the migration's failure is the finding.
  // The baseline is watched meanwhile: a migration that reaches it is a finding.
  auto migrated = pg::apply_migrations(targets.conninfo.shadow_conninfo, *migrations,
                                       {&interrupt_requested(), targets.conninfo.baseline_conninfo});
  if (!migrated) return exit_status_for(migrated.error());
  if (migrated->has_value()) {
    findings.on_migration_failed(**migrated);
    // The traffic is not replayed, but every event is still accounted for.
    std::uint64_t events = 0;
    for (;;) {
      auto next = (*source)->next();
      if (!next) return exit_status_for(next.error());
      if (!next->has_value()) break;
      ++events;
    }
    findings.on_not_replayed(events);
  } else {
    if (Status s = check_interrupt(); !s) return exit_status_for(s.error());
    // The isolation probe has pristine copies of both sides (embedded server only: it can
    // clone databases freely there).
    if (targets.server) {
      pg::EmbeddedServer& server = *targets.server;
      const std::string admin = server.conninfo("postgres");
      Status cloned = pg::clone_database(admin, kPristineBaselineDatabase, kTemplateDatabase, &interrupt_requested());
      if (cloned) cloned = pg::clone_database(admin, kPristineShadowDatabase, kShadowDatabase, &interrupt_requested());
      if (!cloned) return exit_status_for(cloned.error());
      targets.conninfo.pristine_baseline_conninfo = server.conninfo(kPristineBaselineDatabase);
      targets.conninfo.pristine_shadow_conninfo = server.conninfo(kPristineShadowDatabase);
    }
    // Every event was compared, skipped or failed, exactly once.
    replay::ReplaySettings settings = *replay_settings_from(options.replay);  // checked with the flags
    run.setup_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    auto replayed = replay::replay(**source, targets.conninfo, settings, observers, &interrupt_requested());
    if (!replayed) return exit_status_for(replayed.error());
    replay_summary = *replayed;
    run.sessions = replayed->sessions;
    run.replay = &replay_summary;
    run.order = options.replay.order;
    run.read_only = options.replay.read_only;
  }
  if (filtered != nullptr) findings.on_filtered(filtered->filtered_by_reason());
  run.capture_accounting = (*source)->accounting();
  run.capture_problems = &(*source)->problems();
  run.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) run.peak_rss_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;

  const int status = finish_outputs(*outputs, run, findings);
  if (targets.server && options.keep_server) {
    std::cerr << "pgshadow: the embedded server keeps running: " << targets.server->connect_hint() << "\n";
  }
  (*observability)->finish(status);
  return status;
}

}  // namespace pgshadow::cli
