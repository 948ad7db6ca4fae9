#include "rollout_step.h"

#include <cmath>
#include <set>
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>

#include "filter_options.h"
#include "interrupt.h"
#include "pgshadow/judge/findings.h"
#include "pgshadow/pg/embedded_pair.h"
#include "pgshadow/pg/session_connection.h"
#include "pgshadow/replay/observer_fanout.h"
#include "pgshadow/rollout/interleaved_traffic.h"
#include "rollout_checks.h"
#include "server_version.h"

namespace pgshadow::cli {
namespace {

namespace fs = std::filesystem;
using rollout::AppVersion;

Result<std::unique_ptr<pg::EmbeddedPair>> prepare_pair(const RolloutContext& context, const std::string& start_state) {
  pg::EmbeddedPairOptions options;
  options.server.bin_dir = context.pg_bin;
  options.baseline_file = start_state;
  options.globals_file = context.globals_file;
  options.database = context.database;
  options.database_owner = context.database_owner;
  options.captured_users = context.captured_users;
  options.created_by_traffic = context.created_by_traffic;
  options.as_captured_user = context.as_captured_user;
  options.interrupted = &interrupt_requested();
  return pg::EmbeddedPair::prepare(options);
}

replay::ReplayTargets targets_of(pg::EmbeddedPair& pair) {
  replay::ReplayTargets targets;
  targets.baseline_conninfo = pair.conninfo(pg::kEmbeddedBaseline);
  targets.shadow_conninfo = pair.conninfo(pg::kEmbeddedShadow);
  targets.pristine_baseline_conninfo = pair.pristine_conninfo(pg::kEmbeddedBaseline);
  targets.pristine_shadow_conninfo = pair.pristine_conninfo(pg::kEmbeddedShadow);
  targets.logins = &pair.logins();
  return targets;
}

void say(const RolloutContext& context, const std::string& text) {
  if (!context.quiet) std::cerr << "pgshadow: rollout: " << text << "\n";
}

// The sample that keeps `share` of a capture's sessions exactly (rounded, at least one): a
// fraction alone keeps any number of a few sessions (3 of 9 for 70%).
Result<double> sample_for_share(const std::string& capture_path, double share) {
  const capture::FilteredEventSource* unfiltered = nullptr;
  auto source = open_filtered_capture({capture_path}, FilterOptions{}, &unfiltered, false);
  if (!source) return source.error();
  std::set<std::string> sessions;
  for (;;) {
    auto next = (*source)->next();
    if (!next) return next.error();
    if (!next->has_value()) break;
    sessions.insert((*next)->session_id);
  }
  std::vector<double> positions;
  for (const std::string& session : sessions) positions.push_back(capture::session_sample_position(session, FilterOptions{}.seed));
  const auto kept = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(share * static_cast<double>(sessions.size()))));
  return capture::sample_keeping(std::move(positions), kept);
}

// The versions' captures replayed on the pair at once, each judged as a cell of the matrix.
// One version replays its capture as it is; several are interleaved as pods of both serve
// during a rollout (interleaved_traffic.h), each statement's fate counted in its version's cell.
// `compared_with`: what the pair's baseline side holds, "before" or "after" the step.
Result<std::map<AppVersion, rollout::Cell>> replay_versions(const RolloutContext& context,
                                                           const replay::ReplayTargets& targets,
                                                           const rollout::PlanStep& step,
                                                           const std::vector<AppVersion>& versions,
                                                           const char* compared_with) {
  std::string names;
  for (AppVersion v : versions) names += (names.empty() ? "" : " and ") + std::string(rollout::to_string(v));
  say(context, step.name + ": replaying the " + names + " application" + (versions.size() > 1 ? "s, interleaved" : "") +
                   (step.deploys(versions.front()) ? "" : " (not deployed)") + ", the baseline side " + compared_with +
                   " the step");
  struct Judging {
    judge::FindingsBook book;
    rollout::FailuresAfterStep failures;
  };
  std::map<AppVersion, Judging> judging;
  replay::ObserverFanout observers;
  rollout::VersionRouter router;
  rollout::InterleavedTraffic interleaved;
  std::unique_ptr<capture::EventSource> single;
  std::map<AppVersion, const capture::FilteredEventSource*> filtered_of;
  // share: {new: 30%}: each deployed version's part of the sessions, chosen reproducibly (a
  // version not deployed during the step replays whole: its cell says what all of it would meet).
  for (AppVersion v : versions) {
    FilterOptions filter;
    if (step.new_share && step.deploys(v)) {
      auto sample = sample_for_share(context.plan->capture_of(v), v == AppVersion::kNew ? *step.new_share : 1.0 - *step.new_share);
      if (!sample) return sample.error();
      filter.sessions_sample = *sample;
    }
    const capture::FilteredEventSource*& filtered = filtered_of[v];
    auto source = open_filtered_capture({context.plan->capture_of(v)}, filter, &filtered);
    if (!source) return source.error();
    Judging& cell = judging[v];
    if (versions.size() == 1) {
      single = std::move(*source);
      observers.add(cell.book);
      observers.add(cell.failures);
    } else {
      interleaved.add(v, std::move(*source));
      router.route(v, cell.book);
      router.route(v, cell.failures);
    }
  }
  if (versions.size() > 1) observers.add(router);
  capture::EventSource& traffic = single ? *single : static_cast<capture::EventSource&>(interleaved);
  auto replayed = replay::replay(traffic, targets, context.settings, observers, &interrupt_requested());
  if (!replayed) return replayed.error();
  if (router.unrouted() > 0) {
    return Error::infrastructure(step.name + ": " + std::to_string(router.unrouted()) +
                                 " statements of the interleaved traffic belong to no version");
  }
  std::map<AppVersion, rollout::Cell> cells;
  for (AppVersion v : versions) {
    if (const capture::FilteredEventSource* filtered = filtered_of.at(v)) judging.at(v).book.on_filtered(filtered->filtered_by_reason());
    rollout::Cell cell = rollout::judge_cell(v, step.deploys(v), judging.at(v).book, judging.at(v).failures);
    cell.compared_with = compared_with;
    if (const capture::FilteredEventSource* filtered = filtered_of.at(v)) cell.outside_share = filtered->filtered();
    cells.emplace(v, std::move(cell));
  }
  return cells;
}

// The shadow's database as pg_dump output in the scratch directory: the next step's start.
// pg_dump runs as the server user, so it writes into the cluster's own private directory first.
// A baseline that names no role leaves production's privileges unknown, and the setup makes every
// captured role a member of the objects' owner; the next step must be set up alike, so its start
// state names no role either: plain SQL without owners and privileges (an archive keeps them
// whatever pg_dump is told). A baseline with owners and grants keeps them, in an archive.
Result<std::string> dump_shadow(pg::EmbeddedPair& pair, const RolloutContext& context, const std::string& name) {
  pg::EmbeddedServer& shadow = pair.server(pg::kEmbeddedShadow);
  const bool without_roles = pair.roles().captured_roles_are_owners;
  const std::string file = name + (without_roles ? ".sql" : ".dump");
  const std::string written = shadow.directory() + "/" + file;
  std::vector<std::string> args = {"-f", written, "-d", pair.conninfo(pg::kEmbeddedShadow)};
  if (without_roles) {
    args.insert(args.begin(), {"-Fp", "--no-owner", "--no-privileges"});
  } else {
    args.insert(args.begin(), "-Fc");
  }
  if (Status dumped = shadow.run_tool("pg_dump", args); !dumped) return dumped.error();
  const std::string kept = (fs::path(context.scratch_dir) / file).string();
  std::error_code error;
  fs::copy_file(written, kept, fs::copy_options::overwrite_existing, error);
  if (error) return Error::infrastructure("cannot keep the state after " + name + " in " + kept + ": " + error.message());
  return kept;
}

// Once every deployed version has run: the step's checks on the shadow, and the shadow kept as
// the state the next step starts from.
Result<std::string> finish_deployed_traffic(pg::EmbeddedPair& pair, const RolloutContext& context,
                                            const rollout::PlanStep& step, const std::string& state_name,
                                            StepResult& result) {
  auto checks = run_data_checks(pair.conninfo(pg::kEmbeddedShadow), step.checks, &interrupt_requested());
  if (!checks) return checks.error();
  result.row.checks.insert(result.row.checks.end(), checks->begin(), checks->end());
  auto end_state = dump_shadow(pair, context, state_name);
  if (!end_state) return end_state.error();
  result.end_state = *end_state;
  return result.end_state;
}

}  // namespace

Result<StepResult> run_step(const RolloutContext& context, const StepInputs& inputs) {
  const rollout::PlanStep& step = *inputs.step;
  StepResult result;
  result.row.step = step.name;
  result.row.is_rollback = inputs.is_rollback;
  for (const auto& migration : step.migrations) result.row.migrations.push_back(migration.written);
  result.row.deployed = step.traffic;
  result.row.new_share = step.new_share;
  std::vector<AppVersion> continuing;  // deployed before the step and during it
  std::vector<AppVersion> newcomers;   // deployed during the step, not before it
  std::vector<AppVersion> idle;        // not deployed during the step
  for (AppVersion v : rollout::kAppVersions) {
    const bool before = std::find(inputs.deployed_before.begin(), inputs.deployed_before.end(), v) != inputs.deployed_before.end();
    (!step.deploys(v) ? idle : before ? continuing : newcomers).push_back(v);
  }
  // Plan order among the deployed versions.
  const auto plan_order = [&](std::vector<AppVersion>& versions) {
    std::vector<AppVersion> ordered;
    for (AppVersion v : step.traffic) {
      if (std::find(versions.begin(), versions.end(), v) != versions.end()) ordered.push_back(v);
    }
    versions = std::move(ordered);
  };
  plan_order(continuing);
  plan_order(newcomers);

  // Both sides hold the state the step starts in; the shadow has the step's migrations.
  say(context, step.name + ": preparing both sides from " + fs::path(inputs.start_state).filename().string());
  auto before_pair = prepare_pair(context, inputs.start_state);
  if (!before_pair) return before_pair.error();
  auto version = server_version((*before_pair)->conninfo(pg::kEmbeddedBaseline));
  if (!version) return version.error();
  result.server_version = *version;
  const pg::MigrationOptions migration_options{&interrupt_requested(), (*before_pair)->conninfo(pg::kEmbeddedBaseline)};
  auto migrated = (*before_pair)->apply_migrations(*inputs.scripts, migration_options);
  if (!migrated) return migrated.error();
  if (migrated->failure) {
    judge::FindingsBook book;  // words the failure as verify does
    book.on_migration_failed(*migrated->failure);
    result.row.migration_failure = book.migration_finding();
    for (AppVersion v : rollout::kAppVersions) {
      result.row.cells.push_back(rollout::cell_not_run(v, step.deploys(v), "the step's migration failed"));
    }
    return result;
  }
  if (Status finished = (*before_pair)->finish_setup(); !finished) return finished.error();
  const replay::ReplayTargets before_targets = targets_of(**before_pair);

  // The way back keeps what the later phases wrote: judged on the rollback's migrations alone.
  if (inputs.is_rollback) {
    auto preserved =
        check_rows_preserved(before_targets.baseline_conninfo, before_targets.shadow_conninfo, &interrupt_requested());
    if (!preserved) return preserved.error();
    result.row.checks.push_back(*preserved);
  }

  std::map<AppVersion, rollout::Cell> cells;
  const auto replay_into_cells = [&](const replay::ReplayTargets& targets, const std::vector<AppVersion>& versions,
                                     const char* compared_with) -> Status {
    if (versions.empty()) return Status::success();
    auto replayed = replay_versions(context, targets, step, versions, compared_with);
    if (!replayed) return replayed.error();
    cells.merge(*replayed);
    return Status::success();
  };
  if (Status replayed = replay_into_cells(before_targets, continuing, "before"); !replayed) return replayed.error();
  if (newcomers.empty()) {
    auto end_state = finish_deployed_traffic(**before_pair, context, step, inputs.state_name, result);
    if (!end_state) return end_state.error();
  }

  // A version that did not run before the step has no "before" to compare with: it runs where
  // both sides hold the state after the step, and only what fails there (where production
  // succeeded) counts. The versions not deployed run there too, on what is left.
  if (!newcomers.empty() || !idle.empty()) {
    std::string after_state = result.end_state;
    if (after_state.empty()) {
      auto dumped = dump_shadow(**before_pair, context, inputs.state_name + "-migrated");
      if (!dumped) return dumped.error();
      after_state = *dumped;
    }
    before_pair->reset();  // two clusters at a time
    say(context, step.name + ": preparing both sides after the step");
    auto after_pair = prepare_pair(context, after_state);
    if (!after_pair) return after_pair.error();
    if (Status finished = (*after_pair)->finish_setup(); !finished) return finished.error();
    const replay::ReplayTargets after_targets = targets_of(**after_pair);
    if (Status replayed = replay_into_cells(after_targets, newcomers, "after"); !replayed) return replayed.error();
    if (!newcomers.empty()) {
      auto end_state = finish_deployed_traffic(**after_pair, context, step, inputs.state_name, result);
      if (!end_state) return end_state.error();
    }
    // Each on its own: a version that is not deployed does not serve beside another.
    for (AppVersion v : idle) {
      if (Status replayed = replay_into_cells(after_targets, {v}, "after"); !replayed) return replayed.error();
    }
  }
  for (AppVersion v : rollout::kAppVersions) result.row.cells.push_back(std::move(cells.at(v)));
  return result;
}

}  // namespace pgshadow::cli
