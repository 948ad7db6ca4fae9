#pragma once
// How `pgshadow verify` replays: order and pacing, concurrency, timeouts, read-only mode,
// roles, and the nondeterminism probe.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "pgshadow/replay/replay.h"
#include "pgshadow/util/result.h"

namespace pgshadow::cli {

struct ReplayOptions {
  std::string order = "causal";
  double speed = 1.0;
  std::size_t jobs = 0;
  std::string statement_timeout = "30s";
  // Empty: kDefaultLockTimeout, or none with --migrate-during (lock_timeout_for).
  std::string lock_timeout;
  bool read_only = false;
  bool set_role = true;
  bool probe_nondeterminism = false;
  std::vector<std::string> allowed_outside;  // --allow-outside KIND
};

// Checks a PostgreSQL duration flag value ("30s", "500ms", "2min"), as statement_timeout takes it.
const CLI::Validator& postgres_duration();

void add_replay_options(CLI::App& verify, ReplayOptions& options);

// The replay's settings, or kBadInput naming the flag and the value at fault.
inline constexpr const char* kDefaultLockTimeout = "5s";

Result<replay::ReplaySettings> replay_settings_from(const ReplayOptions& options);

// The lock_timeout the replayed sessions get. --lock-timeout when given; else none when a
// migration runs during the replay: a wait behind its locks is what is measured, and the
// captured application, which set no lock_timeout of its own (a session that did keeps it: its
// SET is replayed), would have waited; statement_timeout still bounds the wait. Else 5 s,
// which ends a stall between replayed sessions sooner than statement_timeout.
std::string lock_timeout_for(const ReplayOptions& options, bool migration_during_replay);

}  // namespace pgshadow::cli
