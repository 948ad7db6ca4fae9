// find_server_binaries: where the installed PostgreSQL server programs are.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "child_process.h"
#include "pgshadow/pg/embedded_server.h"

namespace pgshadow::pg {
namespace {

namespace fs = std::filesystem;

constexpr const char* kRequiredPrograms[] = {"initdb", "pg_ctl", "postgres", "psql", "pg_restore"};

// "" when dir holds every required program, else what is missing ("missing postgres, psql").
std::string missing_programs(const std::string& dir) {
  std::string missing;
  for (const char* program : kRequiredPrograms) {
    if (access((fs::path(dir) / program).c_str(), X_OK) != 0) {
      missing += (missing.empty() ? "missing " : ", ") + std::string(program);
    }
  }
  return missing;
}

std::string find_in_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!rest.empty()) {
    auto colon = rest.find(':');
    auto dir = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    auto candidate = fs::path(dir.empty() ? "." : dir) / program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return {};
}

// `pg_config --bindir`; on Debian this may be the client-only wrapper, so the caller still
// checks the directory for the server programs.
std::string pg_config_bindir(std::string& why_not) {
  auto pg_config = find_in_path("pg_config");
  if (pg_config.empty()) {
    why_not = "no pg_config in PATH";
    return {};
  }
  auto outcome = run_child(ChildCommand(pg_config, {"--bindir"}));
  if (!outcome.ok() || !outcome->succeeded()) {
    why_not = pg_config + " --bindir failed";
    return {};
  }
  auto dir = outcome->output;
  while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r')) dir.pop_back();
  return dir;
}

// /usr/lib/postgresql/<version>/bin, highest version first ("15" > "9.6").
std::vector<std::string> debian_bin_dirs() {
  std::vector<std::pair<double, std::string>> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
    auto name = entry.path().filename().string();
    char* end = nullptr;
    double version = std::strtod(name.c_str(), &end);
    if (end != name.c_str()) found.emplace_back(version, (entry.path() / "bin").string());
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a > b; });
  std::vector<std::string> dirs;
  for (auto& [version, dir] : found) dirs.push_back(std::move(dir));
  return dirs;
}

}  // namespace

Result<std::string> find_server_binaries(std::string_view explicit_dir) {
  std::string looked;
  // Returns true when dir is complete; otherwise records why it is not.
  auto try_dir = [&](const std::string& dir, const std::string& origin) {
    auto missing = missing_programs(dir);
    if (missing.empty()) return true;
    looked += "\n  " + dir + " (" + origin + "): " + missing;
    return false;
  };
  auto failure = [&] {
    return Error::infrastructure(
        "cannot find the PostgreSQL server programs (initdb, pg_ctl, postgres, psql, "
        "pg_restore); looked in:" + looked);
  };

  // A directory the user named is the only one tried: never silently another version.
  if (!explicit_dir.empty()) {
    std::string dir(explicit_dir);
    if (try_dir(dir, "given explicitly")) return dir;
    return failure();
  }
  if (const char* env = std::getenv("PGSHADOW_PG_BIN"); env != nullptr && *env != '\0') {
    if (try_dir(env, "$PGSHADOW_PG_BIN")) return std::string(env);
    return failure();
  }
  std::string why_not;
  auto from_pg_config = pg_config_bindir(why_not);
  if (!from_pg_config.empty()) {
    if (try_dir(from_pg_config, "pg_config --bindir")) return from_pg_config;
  } else {
    looked += "\n  pg_config --bindir: " + why_not;
  }
  auto debian = debian_bin_dirs();
  for (const auto& dir : debian) {
    if (try_dir(dir, "installed server")) return dir;
  }
  if (debian.empty()) looked += "\n  /usr/lib/postgresql/*/bin: none installed";
  return failure();
}

}  // namespace pgshadow::pg
