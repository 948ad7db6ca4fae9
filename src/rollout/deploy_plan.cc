#include "pgshadow/rollout/deploy_plan.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <initializer_list>
#include <set>

namespace pgshadow::rollout {
namespace {

namespace fs = std::filesystem;

// Every mistake of the plan, each with its place: a reviewer fixes them all in one go.
class PlanProblems {
 public:
  explicit PlanProblems(std::string file) : file_(std::move(file)) {}
  std::string at(const YAML::Node& node) const { return file_ + ":" + std::to_string(node.Mark().line + 1); }
  void add(const YAML::Node& node, const std::string& message) { lines_.push_back(at(node) + ": " + message); }
  bool empty() const { return lines_.empty(); }
  std::size_t count() const { return lines_.size(); }
  Error error() const {
    std::string text;
    for (const auto& line : lines_) text += (text.empty() ? "" : "\n") + line;
    return Error::bad_input(text);
  }

 private:
  std::string file_;
  std::vector<std::string> lines_;
};

std::string joined(std::initializer_list<const char*> keys) {
  std::string text;
  for (const char* key : keys) text += (text.empty() ? "" : ", ") + std::string(key);
  return text;
}

// A mapping whose keys are all known; `what` names it in messages ("phase 'expand'").
bool check_keys(const YAML::Node& node, const std::string& what, std::initializer_list<const char*> keys,
                PlanProblems& problems) {
  if (!node.IsMap()) {
    problems.add(node, what + " must be a mapping (" + joined(keys) + ")");
    return false;
  }
  for (const auto& field : node) {
    const std::string key = field.first.Scalar();
    if (std::find_if(keys.begin(), keys.end(), [&](const char* k) { return key == k; }) == keys.end()) {
      problems.add(field.first, what + ": unknown key '" + key + "' (" + joined(keys) + ")");
    }
  }
  return true;
}

std::string text_of(const YAML::Node& node, const std::string& what, PlanProblems& problems) {
  if (!node.IsScalar() || node.Scalar().empty()) {
    problems.add(node, what + " must be a non-empty text");
    return {};
  }
  return node.Scalar();
}

// A list, or a single value standing for a list of one.
std::vector<YAML::Node> items_of(const YAML::Node& node, const std::string& what, PlanProblems& problems) {
  if (node.IsScalar()) return {node};
  if (!node.IsSequence()) {
    problems.add(node, what + " must be a list");
    return {};
  }
  return {node.begin(), node.end()};
}

std::optional<AppVersion> version_named(const std::string& name) {
  for (AppVersion version : kAppVersions) {
    if (name == to_string(version)) return version;
  }
  return std::nullopt;
}

std::vector<AppVersion> read_traffic(const YAML::Node& node, const std::string& what, PlanProblems& problems) {
  std::vector<AppVersion> traffic;
  if (!node) return traffic;
  for (const YAML::Node& item : items_of(node, what + ": traffic", problems)) {
    const std::string name = item.IsScalar() ? item.Scalar() : std::string();
    const auto version = version_named(name);
    if (!version) {
      problems.add(item, what + ": traffic names '" + name + "': give old or new");
    } else if (std::find(traffic.begin(), traffic.end(), *version) != traffic.end()) {
      problems.add(item, what + ": traffic names '" + name + "' twice");
    } else {
      traffic.push_back(*version);
    }
  }
  return traffic;
}

std::vector<DataCheck> read_checks(const YAML::Node& node, const std::string& what, PlanProblems& problems) {
  std::vector<DataCheck> checks;
  if (!node) return checks;
  std::set<std::string> names;
  for (const YAML::Node& item : items_of(node, what + ": checks", problems)) {
    if (!check_keys(item, what + ": a check", {"name", "query"}, problems)) continue;
    DataCheck check;
    check.where = problems.at(item);
    if (!item["name"]) {
      problems.add(item, what + ": a check needs a 'name'");
    } else {
      check.name = text_of(item["name"], what + ": a check's name", problems);
    }
    if (!item["query"]) {
      problems.add(item, what + ": check '" + check.name + "' needs a 'query'");
    } else {
      check.query = text_of(item["query"], what + ": check '" + check.name + "': query", problems);
    }
    if (!check.name.empty() && !names.insert(check.name).second) {
      problems.add(item["name"], what + ": check '" + check.name + "' is named twice");
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

std::vector<MigrationRef> read_migrations(const YAML::Node& node, const std::string& what,
                                          const std::string& scenario_dir, PlanProblems& problems) {
  std::vector<MigrationRef> migrations;
  if (!node) return migrations;
  for (const YAML::Node& item : items_of(node, what + ": migrations", problems)) {
    const std::string written = text_of(item, what + ": a migration", problems);
    if (written.empty()) continue;
    const fs::path path = fs::path(written).is_absolute() ? fs::path(written)
                                                           : fs::path(scenario_dir) / "migrations" / written;
    migrations.push_back({written, path.lexically_normal().string(), problems.at(item)});
  }
  return migrations;
}

// "30%" or 0.3 of the sessions; `share: {new: 30%}` or `{old: 70%}`, as the new application's part.
std::optional<double> read_share(const YAML::Node& node, const std::string& what, const std::vector<AppVersion>& traffic,
                                 PlanProblems& problems) {
  if (!node) return std::nullopt;
  const std::string usage = what + ": share must be one version's part of the traffic, as {new: 30%} or {old: 70%}";
  if (!node.IsMap() || node.size() != 1) {
    problems.add(node, usage);
    return std::nullopt;
  }
  const auto entry = *node.begin();
  const auto version = version_named(entry.first.Scalar());
  if (!version) {
    problems.add(entry.first, what + ": share names '" + entry.first.Scalar() + "': give old or new");
    return std::nullopt;
  }
  if (traffic.size() != 2) {
    problems.add(node, what + ": share needs both versions in its traffic ([old, new]): it splits the traffic between them");
    return std::nullopt;
  }
  std::string text = entry.second.IsScalar() ? entry.second.Scalar() : "";
  const bool percent = !text.empty() && text.back() == '%';
  if (percent) text.pop_back();
  double value = 0;
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || parsed.ec != std::errc() || parsed.ptr != text.data() + text.size()) {
    problems.add(entry.second, what + ": share of " + entry.first.Scalar() + " is '" + entry.second.Scalar() +
                                   "': give a percentage (30%) or a fraction (0.3)");
    return std::nullopt;
  }
  if (percent) value /= 100.0;
  if (!(value > 0.0 && value < 1.0)) {
    problems.add(entry.second, what + ": share of " + entry.first.Scalar() + " is '" + entry.second.Scalar() +
                                   "': it must lie strictly between 0 and 100% (a version with no part is not deployed)");
    return std::nullopt;
  }
  return *version == AppVersion::kNew ? value : 1.0 - value;
}

PlanStep read_step(const YAML::Node& node, const std::string& what, const std::string& scenario_dir,
                   PlanProblems& problems) {
  PlanStep step;
  step.where = problems.at(node);
  step.migrations = read_migrations(node["migrations"], what, scenario_dir, problems);
  if (!node["traffic"]) {
    problems.add(node, what + " needs 'traffic': the versions deployed during it (old, new)");
  } else {
    const std::size_t before = problems.count();
    step.traffic = read_traffic(node["traffic"], what, problems);
    if (step.traffic.empty() && problems.count() == before) problems.add(node["traffic"], what + ": traffic names no version (old, new)");
  }
  step.new_share = read_share(node["share"], what, step.traffic, problems);
  step.checks = read_checks(node["checks"], what, problems);
  return step;
}

std::vector<PlanStep> read_phases(const YAML::Node& node, const std::string& scenario_dir, PlanProblems& problems) {
  std::vector<PlanStep> phases;
  if (!node.IsSequence() || node.size() == 0) {
    problems.add(node, "'phases' must be a list of at least one phase");
    return phases;
  }
  std::set<std::string> names;
  for (const YAML::Node& item : node) {
    const std::string what = "phase " + std::to_string(phases.size() + 1);
    if (!check_keys(item, what, {"name", "migrations", "traffic", "share", "checks"}, problems)) continue;
    std::string name;
    if (!item["name"]) {
      problems.add(item, what + " needs a 'name'");
    } else {
      name = text_of(item["name"], what + ": name", problems);
    }
    PlanStep step = read_step(item, name.empty() ? what : "phase '" + name + "'", scenario_dir, problems);
    step.name = name;
    if (name == "rollback") problems.add(item["name"], "phase name 'rollback' is the rollback's: name the phase otherwise");
    if (!name.empty() && !names.insert(name).second) problems.add(item["name"], "phase '" + name + "' is named twice");
    phases.push_back(std::move(step));
  }
  return phases;
}

std::optional<Rollback> read_rollback(const YAML::Node& node, const std::vector<PlanStep>& phases,
                                      const std::string& scenario_dir, PlanProblems& problems) {
  if (!node) return std::nullopt;
  if (!check_keys(node, "rollback", {"after", "migrations", "traffic", "share", "checks"}, problems)) return std::nullopt;
  Rollback rollback;
  if (!node["after"]) {
    problems.add(node, "rollback needs 'after': the phase whose end it rolls back from");
  } else {
    rollback.after = text_of(node["after"], "rollback: after", problems);
    const bool known = std::any_of(phases.begin(), phases.end(), [&](const PlanStep& p) { return p.name == rollback.after; });
    if (!rollback.after.empty() && !known) {
      std::string names;
      for (const auto& phase : phases) names += (names.empty() ? "" : ", ") + phase.name;
      problems.add(node["after"], "rollback: after names '" + rollback.after + "', which is no phase (" + names + ")");
    }
  }
  rollback.step = read_step(node, "rollback", scenario_dir, problems);
  rollback.step.name = "rollback";
  return rollback;
}

// `captures` is null when the plan gives none (or gives them wrongly: already told).
std::string capture_path(const YAML::Node* captures, AppVersion version, const std::string& scenario_dir,
                         PlanProblems& problems) {
  const std::string name(to_string(version));
  std::string written = "traffic/" + name;
  if (captures != nullptr && (*captures)[name]) written = text_of((*captures)[name], "captures: " + name, problems);
  const fs::path path = fs::path(written).is_absolute() ? fs::path(written) : fs::path(scenario_dir) / written;
  return path.lexically_normal().string();
}

}  // namespace

std::string_view to_string(AppVersion version) { return version == AppVersion::kOld ? "old" : "new"; }

bool PlanStep::deploys(AppVersion version) const {
  return std::find(traffic.begin(), traffic.end(), version) != traffic.end();
}

const std::string& DeployPlan::capture_of(AppVersion version) const {
  return version == AppVersion::kOld ? old_capture : new_capture;
}

std::size_t DeployPlan::rollback_after_index() const {
  for (std::size_t i = 0; i < phases.size(); ++i) {
    if (phases[i].name == rollback->after) return i;
  }
  return phases.size() - 1;
}

Result<DeployPlan> parse_deploy_plan(const std::string& text, const std::string& file,
                                     const std::string& scenario_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& error) {
    return Error::bad_input(file + ":" + std::to_string(error.mark.line + 1) + ": not valid YAML: " + error.msg);
  }
  PlanProblems problems(file);
  if (!root.IsMap()) {
    return Error::bad_input(file + ":1: a deploy plan is a mapping with 'phases' (and optionally 'rollback', 'captures')");
  }
  check_keys(root, "the plan", {"phases", "rollback", "captures"}, problems);
  DeployPlan plan;
  plan.file = file;
  if (!root["phases"]) {
    problems.add(root, "the plan needs 'phases': a list of phases, each with name, migrations and traffic");
  } else {
    plan.phases = read_phases(root["phases"], scenario_dir, problems);
  }
  plan.rollback = read_rollback(root["rollback"], plan.phases, scenario_dir, problems);
  const YAML::Node captures = root["captures"];
  const bool captures_valid = !captures || check_keys(captures, "captures", {"old", "new"}, problems);
  const YAML::Node* given = captures && captures_valid ? &captures : nullptr;
  plan.old_capture = capture_path(given, AppVersion::kOld, scenario_dir, problems);
  plan.new_capture = capture_path(given, AppVersion::kNew, scenario_dir, problems);
  if (!problems.empty()) return problems.error();
  return plan;
}

}  // namespace pgshadow::rollout
