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
  std::string lock_timeout = "5s";
  bool read_only = false;
  bool set_role = true;
  bool probe_nondeterminism = false;
  std::vector<std::string> allowed_outside;  // --allow-outside KIND
};

// Checks a PostgreSQL duration flag value ("30s", "500ms", "2min"), as statement_timeout takes it.
const CLI::Validator& postgres_duration();

void add_replay_options(CLI::App& verify, ReplayOptions& options);

// The replay's settings, or kBadInput naming the flag and the value at fault.
Result<replay::ReplaySettings> replay_settings_from(const ReplayOptions& options);

}  // namespace pgshadow::cli
