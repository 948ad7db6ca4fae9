#include <catch2/catch.hpp>

#include "pgshadow/rollout/deploy_plan.h"

namespace pgshadow::rollout {

TEST_CASE("a deploy plan gives its phases, rollback and checks in order, with their places", "[rollout]") {
  const std::string text =
      "phases:\n"
      "  - name: expand\n"
      "    migrations: [001_add_full_name.sql]\n"
      "    traffic: [old]\n"
      "  - name: switch-reads\n"
      "    traffic: [old, new]\n"
      "    checks:\n"
      "      - name: dual write agrees\n"
      "        query: SELECT count(*) FROM users WHERE full_name IS DISTINCT FROM name\n"
      "  - name: contract\n"
      "    migrations: 003_drop_name.sql\n"
      "    traffic: new\n"
      "rollback:\n"
      "  after: contract\n"
      "  migrations: [down/003.sql]\n"
      "  traffic: [old]\n";
  auto plan = parse_deploy_plan(text, "s/deploy.yaml", "s");
  REQUIRE(plan.ok());
  REQUIRE(plan->phases.size() == 3);
  CHECK(plan->phases[0].name == "expand");
  REQUIRE(plan->phases[0].migrations.size() == 1);
  CHECK(plan->phases[0].migrations[0].path == "s/migrations/001_add_full_name.sql");
  CHECK(plan->phases[0].migrations[0].where == "s/deploy.yaml:3");
  CHECK(plan->phases[0].deploys(AppVersion::kOld));
  CHECK_FALSE(plan->phases[0].deploys(AppVersion::kNew));
  CHECK(plan->phases[1].migrations.empty());
  CHECK(plan->phases[1].traffic == std::vector<AppVersion>{AppVersion::kOld, AppVersion::kNew});
  REQUIRE(plan->phases[1].checks.size() == 1);
  CHECK(plan->phases[1].checks[0].name == "dual write agrees");
  CHECK(plan->phases[1].checks[0].where == "s/deploy.yaml:8");
  CHECK(plan->phases[2].migrations[0].written == "003_drop_name.sql");  // a single value is a list of one
  CHECK(plan->phases[2].traffic == std::vector<AppVersion>{AppVersion::kNew});
  REQUIRE(plan->rollback.has_value());
  CHECK(plan->rollback->after == "contract");
  CHECK(plan->rollback_after_index() == 2);
  CHECK(plan->rollback->step.name == "rollback");
  CHECK(plan->rollback->step.migrations[0].path == "s/migrations/down/003.sql");
  CHECK(plan->capture_of(AppVersion::kOld) == "s/traffic/old");
  CHECK(plan->capture_of(AppVersion::kNew) == "s/traffic/new");
}

TEST_CASE("a deploy plan names its captures when they are elsewhere", "[rollout]") {
  auto plan = parse_deploy_plan("phases: [{name: a, traffic: [old]}]\ncaptures: {old: logs/v1.csv, new: /abs/v2}\n",
                                "deploy.yaml", "dir");
  REQUIRE(plan.ok());
  CHECK(plan->capture_of(AppVersion::kOld) == "dir/logs/v1.csv");
  CHECK(plan->capture_of(AppVersion::kNew) == "/abs/v2");
}

TEST_CASE("every mistake of a deploy plan is named at once, with file:line and the value at fault", "[rollout]") {
  const std::string text =
      "phases:\n"
      "  - name: expand\n"
      "    traffic: [old, newer]\n"
      "  - name: expand\n"
      "    migration: [x.sql]\n"
      "    traffic: [old, old]\n"
      "  - name: backfill\n"
      "    checks:\n"
      "      - name: complete\n"
      "  - name: contract\n"
      "    traffic: []\n"
      "rollback:\n"
      "  after: contrakt\n"
      "  traffic: [old]\n";
  auto plan = parse_deploy_plan(text, "deploy.yaml", ".");
  REQUIRE_FALSE(plan.ok());
  CHECK(plan.error().kind == ErrorKind::kBadInput);
  CHECK(plan.error().message ==
        "deploy.yaml:3: phase 'expand': traffic names 'newer': give old or new\n"
        "deploy.yaml:5: phase 2: unknown key 'migration' (name, migrations, traffic, share, checks)\n"
        "deploy.yaml:6: phase 'expand': traffic names 'old' twice\n"
        "deploy.yaml:4: phase 'expand' is named twice\n"
        "deploy.yaml:7: phase 'backfill' needs 'traffic': the versions deployed during it (old, new)\n"
        "deploy.yaml:9: phase 'backfill': check 'complete' needs a 'query'\n"
        "deploy.yaml:11: phase 'contract': traffic names no version (old, new)\n"
        "deploy.yaml:13: rollback: after names 'contrakt', which is no phase (expand, expand, backfill, contract)");
}

TEST_CASE("a deploy plan that is not YAML, or has no phases, says so with its line", "[rollout]") {
  auto broken = parse_deploy_plan("phases:\n  - name: [a\n", "deploy.yaml", ".");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().message.rfind("deploy.yaml:3: not valid YAML: ", 0) == 0);

  auto empty = parse_deploy_plan("rollback:\n  after: x\n  traffic: old\n", "deploy.yaml", ".");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message ==
        "deploy.yaml:1: the plan needs 'phases': a list of phases, each with name, migrations and traffic\n"
        "deploy.yaml:2: rollback: after names 'x', which is no phase ()");

  auto list = parse_deploy_plan("- a\n", "deploy.yaml", ".");
  REQUIRE_FALSE(list.ok());
  CHECK(list.error().message ==
        "deploy.yaml:1: a deploy plan is a mapping with 'phases' (and optionally 'rollback', 'captures')");
}

TEST_CASE("a phase's share splits its traffic between the versions, as the new application's part", "[rollout]") {
  const std::string text =
      "phases:\n"
      "  - name: canary\n"
      "    traffic: [old, new]\n"
      "    share: {new: 10%}\n"
      "  - name: most\n"
      "    traffic: [old, new]\n"
      "    share: {old: 0.25}\n"
      "  - name: all\n"
      "    traffic: [old, new]\n";
  auto plan = parse_deploy_plan(text, "s/deploy.yaml", "s");
  REQUIRE(plan.ok());
  CHECK(plan->phases[0].new_share == Approx(0.10));
  CHECK(plan->phases[1].new_share == Approx(0.75));
  CHECK_FALSE(plan->phases[2].new_share.has_value());
}

TEST_CASE("a share that cannot split the traffic is named with its line", "[rollout]") {
  const std::string text =
      "phases:\n"
      "  - name: a\n"
      "    traffic: [old]\n"
      "    share: {new: 30%}\n"
      "  - name: b\n"
      "    traffic: [old, new]\n"
      "    share: {new: 100%}\n"
      "  - name: c\n"
      "    traffic: [old, new]\n"
      "    share: {newer: 30%}\n"
      "  - name: d\n"
      "    traffic: [old, new]\n"
      "    share: {new: lots}\n"
      "  - name: e\n"
      "    traffic: [old, new]\n"
      "    share: 30%\n";
  auto plan = parse_deploy_plan(text, "s/deploy.yaml", "s");
  REQUIRE_FALSE(plan.ok());
  CHECK(plan.error().message ==
        "s/deploy.yaml:4: phase 'a': share needs both versions in its traffic ([old, new]): it splits the traffic "
        "between them\n"
        "s/deploy.yaml:7: phase 'b': share of new is '100%': it must lie strictly between 0 and 100% (a version with "
        "no part is not deployed)\n"
        "s/deploy.yaml:10: phase 'c': share names 'newer': give old or new\n"
        "s/deploy.yaml:13: phase 'd': share of new is 'lots': give a percentage (30%) or a fraction (0.3)\n"
        "s/deploy.yaml:16: phase 'e': share must be one version's part of the traffic, as {new: 30%} or {old: 70%}");
}

}  // namespace pgshadow::rollout
