#!/usr/bin/env python3
"""The release reviewer opens the rollout dashboard after two rollout runs pushed to a real
Pushgateway and scraped by a real Prometheus: r-1, a contract that drops a column the old
application still reads (breaking), then r-2, an expand it survives (safe). The dashboard's run
variable (evaluated as Grafana does) picks r-2; every panel query returns data for it; the
verdict panel says safe, the matrix shows r-2's cell, and r-1 stays breaking in history.

usage: rollout_dashboard_test.py PGSHADOW SOURCE_DIR"""
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prometheus_support import (check, promql, run_test, start_pushgateway_and_prometheus,  # noqa: E402
                                variable_values, wait_for)

PGSHADOW, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
SAMPLE = os.path.join(SOURCE, "scenarios/rollout/rename-four-stage-safe")


def scenario(work, name, migration, step):
    """A one-step rollout of the old application of the bundled rename scenario."""
    directory = os.path.join(work, name)
    os.makedirs(os.path.join(directory, "migrations"))
    shutil.copy(os.path.join(SAMPLE, "baseline.sql"), directory)
    shutil.copytree(os.path.join(SAMPLE, "traffic"), os.path.join(directory, "traffic"))
    with open(os.path.join(directory, "migrations", "001.sql"), "w") as f:
        f.write(migration)
    with open(os.path.join(directory, "deploy.yaml"), "w") as f:
        f.write(f"phases:\n  - name: {step}\n    migrations: [001.sql]\n    traffic: [old]\n"
                "    checks:\n      - name: users kept\n        query: SELECT count(*) = 0 FROM users\n")
    return directory


def rollout(directory, gateway, run_id, expect):
    result = subprocess.run([PGSHADOW, "rollout", directory, "-q", "--run-id", run_id, "--pushgateway", gateway],
                            capture_output=True, text=True, timeout=600)
    check(result.returncode == expect, f"{run_id}: exit {result.returncode}, expected {expect}\n{result.stdout}{result.stderr}")


def run(work, processes):
    prometheus, gateway = start_pushgateway_and_prometheus(work, processes, os.path.join(SOURCE, "dashboards/rules.yml"))
    rollout(scenario(work, "contract", "ALTER TABLE users DROP COLUMN name;\n", "contract"), gateway, "r-1", expect=1)
    wait_for("r-1 in Prometheus", lambda: promql(prometheus, 'pgshadow_rollout_verdict_level{run="r-1"}'))
    time.sleep(1.1)  # start times are whole seconds apart at least
    rollout(scenario(work, "expand", "ALTER TABLE users ADD COLUMN nickname text;\n", "expand"), gateway, "r-2", expect=0)
    wait_for("r-2 in Prometheus", lambda: promql(prometheus, 'pgshadow_rollout_verdict_level{run="r-2"}'))
    check(promql(prometheus, 'pgshadow_rollout_verdict_level{run="r-1"} == 2'), "r-1 stays breaking in history")

    dashboard = json.load(open(os.path.join(SOURCE, "dashboards/pgshadow-rollout.json")))
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    values = variable_values(prometheus, variables["run"], {})
    check(values[:2] == ["r-2", "r-1"], f"the run variable lists {values}: the newest first")
    selected = values[0] if values else ""
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            expr = target["expr"].replace("$run", selected)
            try:
                result = promql(prometheus, expr)
            except ValueError as e:
                check(False, f"panel {panel['title']!r} fails: {e}")
                continue
            check(result, f"panel {panel['title']!r} {target['refId']} says No data for r-2: {expr}")
            title = panel["title"]
            if title == "Plan verdict" and result:
                check(float(result[0]["value"][1]) == 0, f"the verdict panel shows {result[0]['value'][1]}, not safe")
            if title in ("Breaking cells", "Failed checks") and result:
                check(float(result[0]["value"][1]) == 0, f"{title} is {result[0]['value'][1]} for the safe run")
            if title.startswith("Phase matrix") and result:
                cells = sorted((r["metric"]["step"], r["metric"]["version"], r["metric"]["verdict"]) for r in result)
                check(("expand", "old", "safe") in cells, f"the matrix shows {cells}")
    # The same panels for r-1 show what broke.
    breaking = promql(prometheus, 'count(pgshadow_rollout_cell{run="r-1", deployed="true", verdict="breaking"})')
    check(breaking and float(breaking[0]["value"][1]) == 1, f"r-1's breaking cells: {breaking}")


def main():
    return run_test("pgshadow-rollout-dashboard-", run)


if __name__ == "__main__":
    sys.exit(main())
