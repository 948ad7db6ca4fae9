#include <catch2/catch.hpp>

#include "pgshadow/report/rollout_junit.h"

namespace pgshadow::report {

TEST_CASE("a rollout's JUnit has a failed case per breaking deployed cell and failed check, skipped idle cells",
          "[report]") {
  const nlohmann::json report = nlohmann::json::parse(R"({
    "format": "pgshadow-rollout", "scenario": "rename", "verdict": "breaking",
    "rows": [{
      "step": "contract", "migration_failure": null,
      "cells": {
        "old": {"verdict": "breaking", "deployed": true, "findings": [
          {"kind": "error_shadow_only", "sqlstate": "42703", "shape": "SELECT name FROM users WHERE id = $1 AND a < $2",
           "statements": 27}]},
        "new": {"verdict": "expected", "deployed": false, "findings": []}
      },
      "checks": [{"name": "names restored", "state": "failed", "value": "285", "detail": ""}]
    }]})");
  const std::string xml = render_rollout_junit(report);
  CHECK(xml.find("<testsuite name=\"pgshadow rollout rename\" tests=\"3\" failures=\"2\" skipped=\"1\">") !=
        std::string::npos);
  CHECK(xml.find("<testcase name=\"old application\" classname=\"rollout.contract\">\n"
                 "      <failure message=\"the old application breaks while deployed\" type=\"breaking\">"
                 "error_shadow_only 42703 SELECT name FROM users WHERE id = $1 AND a &lt; $2 (27 statements)\n"
                 "</failure>") != std::string::npos);
  CHECK(xml.find("<skipped message=\"not deployed during the step: expected\"/>") != std::string::npos);
  CHECK(xml.find("<testcase name=\"names restored\" classname=\"rollout.contract.checks\">\n"
                 "      <failure message=\"check failed: 285\" type=\"check_failed\">") != std::string::npos);
}

}  // namespace pgshadow::report
