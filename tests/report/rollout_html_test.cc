#include <catch2/catch.hpp>

#include "pgshadow/report/rollout_html.h"

namespace pgshadow::report {

TEST_CASE("a rollout's HTML page shows the verdict, a coloured cell per version and step, findings and checks",
          "[report]") {
  const nlohmann::json report = nlohmann::json::parse(R"json({
    "format": "pgshadow-rollout", "plan": "scenarios/rename/deploy.yaml", "scenario": "rename",
    "started_at": "2026-12-01T16:24:03Z", "server_version": "15.18", "verdict": "breaking", "incomplete": false,
    "reasons": ["contract: the old application breaks while deployed (1 finding)"],
    "versions": ["old", "new"],
    "rows": [{
      "step": "contract", "kind": "phase", "migrations": ["003_drop_name.sql"], "migration_failure": null,
      "cells": {
        "old": {"verdict": "breaking", "deployed": true, "compared": 72, "failed": 0, "fail_before": 0, "findings": [
          {"kind": "error_shadow_only", "sqlstate": "42703", "shape": "SELECT name FROM users WHERE id = $1 AND a < $2",
           "statements": 27, "explanation": "column \"name\" does not exist"}]},
        "new": {"verdict": "safe", "deployed": true, "compared": 40, "failed": 0, "fail_before": 3, "findings": []}
      },
      "checks": []
    }, {
      "step": "rollback", "kind": "rollback", "after": "contract", "migrations": ["down/003.sql"],
      "migration_failure": null,
      "cells": {
        "old": {"verdict": "safe", "deployed": true, "compared": 72, "failed": 0, "fail_before": 0, "findings": []},
        "new": {"verdict": "expected", "deployed": false, "compared": 40, "failed": 0, "fail_before": 0, "findings": []}
      },
      "checks": [{"name": "rows preserved", "kind": "rows_preserved", "where": "", "state": "failed", "value": "1 table",
                  "detail": "users: 285 -> 0"}]
    }]})json");
  const std::string html = render_rollout_html(report);
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<span id=\"verdict\" class=\"verdict v-breaking\">BREAKING</span>") != std::string::npos);
  CHECK(html.find("<li>contract: the old application breaks while deployed (1 finding)</li>") != std::string::npos);
  CHECK(html.find("<th>contract</th><td>003_drop_name.sql</td><td class=\"c-breaking\">BREAKING") != std::string::npos);
  CHECK(html.find("<code>SELECT name FROM users WHERE id = $1 AND a &lt; $2</code> (27 statements)") != std::string::npos);
  CHECK(html.find("column &quot;name&quot; does not exist") != std::string::npos);
  CHECK(html.find("40 compared, 3 failing only before the step") != std::string::npos);
  CHECK(html.find("<th>rollback (after contract)</th>") != std::string::npos);
  CHECK(html.find("<td class=\"c-expected idle\">(expected)") != std::string::npos);
  CHECK(html.find("<td>rows preserved</td><td class=\"c-breaking\">failed</td><td>1 table<br>users: 285 -&gt; 0</td>") !=
        std::string::npos);
  CHECK(html.find("<script") == std::string::npos);  // nothing to run, nothing fetched
  CHECK(html.find("http") == std::string::npos);
}

TEST_CASE("an incomplete rollout's HTML page says so: proven breaking stays breaking, else it proves nothing",
          "[report]") {
  const nlohmann::json safe_so_far = nlohmann::json::parse(
      R"({"format": "pgshadow-rollout", "verdict": "safe", "incomplete": true, "reasons": [], "rows": []})");
  CHECK(render_rollout_html(safe_so_far).find("class=\"verdict v-incomplete\">SAFE (INCOMPLETE)</span>") !=
        std::string::npos);
  nlohmann::json breaking = safe_so_far;
  breaking["verdict"] = "breaking";
  CHECK(render_rollout_html(breaking).find("class=\"verdict v-breaking\">BREAKING (INCOMPLETE)</span>") !=
        std::string::npos);
}

}  // namespace pgshadow::report
