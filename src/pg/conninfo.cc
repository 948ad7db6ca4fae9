#include "pgshadow/pg/conninfo.h"

#include "conninfo_secret.h"

#include <libpq-fe.h>

#include <cstring>
#include <memory>
#include <optional>
#include <vector>

namespace pgshadow::pg {
namespace {

constexpr const char* kUnparsable = "<unparsable connection string>";
constexpr const char* kRedacted = "********";

struct Setting {
  std::string keyword;
  std::string value;
  bool secret = false;  // libpq marks password-like options with dispchar "*"
};

struct OptionsDeleter {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};
using Options = std::unique_ptr<PQconninfoOption, OptionsDeleter>;

// The settings written in the string (URI or key=value), in libpq's keyword order;
// nullopt when libpq cannot parse it. libpq's own message is not kept: it may quote
// fragments of the string, and so of a password.
std::optional<std::vector<Setting>> parse(std::string_view conninfo) {
  char* message = nullptr;
  Options options(PQconninfoParse(std::string(conninfo).c_str(), &message));
  PQfreemem(message);
  if (!options) return std::nullopt;
  std::vector<Setting> settings;
  for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
    if (option->val == nullptr) continue;
    bool secret = option->dispchar != nullptr && std::strchr(option->dispchar, '*') != nullptr;
    settings.push_back({option->keyword, option->val, secret});
  }
  return settings;
}

std::string format(const std::vector<Setting>& settings, bool redacted) {
  std::string text;
  for (const auto& setting : settings) {
    if (!text.empty()) text += ' ';
    text += setting.keyword + '=';
    text += redacted && setting.secret ? kRedacted : quote_conninfo_value(setting.value);
  }
  return text;
}

std::string value_of(const std::vector<Setting>& settings, std::string_view keyword) {
  for (const auto& setting : settings) {
    if (setting.keyword == keyword) return setting.value;
  }
  return {};
}

// libpq's defaults for the keyword (PG* environment, service file, the OS user name).
std::string default_of(std::string_view keyword) {
  Options defaults(PQconndefaults());
  if (!defaults) return {};
  for (const PQconninfoOption* option = defaults.get(); option->keyword != nullptr; ++option) {
    if (keyword == option->keyword && option->val != nullptr) return option->val;
  }
  return {};
}

Error unparsable_error() {
  return Error::bad_input("cannot parse the connection string (neither a valid URI nor "
                          "key=value pairs)");
}

}  // namespace

std::string quote_conninfo_value(std::string_view value) {
  bool bare = !value.empty() && value.find_first_of(" \t\n\r\f\v'\\") == std::string_view::npos;
  if (bare) return std::string(value);
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "'";
}

std::string redact(std::string_view conninfo) {
  auto settings = parse(conninfo);
  return settings ? format(*settings, true) : kUnparsable;
}

Result<std::string> with_database(std::string_view conninfo, std::string_view database) {
  return with_setting(conninfo, "dbname", database);
}

Result<std::string> with_setting(std::string_view conninfo, std::string_view keyword, std::string_view value) {
  auto settings = parse(conninfo);
  if (!settings) return unparsable_error();
  bool replaced = false;
  for (auto& setting : *settings) {
    if (setting.keyword == keyword) {
      setting.value = std::string(value);
      replaced = true;
    }
  }
  if (!replaced) settings->push_back({std::string(keyword), std::string(value), false});
  return format(*settings, false);
}

std::string setting_of(std::string_view conninfo, std::string_view keyword) {
  auto settings = parse(conninfo);
  return settings ? value_of(*settings, keyword) : std::string();
}

bool parses(std::string_view conninfo) { return parse(conninfo).has_value(); }

std::string database_of(std::string_view conninfo) {
  auto settings = parse(conninfo);
  if (!settings) return kUnparsable;
  // libpq's rule: dbname, else $PGDATABASE, else the user name (given, $PGUSER, the OS user).
  for (auto candidate : {value_of(*settings, "dbname"), default_of("dbname"),
                         value_of(*settings, "user"), default_of("user")}) {
    if (!candidate.empty()) return candidate;
  }
  return {};
}

Result<ConninfoForTool> conninfo_for_tool(std::string_view conninfo) {
  auto settings = parse(conninfo);
  if (!settings) return unparsable_error();
  ConninfoForTool result;
  std::vector<Setting> kept;
  for (auto& setting : *settings) {
    if (setting.keyword == "password") {
      result.password = setting.value;
    } else {
      kept.push_back(std::move(setting));
    }
  }
  result.conninfo = format(kept, false);
  return result;
}

}  // namespace pgshadow::pg
