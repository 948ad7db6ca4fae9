#include "pgshadow/judge/allowlist.h"

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>

namespace pgshadow::judge {
namespace {

std::string at(const std::string& name, const YAML::Mark& mark) {
  return name + ":" + std::to_string(mark.line + 1);
}

bool is_date(const std::string& text) {
  static const std::regex pattern(R"(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))");
  return std::regex_match(text, pattern);
}

std::string scalar(const YAML::Node& entry, const char* key) {
  const YAML::Node value = entry[key];
  return value && value.IsScalar() ? value.as<std::string>() : std::string();
}

Result<AllowlistEntry> parse_entry(const YAML::Node& node, const std::string& name, const std::string& today) {
  const std::string where = at(name, node.Mark());
  if (!node.IsMap()) return Error::bad_input(where + ": an allowlist entry must be a mapping");
  for (const auto& field : node) {
    const std::string key = field.first.as<std::string>();
    if (key != "fingerprint" && key != "normalized" && key != "class" && key != "reason" && key != "expires") {
      return Error::bad_input(at(name, field.first.Mark()) + ": unknown field '" + key +
                              "' (fingerprint, normalized, class, reason, expires)");
    }
    if (!field.second.IsScalar()) {
      return Error::bad_input(at(name, field.second.Mark()) + ": field '" + key + "' must be a single value");
    }
  }
  AllowlistEntry entry;
  entry.where = where;
  entry.fingerprint = scalar(node, "fingerprint");
  entry.normalized = scalar(node, "normalized");
  entry.reason = scalar(node, "reason");
  entry.expires = scalar(node, "expires");
  if (entry.fingerprint.empty() == entry.normalized.empty()) {
    return Error::bad_input(where + ": an allowlist entry needs exactly one of 'fingerprint' or 'normalized'");
  }
  const std::string class_name = scalar(node, "class");
  const auto divergence = divergence_class_from_string(class_name);
  if (!divergence || *divergence == DivergenceClass::kMatch) {
    return Error::bad_input(where + ": 'class' must name a divergence class such as error_shadow_only, not '" +
                            class_name + "'");
  }
  entry.divergence = *divergence;
  if (entry.reason.empty()) return Error::bad_input(where + ": an allowlist entry needs a 'reason'");
  if (!is_date(entry.expires)) {
    return Error::bad_input(where + ": 'expires' must be a date YYYY-MM-DD, not '" + entry.expires + "'");
  }
  if (entry.expires < today) {  // same-width ISO dates order as strings
    const std::string shape = entry.fingerprint.empty() ? entry.normalized : entry.fingerprint;
    return Error::bad_input(where + ": allowlist entry for " + shape + " (" + class_name + ") expired on " +
                            entry.expires + ": review it again, then renew or remove it");
  }
  return entry;
}

}  // namespace

bool AllowlistEntry::matches(const std::string& shape_fingerprint, const std::string& shape_normalized) const {
  return fingerprint.empty() ? normalized == shape_normalized : fingerprint == shape_fingerprint;
}

Result<Allowlist> parse_allowlist(const std::string& text, const std::string& name, const std::string& today) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& error) {
    return Error::bad_input(at(name, error.mark) + ": not valid YAML: " + error.msg);
  }
  Allowlist allowlist;
  if (root.IsNull()) return allowlist;  // an empty file allows nothing
  if (!root.IsMap() || (root["allow"] && !root["allow"].IsSequence()) || (!root["allow"] && !root["strict_columns"])) {
    return Error::bad_input(at(name, root.Mark()) + ": expected a mapping with a list 'allow:' of entries");
  }
  for (const auto& field : root) {
    const std::string key = field.first.as<std::string>();
    if (key != "allow" && key != "strict_columns") {
      return Error::bad_input(at(name, field.first.Mark()) + ": unknown setting '" + key + "' (allow, strict_columns)");
    }
  }
  if (const YAML::Node strict = root["strict_columns"]) {
    const std::string value = strict.IsScalar() ? strict.as<std::string>() : "";
    if (value != "true" && value != "false") {
      return Error::bad_input(at(name, strict.Mark()) + ": 'strict_columns' must be true or false, not '" + value + "'");
    }
    allowlist.strict_columns = value == "true";
  }
  if (root["allow"]) {
    for (const auto& node : root["allow"]) {
      auto entry = parse_entry(node, name, today);
      if (!entry) return entry.error();
      allowlist.entries.push_back(std::move(*entry));
    }
  }
  return allowlist;
}

Result<Allowlist> load_allowlist(const std::string& path, const std::string& today) {
  std::ifstream in(path);
  if (!in) return Error::bad_input("--allowlist: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse_allowlist(text.str(), path, today);
}

std::string utc_today() {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day date{today};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

}  // namespace pgshadow::judge
