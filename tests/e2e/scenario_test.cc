// Every scenario directory reaches the verdict and the root findings of its expect.yaml, and
// nothing breaking or to review that expect.yaml does not name. Adding a scenario adds no C++:
// tests/e2e/CMakeLists.txt registers one ctest per scenarios/*/expect.yaml, which runs this
// test case with PGSHADOW_SCENARIO set (the tag hides it only from the generic discovery, so
// that each scenario is its own ctest and they run in parallel).
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "run_support.h"

namespace pgshadow::e2e {
namespace {

using nlohmann::json;

struct ExpectedFinding {
  std::string divergence;
  std::string sqlstate;
  std::string shape;
  std::uint64_t min_count = 1;
};

bool shape_has_error(const json& shape, const std::string& sqlstate) {
  return shape["shadow_errors"].contains(sqlstate) || shape["baseline_errors"].contains(sqlstate);
}

void check_report_against_schema(const std::string& report_path) {
  const std::string schema = std::string(PGSHADOW_SOURCE_DIR) + "/docs/report.schema.json";
  const std::string command = "/usr/bin/python3 -c 'import json,sys,jsonschema; "
                              "jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' " +
                              report_path + " " + schema;
  INFO("JSON Schema validation: " << command);
  CHECK(std::system(command.c_str()) == 0);
}

}  // namespace

TEST_CASE("a scenario reaches the verdict and findings of its expect.yaml", "[.scenario]") {
  const char* scenario_env = std::getenv("PGSHADOW_SCENARIO");
  REQUIRE(scenario_env != nullptr);
  const std::string scenario = std::string(PGSHADOW_SOURCE_DIR) + "/scenarios/" + scenario_env;
  const YAML::Node expect = YAML::LoadFile(scenario + "/expect.yaml");

  TempDir work;
  const std::string report_path = work.file("report.json");
  const RunOutput run = run_pgshadow({"verify", scenario, "--report", report_path, "--no-color"});
  INFO("stdout:\n" << run.out << "\nstderr:\n" << run.err);

  CHECK(run.exit_status == expect["exit_code"].as<int>());
  REQUIRE(!read_file(report_path).empty());
  const json report = json::parse(read_file(report_path));
  CHECK(report["verdict"] == expect["verdict"].as<std::string>());
  CHECK(report["accounting"]["balanced"] == true);
  check_report_against_schema(report_path);

  std::vector<ExpectedFinding> expected;
  for (const auto& node : expect["findings"]) {
    ExpectedFinding finding;
    finding.divergence = node["class"].as<std::string>();
    if (node["sqlstate"]) finding.sqlstate = node["sqlstate"].as<std::string>();
    if (node["shape"]) finding.shape = node["shape"].as<std::string>();
    if (node["min_count"]) finding.min_count = node["min_count"].as<std::uint64_t>();
    expected.push_back(finding);
  }

  // Each expected root finding is present.
  for (const auto& finding : expected) {
    INFO("expected finding: " << finding.divergence << " " << finding.sqlstate << " " << finding.shape);
    if (finding.divergence == "migration_failed") {
      REQUIRE(report["migration"]["failure"].is_object());
      CHECK(report["migration"]["failure"]["sqlstate"] == finding.sqlstate);
      continue;
    }
    bool found = false;
    for (const auto& shape : report["shapes"]) {
      if (!finding.shape.empty() && shape["normalized"] != finding.shape) continue;
      const auto& classes = shape["classes"];
      if (!classes.contains(finding.divergence)) continue;
      if (classes[finding.divergence].get<std::uint64_t>() < finding.min_count) continue;
      if (!finding.sqlstate.empty() && !shape_has_error(shape, finding.sqlstate)) continue;
      found = true;
    }
    CHECK(found);
  }

  // Nothing breaking or to review that the scenario does not expect.
  const std::vector<std::string> quiet = {"match", "nondeterministic", "consequence"};
  for (const auto& shape : report["shapes"]) {
    for (const auto& [divergence, count] : shape["classes"].items()) {
      if (std::find(quiet.begin(), quiet.end(), divergence) != quiet.end()) continue;
      bool listed = false;
      for (const auto& finding : expected) {
        if (finding.divergence == divergence && (finding.shape.empty() || finding.shape == shape["normalized"])) {
          listed = true;
        }
      }
      INFO("unexpected finding: " << divergence << " x" << count << " on " << shape["normalized"]);
      CHECK(listed);
    }
  }
}

}  // namespace pgshadow::e2e
