#include <algorithm>
#include <filesystem>

#include "path_arguments.h"
#include "verify_options.h"

namespace pgshadow::cli {
namespace fs = std::filesystem;

namespace {

Status require_exists(const std::string& path, const std::string& what) {
  std::error_code ignored;
  if (!fs::exists(path, ignored)) return Error::bad_input(what + " not found: " + path);
  return Status::success();
}

}  // namespace

Status complete_from_scenario(VerifyOptions& options) {
  if (!options.scenario_dir.empty()) {
    const fs::path dir = options.scenario_dir;
    std::error_code error;
    if (!fs::exists(dir, error)) return Error::bad_input("scenario directory not found: " + options.scenario_dir);
    if (Status s = check_input_path("scenario", options.scenario_dir, PathUse::kDirectory); !s) return s;
    if (options.baseline_file.empty()) {
      for (const char* name : {"baseline.sql", "baseline.dump"}) {
        if (fs::exists(dir / name, error)) {
          options.baseline_file = (dir / name).string();
          break;
        }
      }
    }
    if (options.globals_file.empty() && fs::exists(dir / "globals.sql", error)) {
      options.globals_file = (dir / "globals.sql").string();
    }
    if (options.migration_files.empty() && fs::is_directory(dir / "migrations", error)) {
      // A scenario may have no migration yet (an empty migrations/): nothing to apply.
      auto files = sql_files_in("scenario", (dir / "migrations").string());
      if (files) {
        options.migration_files = std::move(*files);
      } else if (!fs::is_empty(dir / "migrations", error)) {
        return files.error();
      }
    }
    if (options.capture_paths.empty()) options.capture_paths.push_back((dir / "traffic").string());
  }

  std::error_code error;
  const bool embedded = options.baseline_dsn.empty() && options.shadow_dsn.empty();
  if (options.baseline_dsn.empty() != options.shadow_dsn.empty()) {
    return Error::bad_input("--baseline-dsn and --shadow-dsn go together: give both or neither");
  }
  if (embedded && options.baseline_file.empty()) {
    return Error::bad_input(
        "no baseline: give a scenario directory with baseline.sql or baseline.dump, or --baseline FILE");
  }
  if (options.capture_paths.empty()) {
    return Error::bad_input("no traffic: give a scenario directory with traffic/, or --capture PATH");
  }
  if (!options.baseline_file.empty()) {
    if (Status s = require_exists(options.baseline_file, "baseline file"); !s) return s;
    // psql and pg_restore read the baseline by name, after its digest: a regular file.
    if (Status s = check_input_path("--baseline", options.baseline_file, PathUse::kFile); !s) return s;
  }
  if (!options.globals_file.empty()) {
    if (!embedded) return Error::bad_input("--globals is for the embedded clusters: the servers of --baseline-dsn and --shadow-dsn are used as they are");
    if (Status s = require_exists(options.globals_file, "globals file"); !s) return s;
    if (Status s = check_input_path("--globals", options.globals_file, PathUse::kFile); !s) return s;
  }
  // A directory of migrations is its .sql files in name order, as a scenario's migrations/.
  std::vector<std::string> migration_files;
  for (const auto& file : options.migration_files) {
    if (Status s = require_exists(file, "migration file"); !s) return s;
    if (fs::is_directory(file, error)) {
      if (Status s = check_input_path("--migration", file, PathUse::kDirectory); !s) return s;
      auto files = sql_files_in("--migration", file);
      if (!files) return files.error();
      migration_files.insert(migration_files.end(), files->begin(), files->end());
      continue;
    }
    if (Status s = check_input_path("--migration", file, PathUse::kFileOrStream); !s) return s;
    migration_files.push_back(file);
  }
  options.migration_files = std::move(migration_files);
  for (const auto& path : options.capture_paths) {
    if (path == "-") continue;  // standard input, read once
    if (Status s = require_exists(path, "capture"); !s) return s;
    const PathUse use = fs::is_directory(path, error) ? PathUse::kDirectory : PathUse::kFileOrStream;
    if (Status s = check_input_path("--capture", path, use); !s) return s;
  }
  if (!options.pg_bin.empty()) {
    if (Status s = check_input_path("--pg-bin", options.pg_bin, PathUse::kDirectory); !s) return s;
  }
  if (auto settings = replay_settings_from(options.replay); !settings) return settings.error();
  return Status::success();
}

}  // namespace pgshadow::cli
