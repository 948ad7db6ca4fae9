#include "run_identity.h"

#include <cstdlib>

#include "pgshadow/pg/conninfo.h"

namespace pgshadow::cli {
namespace {

bool valid_run_id(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (const char c : id) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!plain && std::string_view("._:@+-").find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace

Result<std::string> resolve_run_id(const std::string& flag_value, const std::string& started_at) {
  std::string id = flag_value;
  std::string source = "--run-id";
  for (const char* variable : {"PGSHADOW_RUN_ID", "JOB_NAME"}) {
    if (!id.empty()) break;
    const char* value = std::getenv(variable);
    if (value != nullptr && *value != '\0') {
      id = value;
      source = std::string("$") + variable;
    }
  }
  if (id.empty()) return started_at;
  if (!valid_run_id(id)) {
    return Error::bad_input(source + " '" + id +
                            "': a run id is 1 to 128 letters, digits and . _ : @ + - (set --run-id to override)");
  }
  return id;
}

std::vector<std::string> recorded_options(const std::vector<std::string>& arguments) {
  std::vector<std::string> options;
  bool redact_next = false;
  for (const std::string& argument : arguments) {
    if (options.empty() && !redact_next && argument == "verify") continue;  // the subcommand itself
    if (redact_next) {
      options.push_back(pg::redact(argument));
      redact_next = false;
      continue;
    }
    const auto equals = argument.find('=');
    const std::string flag = argument.substr(0, equals);
    const bool is_dsn = flag.starts_with("--") && flag.ends_with("-dsn");
    if (is_dsn && equals != std::string::npos) {
      options.push_back(flag + "=" + pg::redact(argument.substr(equals + 1)));
    } else {
      options.push_back(argument);
      redact_next = is_dsn;
    }
  }
  return options;
}

}  // namespace pgshadow::cli
