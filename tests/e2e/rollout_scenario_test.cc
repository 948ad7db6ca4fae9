// Every rollout scenario (scenarios/rollout/*/expect.yaml) reaches its expected phase matrix:
// each step's cell verdicts, each check's state, the declared findings, and no undeclared finding
// in a cell of a deployed version. tests/e2e/CMakeLists.txt registers one ctest per scenario,
// which runs the hidden test case below with PGSHADOW_ROLLOUT_SCENARIO set. The keys of
// expect.yaml are documented in scenarios/rollout/README.md.
#include <cmath>
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "run_support.h"

namespace pgshadow::e2e {
namespace {

using nlohmann::json;

struct ExpectedCellFinding {
  std::string step;
  std::string version;
  std::string kind;
  std::string sqlstate;
  std::string shape;
  std::optional<std::uint64_t> count;
};

std::vector<ExpectedCellFinding> read_cell_findings(const YAML::Node& expect) {
  std::vector<ExpectedCellFinding> findings;
  for (const auto& node : expect["findings"]) {
    ExpectedCellFinding finding{node["step"].as<std::string>(), node["version"].as<std::string>(),
                                node["kind"].as<std::string>(), "", "", std::nullopt};
    if (node["sqlstate"]) finding.sqlstate = node["sqlstate"].as<std::string>();
    if (node["shape"]) finding.shape = node["shape"].as<std::string>();
    if (node["count"]) finding.count = node["count"].as<std::uint64_t>();
    findings.push_back(finding);
  }
  return findings;
}

bool matches(const ExpectedCellFinding& expected, const json& finding) {
  return finding["kind"] == expected.kind && (expected.sqlstate.empty() || finding["sqlstate"] == expected.sqlstate) &&
         (expected.shape.empty() || finding["shape"] == expected.shape) &&
         (!expected.count || finding["statements"] == *expected.count);
}

const json* row_named(const json& report, const std::string& step) {
  for (const auto& row : report["rows"]) {
    if (row["step"] == step) return &row;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a rollout scenario reaches the phase matrix of its expect.yaml", "[.rollout]") {
  const char* scenario_env = std::getenv("PGSHADOW_ROLLOUT_SCENARIO");
  REQUIRE(scenario_env != nullptr);
  const std::string scenario = std::string(PGSHADOW_SOURCE_DIR) + "/scenarios/rollout/" + scenario_env;
  const YAML::Node expect = YAML::LoadFile(scenario + "/expect.yaml");

  TempDir work;
  const RunOutput run = run_pgshadow({"rollout", scenario, "--report", work.file("rollout.json"), "--markdown",
                                      work.file("rollout.md"), "--metrics-file", work.file("rollout.prom"), "--run-id",
                                      "e2e", "--junit", work.file("rollout.xml"), "--html", work.file("rollout.html")});
  INFO("stdout:\n" << run.out << "\nstderr:\n" << run.err);
  CHECK(run.exit_status == expect["exit_code"].as<int>());
  const json report = json::parse(read_file(work.file("rollout.json")));
  CHECK(report["format"] == "pgshadow-rollout");
  CHECK(report["verdict"] == expect["verdict"].as<std::string>());
  CHECK(report["exit_code"] == expect["exit_code"].as<int>());
  // The summary (its first line) and the Markdown show the verdict too.
  std::string upper = expect["verdict"].as<std::string>();
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(run.out.rfind("ROLLOUT: " + upper, 0) == 0);
  CHECK(read_file(work.file("rollout.md")).find("| step | migrations | old | new |") != std::string::npos);
  CHECK(read_file(work.file("rollout.xml")).find("<testsuite name=\"pgshadow rollout " + std::string(scenario_env) + "\"") !=
        std::string::npos);
  const std::string html = read_file(work.file("rollout.html"));
  CHECK(html.find("class=\"verdict v-" + expect["verdict"].as<std::string>() + "\">" + upper) !=
        std::string::npos);
  const std::string metrics = read_file(work.file("rollout.prom"));
  CHECK(metrics.find("pgshadow_rollout_verdict{run=\"e2e\",verdict=\"" + expect["verdict"].as<std::string>() + "\"} 1") !=
        std::string::npos);

  // Every step and every cell, in the plan's order.
  std::vector<std::string> expected_steps;
  for (const auto& entry : expect["matrix"]) expected_steps.push_back(entry.first.as<std::string>());
  std::vector<std::string> steps;
  for (const auto& row : report["rows"]) steps.push_back(row["step"].get<std::string>());
  CHECK(steps == expected_steps);
  for (const auto& entry : expect["matrix"]) {
    const std::string step = entry.first.as<std::string>();
    const json* row = row_named(report, step);
    REQUIRE(row != nullptr);
    std::string title = (*row)["kind"] == "rollback" ? "rollback (after " + (*row)["after"].get<std::string>() + ")" : step;
    if ((*row)["new_share"].is_number()) {
      title += " (" + std::to_string(static_cast<int>(std::lround((*row)["new_share"].get<double>() * 100))) + "% new)";
    }
    CHECK(html.find("<tr><th>" + title + "</th>") != std::string::npos);
    for (const char* version : {"old", "new"}) {
      INFO("cell " << step << " / " << version << ": " << (*row)["cells"][version].dump());
      const std::string verdict = entry.second[version].as<std::string>();
      CHECK((*row)["cells"][version]["verdict"] == verdict);
      CHECK(metrics.find("pgshadow_rollout_cell{run=\"e2e\",deployed=\"" +
                         std::string((*row)["cells"][version]["deployed"] == true ? "true" : "false") + "\",step=\"" +
                         step + "\",verdict=\"" + verdict + "\",version=\"" + version + "\"} 1") != std::string::npos);
    }
  }

  // Every check, with its state; none undeclared.
  std::size_t checks_seen = 0;
  for (const auto& row : report["rows"]) {
    for (const auto& check : row["checks"]) {
      ++checks_seen;
      const std::string step = row["step"].get<std::string>();
      const std::string name = check["name"].get<std::string>();
      INFO("check " << step << " / " << name << ": " << check.dump());
      REQUIRE(expect["checks"][step][name]);
      CHECK(check["state"] == expect["checks"][step][name].as<std::string>());
    }
  }
  std::size_t checks_expected = 0;
  for (const auto& step : expect["checks"]) checks_expected += step.second.size();
  CHECK(checks_seen == checks_expected);

  // Every step whose migration fails, with its SQLSTATE; none undeclared.
  for (const auto& row : report["rows"]) {
    const std::string step = row["step"].get<std::string>();
    const bool declared = expect["migration_failures"] && expect["migration_failures"][step];
    INFO("migration of " << step << ": " << row["migration_failure"].dump());
    if (declared) {
      REQUIRE(row["migration_failure"].is_object());
      CHECK(row["migration_failure"]["sqlstate"] == expect["migration_failures"][step].as<std::string>());
    } else {
      CHECK(row["migration_failure"].is_null());
    }
  }

  // Each declared finding is in its cell; a deployed version's cell has no undeclared one.
  const std::vector<ExpectedCellFinding> expected = read_cell_findings(expect);
  for (const auto& finding : expected) {
    INFO("expected finding: " << finding.step << " / " << finding.version << ": " << finding.kind << " "
                              << finding.sqlstate << " \"" << finding.shape << "\"");
    const json* row = row_named(report, finding.step);
    REQUIRE(row != nullptr);
    const auto& found = (*row)["cells"][finding.version]["findings"];
    CHECK(std::any_of(found.begin(), found.end(), [&](const json& f) { return matches(finding, f); }));
  }
  for (const auto& row : report["rows"]) {
    for (const auto& item : row["cells"].items()) {
      // Named, not a structured binding: the lambda below captures it (Clang 14 cannot).
      const std::string version = item.key();
      const json& cell = item.value();
      if (cell["deployed"] != true) continue;
      for (const auto& finding : cell["findings"]) {
        INFO("undeclared finding in " << row["step"] << " / " << version << ": " << finding.dump());
        CHECK(std::any_of(expected.begin(), expected.end(), [&](const ExpectedCellFinding& e) {
          return e.step == row["step"] && e.version == version && matches(e, finding);
        }));
      }
    }
  }
}

TEST_CASE("a rollout plan with mistakes is refused before any server starts, each named with file:line",
          "[rollout]") {
  TempDir scenario;
  scenario.write("baseline.sql", "CREATE TABLE t (id int);\n");
  scenario.write("deploy.yaml",
                 "phases:\n"
                 "  - name: expand\n"
                 "    traffic: [old, neww]\n"
                 "rollback:\n"
                 "  after: contract\n"
                 "  traffic: [old]\n");
  const RunOutput bad_plan = run_pgshadow({"rollout", scenario.path()});
  CHECK(bad_plan.exit_status == 2);
  CHECK(bad_plan.err == "pgshadow: " + scenario.file("deploy.yaml") + ":3: phase 'expand': traffic names 'neww': give old or new\n" +
                            scenario.file("deploy.yaml") + ":5: rollback: after names 'contract', which is no phase (expand)\n");
  CHECK(bad_plan.out.empty());

  scenario.write("deploy.yaml",
                 "phases:\n"
                 "  - name: expand\n"
                 "    migrations: [001_missing.sql]\n"
                 "    traffic: [old]\n");
  const RunOutput missing = run_pgshadow({"rollout", scenario.path()});
  CHECK(missing.exit_status == 2);
  CHECK(missing.err == "pgshadow: " + scenario.file("deploy.yaml") + ":3: migration 001_missing.sql not found (" +
                           scenario.path() + "/migrations/001_missing.sql)\n");

  scenario.write("deploy.yaml", "phases:\n  - name: expand\n    traffic: [old]\n");
  const RunOutput no_capture = run_pgshadow({"rollout", scenario.path()});
  CHECK(no_capture.exit_status == 2);
  CHECK(no_capture.err == "pgshadow: " + scenario.file("deploy.yaml") + ": the old application's capture " +
                              scenario.path() + "/traffic/old not found (record it, or name it under captures:)\n");
}

TEST_CASE("a phase whose migration fails is breaking, and the steps after it are not run", "[rollout]") {
  const std::string source = std::string(PGSHADOW_SOURCE_DIR) + "/scenarios/rollout/rename-four-stage-safe";
  TempDir scenario;
  scenario.write("baseline.sql", read_file(source + "/baseline.sql"));
  for (const char* version : {"old", "new"}) {
    std::filesystem::create_directories(scenario.path() + "/traffic/" + version);
    scenario.write(std::string("traffic/") + version + "/postgresql.csv",
                   read_file(source + "/traffic/" + version + "/postgresql.csv"));
  }
  std::filesystem::create_directories(scenario.path() + "/migrations");
  // The names are not numbers: the conversion fails on the data the phase starts from.
  scenario.write("migrations/001_name_to_int.sql", "ALTER TABLE users ALTER COLUMN name TYPE integer USING name::integer;\n");
  scenario.write("deploy.yaml",
                 "phases:\n"
                 "  - name: convert\n"
                 "    migrations: [001_name_to_int.sql]\n"
                 "    traffic: [old]\n"
                 "  - name: switch\n"
                 "    traffic: [old, new]\n");
  const RunOutput run = run_pgshadow({"rollout", scenario.path(), "--report", scenario.file("rollout.json"), "-q"});
  INFO("stdout:\n" << run.out << "\nstderr:\n" << run.err);
  CHECK(run.exit_status == 1);
  CHECK(run.out == "ROLLOUT: BREAKING (INCOMPLETE)\n");
  const json report = json::parse(read_file(scenario.file("rollout.json")));
  CHECK(report["verdict"] == "breaking");
  CHECK(report["incomplete"] == true);
  REQUIRE(report["rows"].size() == 2);
  CHECK(report["rows"][0]["migration_failure"]["sqlstate"] == "22P02");
  CHECK(report["rows"][0]["migration_failure"]["line"] == 1);
  CHECK(report["rows"][0]["cells"]["old"]["verdict"] == "not_run");
  CHECK(report["rows"][0]["cells"]["old"]["not_run_reason"] == "the step's migration failed");
  CHECK(report["rows"][1]["cells"]["new"]["verdict"] == "not_run");
  CHECK(report["rows"][1]["cells"]["new"]["not_run_reason"] == "an earlier step's migration failed");
  CHECK(report["reasons"][0].get<std::string>().rfind("convert: the migration fails (", 0) == 0);
}

}  // namespace pgshadow::e2e
