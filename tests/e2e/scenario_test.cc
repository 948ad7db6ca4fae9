// Every scenario directory reaches the verdict and the root findings of its expect.yaml, and
// nothing else differs: a shape with a breaking or review class, a latency regression, a
// nondeterministic or a consequence statement that expect.yaml does not declare fails the
// test. Adding a scenario adds no C++: tests/e2e/CMakeLists.txt registers one ctest per
// scenarios/*/expect.yaml, which runs this test case with PGSHADOW_SCENARIO set (the tag hides
// it only from the generic discovery, so that each scenario is its own ctest and they run in
// parallel). The expect.yaml keys are documented in scenarios/README.md; the catalogue keys
// (case, title, seed, key_finding) belong to scripts/catalogue and are ignored here.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "run_support.h"

namespace pgshadow::e2e {
namespace {

using nlohmann::json;

// A latency regression is not a class of statements but a property of a shape
// (shapes[].latency.regression); expect.yaml names it like a class.
const std::string kLatencyRegression = "latency_regression";

const std::set<std::string> kKnownClasses = {
    "error_shadow_only", "error_baseline_only", "error_changed",   "columns_changed", "columns_added",
    "types_changed",     "rows_changed",        "order_changed",   "command_changed",
    "migration_failed",  kLatencyRegression};

struct ExpectedFinding {
  std::string divergence;
  std::string sqlstate;
  std::string shape;
  std::uint64_t min_count = 1;
  std::optional<std::uint64_t> count;  // exact, instead of min_count
};

std::string describe(const ExpectedFinding& finding) {
  std::string text = finding.divergence;
  if (!finding.sqlstate.empty()) text += " " + finding.sqlstate;
  if (!finding.shape.empty()) text += " on \"" + finding.shape + "\"";
  if (finding.count) text += " count " + std::to_string(*finding.count);
  return text;
}

bool shape_has_error(const json& shape, const std::string& sqlstate) {
  return shape["shadow_errors"].contains(sqlstate) || shape["baseline_errors"].contains(sqlstate);
}

bool latency_regressed(const json& shape) {
  return shape.contains("latency") && shape["latency"].is_object() && shape["latency"].contains("regression") &&
         shape["latency"]["regression"] == true;
}

std::set<std::string> shape_list(const YAML::Node& expect, const std::string& key) {
  std::set<std::string> shapes;
  if (!expect[key]) return shapes;
  for (const auto& node : expect[key]) shapes.insert(node.as<std::string>());
  return shapes;
}

std::vector<ExpectedFinding> read_findings(const YAML::Node& expect) {
  std::vector<ExpectedFinding> expected;
  for (const auto& node : expect["findings"]) {
    ExpectedFinding finding;
    finding.divergence = node["class"].as<std::string>();
    if (node["sqlstate"]) finding.sqlstate = node["sqlstate"].as<std::string>();
    if (node["shape"]) finding.shape = node["shape"].as<std::string>();
    if (node["min_count"]) finding.min_count = node["min_count"].as<std::uint64_t>();
    if (node["count"]) finding.count = node["count"].as<std::uint64_t>();
    INFO("expect.yaml finding: " << describe(finding));
    CHECK(kKnownClasses.count(finding.divergence) == 1);
    CHECK(!(node["count"] && node["min_count"]));
    expected.push_back(finding);
  }
  return expected;
}

// How many statements of the shape are in the class; a latency regression counts the shape's
// statements when it regressed, 0 otherwise.
std::uint64_t statements_in(const json& shape, const std::string& divergence) {
  if (divergence == kLatencyRegression) return latency_regressed(shape) ? shape["statements"].get<std::uint64_t>() : 0;
  const auto& classes = shape["classes"];
  return classes.contains(divergence) ? classes[divergence].get<std::uint64_t>() : 0;
}

bool finding_present(const json& report, const ExpectedFinding& finding) {
  if (finding.divergence == "migration_failed") {
    if (!report["migration"]["failure"].is_object()) return false;
    return finding.sqlstate.empty() || report["migration"]["failure"]["sqlstate"] == finding.sqlstate;
  }
  std::uint64_t total = 0;
  for (const auto& shape : report["shapes"]) {
    if (!finding.shape.empty() && shape["normalized"] != finding.shape) continue;
    if (!finding.sqlstate.empty() && !shape_has_error(shape, finding.sqlstate)) continue;
    total += statements_in(shape, finding.divergence);
  }
  if (finding.count) return total == *finding.count;
  return total >= finding.min_count && total > 0;
}

bool finding_listed(const std::vector<ExpectedFinding>& expected, const std::string& divergence,
                    const json& shape) {
  return std::any_of(expected.begin(), expected.end(), [&](const ExpectedFinding& finding) {
    return finding.divergence == divergence && (finding.shape.empty() || finding.shape == shape["normalized"]);
  });
}

// expect.yaml's `lock_impact:` (a scenario run with --migrate-during, through `options:`): the
// lock impact's verdict, how many statements waited behind the migration on the shadow (at
// least / at most), how many failed because of it, and a lock a migration statement held.
void check_lock_impact(const YAML::Node& expected, const json& report) {
  INFO("lock_impact: " << report["lock_impact"].dump());
  REQUIRE(report["lock_impact"].is_object());
  const json& impact = report["lock_impact"];
  if (expected["verdict"]) CHECK(impact["verdict"] == expected["verdict"].as<std::string>());
  const std::uint64_t behind = impact["shadow_behind_migration"]["count"].get<std::uint64_t>();
  if (expected["min_behind_migration"]) CHECK(behind >= expected["min_behind_migration"].as<std::uint64_t>());
  if (expected["max_behind_migration"]) CHECK(behind <= expected["max_behind_migration"].as<std::uint64_t>());
  if (expected["failed_by_migration"]) {
    CHECK(impact["failed_by_migration"].get<std::uint64_t>() == expected["failed_by_migration"].as<std::uint64_t>());
  }
  CHECK(impact["before_mismatches"] == 0);
  for (const auto& lock : expected["locks"]) {
    const std::string relation = lock["relation"].as<std::string>();
    const std::string mode = lock["mode"].as<std::string>();
    INFO("expected lock: " << mode << " on " << relation);
    bool held = false;
    for (const auto& statement : impact["statements"]) {
      for (const auto& seen : statement["locks"]) {
        held = held || (seen["relation"] == relation && seen["mode"] == mode && seen["granted"] == true);
      }
    }
    CHECK(held);
  }
}

void check_report_against_schema(const std::string& report_path) {
  INFO("JSON Schema validation of " << report_path << " against docs/report.schema.json");
  CHECK(valid_against_report_schema(report_path));
}

}  // namespace

TEST_CASE("a scenario reaches the verdict and findings of its expect.yaml", "[.scenario]") {
  const char* scenario_env = std::getenv("PGSHADOW_SCENARIO");
  REQUIRE(scenario_env != nullptr);
  // A name under scenarios/, or an absolute path (a scenario being written in another checkout).
  const std::string scenario = scenario_env[0] == '/' ? std::string(scenario_env)
                                                      : std::string(PGSHADOW_SOURCE_DIR) + "/scenarios/" + scenario_env;
  const YAML::Node expect = YAML::LoadFile(scenario + "/expect.yaml");

  TempDir work;
  const std::string report_path = work.file("report.json");
  // expect.yaml's `options:` hold for every run of the scenario (e.g. --migrate-during).
  std::vector<std::string> scenario_options;
  for (const auto& option : expect["options"]) scenario_options.push_back(option.as<std::string>());
  std::vector<std::string> arguments = {"verify", scenario, "--report", report_path, "--no-color"};
  arguments.insert(arguments.end(), scenario_options.begin(), scenario_options.end());
  const RunOutput run = run_pgshadow(arguments);
  INFO("stdout:\n" << run.out << "\nstderr:\n" << run.err);

  CHECK(run.exit_status == expect["exit_code"].as<int>());
  REQUIRE(!read_file(report_path).empty());
  const json report = json::parse(read_file(report_path));
  CHECK(report["verdict"] == expect["verdict"].as<std::string>());
  CHECK(report["accounting"]["balanced"] == true);
  check_report_against_schema(report_path);

  const std::vector<ExpectedFinding> expected = read_findings(expect);
  const std::set<std::string> nondeterministic = shape_list(expect, "nondeterministic");
  const std::set<std::string> consequences = shape_list(expect, "consequences");

  // Each expected root finding is present (with its exact count when expect.yaml gives one).
  for (const auto& finding : expected) {
    INFO("expected finding: " << describe(finding));
    CHECK(finding_present(report, finding));
  }
  if (expect["lock_impact"]) check_lock_impact(expect["lock_impact"], report);
  const bool migration_failure_expected =
      std::any_of(expected.begin(), expected.end(), [](const auto& f) { return f.divergence == "migration_failed"; });
  INFO("migration failure: " << report["migration"]["failure"].dump());
  CHECK(report["migration"]["failure"].is_object() == migration_failure_expected);

  // Nothing differs that the scenario does not declare.
  for (const auto& shape : report["shapes"]) {
    const std::string normalized = shape["normalized"].get<std::string>();
    for (const auto& [divergence, count] : shape["classes"].items()) {
      if (divergence == "match") continue;
      INFO("undeclared: " << divergence << " x" << count << " on \"" << normalized << "\"");
      if (divergence == "nondeterministic") {
        CHECK(nondeterministic.count(normalized) == 1);
      } else if (divergence == "consequence") {
        CHECK(consequences.count(normalized) == 1);
      } else {
        CHECK(finding_listed(expected, divergence, shape));
      }
    }
    if (latency_regressed(shape)) {
      INFO("undeclared: latency_regression on \"" << normalized << "\": " << shape["latency"].dump());
      CHECK(finding_listed(expected, kLatencyRegression, shape));
    }
  }

  // The same inputs under other options (expect.yaml's `variants:`, e.g. --strict-columns): the
  // verdict and exit status each names.
  for (const auto& variant : expect["variants"]) {
    std::vector<std::string> variant_arguments = {"verify", scenario, "--report", report_path, "--no-color"};
    variant_arguments.insert(variant_arguments.end(), scenario_options.begin(), scenario_options.end());
    for (const auto& option : variant["options"]) variant_arguments.push_back(option.as<std::string>());
    const RunOutput again = run_pgshadow(variant_arguments);
    INFO("variant " << YAML::Dump(variant["options"]) << "\nstdout:\n" << again.out << "\nstderr:\n" << again.err);
    CHECK(again.exit_status == variant["exit_code"].as<int>());
    CHECK(json::parse(read_file(report_path))["verdict"] == variant["verdict"].as<std::string>());
  }
}

}  // namespace pgshadow::e2e
