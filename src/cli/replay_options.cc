#include "replay_options.h"

#include "pgshadow/sql/query_shape.h"
#include <regex>

namespace pgshadow::cli {

// A PostgreSQL time setting as statement_timeout and lock_timeout take it: a number, optionally
// fractional, with a unit (us, ms, s, min, h, d; none means milliseconds). Checked here so that
// a typo is bad usage before any server starts, not a failure at the first connection.
const CLI::Validator& postgres_duration() {
  static const CLI::Validator validator(
      [](const std::string& value) -> std::string {
        static const std::regex duration(R"(\s*[0-9]+(\.[0-9]+)?\s*(us|ms|s|min|h|d)?\s*)");
        if (std::regex_match(value, duration)) return {};
        return "'" + value + "' is not a duration (a number with us, ms, s, min, h or d: 30s, 500ms, 2min; 0 for none)";
      },
      "DURATION");
  return validator;
}

void add_replay_options(CLI::App& verify, ReplayOptions& options) {
  verify.add_option("--order", options.order,
                    "causal: a statement waits for what finished before it started in production, "
                    "concurrent sessions overlap, as fast as the servers go; strict: one statement at "
                    "a time, in log order; timed: causal, paced like production (see --speed)")
      ->capture_default_str();
  verify.add_option("--speed", options.speed,
                    "With --order timed: replay N times faster than production (0.5: twice slower)")
      ->capture_default_str();
  verify.add_option("--jobs", options.jobs,
                    "At most N sessions with a statement running at once (0: as many as production "
                    "had); sessions waiting on a lock do not count")
      ->check(CLI::Validator(
          [](const std::string& value) -> std::string {
            if (!value.empty() && value.find_first_not_of("0123456789") == std::string::npos) return {};
            return "'" + value + "' is not a count of sessions (a whole number, 0 or more)";
          },
          "N"))
      ->capture_default_str();
  verify.add_option("--statement-timeout", options.statement_timeout,
                    "statement_timeout for every replayed statement")
      ->check(postgres_duration())
      ->capture_default_str();
  verify.add_option("--lock-timeout", options.lock_timeout,
                    std::string("lock_timeout for every replayed statement (default ") + kDefaultLockTimeout +
                        "; with --migrate-during none, so that a wait behind the migration lasts as it "
                        "would have in production, up to --statement-timeout)")
      ->check(postgres_duration());
  verify.add_flag("--read-only", options.read_only,
                  "Replay only statements that cannot write (told from the parse tree), in read-only "
                  "transactions: for a live replica. Writes are skipped and counted");
  verify.add_flag("!--no-set-role", options.set_role,
                  "Run every statement as the connecting user, not as the captured user (by default a "
                  "session runs as its captured user where that role exists and may be assumed)");
  verify.add_flag("--probe-nondeterminism", options.probe_nondeterminism,
                  "Run a read whose results differ between the sides again on the baseline: if it "
                  "differs there too, it is nondeterministic, not a finding");
  std::vector<std::string> kinds(std::begin(sql::kOutsideReachKinds), std::end(sql::kOutsideReachKinds));
  std::string kind_list;
  for (const auto& kind : kinds) kind_list += (kind_list.empty() ? "" : ", ") + kind;
  verify.add_option("--allow-outside", options.allowed_outside,
                    "Replay statements of this kind even though they act outside their database (by "
                    "default they are skipped and counted, with the reason): " + kind_list + "; repeatable")
      ->type_name("KIND")
      ->check(CLI::IsMember(kinds));
}

Result<replay::ReplaySettings> replay_settings_from(const ReplayOptions& options) {
  replay::ReplaySettings settings;
  if (options.order == "causal") {
    settings.order = replay::ReplayOrder::kCausal;
  } else if (options.order == "strict") {
    settings.order = replay::ReplayOrder::kStrict;
  } else if (options.order == "timed") {
    settings.order = replay::ReplayOrder::kTimed;
  } else {
    return Error::bad_input("--order must be 'causal', 'strict' or 'timed', not '" + options.order + "'");
  }
  if (!(options.speed > 0)) {
    return Error::bad_input("--speed must be a positive factor, not " + std::to_string(options.speed));
  }
  settings.speed = options.speed;
  settings.jobs = options.jobs;
  settings.statement_timeout = options.statement_timeout;
  settings.lock_timeout = lock_timeout_for(options, false);
  settings.read_only = options.read_only;
  settings.run_as_captured_user = options.set_role;
  settings.probe_nondeterminism = options.probe_nondeterminism;
  settings.allowed_outside.insert(options.allowed_outside.begin(), options.allowed_outside.end());
  return settings;
}

std::string lock_timeout_for(const ReplayOptions& options, bool migration_during_replay) {
  if (!options.lock_timeout.empty()) return options.lock_timeout;
  return migration_during_replay ? "0" : kDefaultLockTimeout;
}

}  // namespace pgshadow::cli
