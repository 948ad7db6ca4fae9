#include <algorithm>
#include <filesystem>

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
    if (!fs::is_directory(dir, error)) {
      return Error::bad_input("scenario directory not found: " + options.scenario_dir);
    }
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
      for (const auto& entry : fs::directory_iterator(dir / "migrations")) {
        if (entry.is_regular_file() && entry.path().extension() == ".sql") {
          options.migration_files.push_back(entry.path().string());
        }
      }
      std::sort(options.migration_files.begin(), options.migration_files.end());
    }
    if (options.capture_paths.empty()) options.capture_paths.push_back((dir / "traffic").string());
  }

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
  }
  if (!options.globals_file.empty()) {
    if (!embedded) return Error::bad_input("--globals is for the embedded clusters: the servers of --baseline-dsn and --shadow-dsn are used as they are");
    if (Status s = require_exists(options.globals_file, "globals file"); !s) return s;
  }
  for (const auto& file : options.migration_files) {
    if (Status s = require_exists(file, "migration file"); !s) return s;
  }
  for (const auto& path : options.capture_paths) {
    if (Status s = require_exists(path, "capture"); !s) return s;
  }
  if (auto settings = replay_settings_from(options.replay); !settings) return settings.error();
  return Status::success();
}

}  // namespace pgshadow::cli
