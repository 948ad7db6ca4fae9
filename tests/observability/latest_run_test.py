#!/usr/bin/env python3
"""The release reviewer opens the dashboard after the developer fixed the migration: two runs of
one job pushed to a real Pushgateway (run-1 breaking, run-2 safe, later), scraped by a real
Prometheus with the shipped rules. The dashboard's own run variable (evaluated as Grafana
does: its query, then its regex, first value) picks run-2; every panel query with that run
returns data (zero-valued series, never "no data"), and the verdict panel says safe. The
breaking alert fires while run-1 is the newest and stops once run-2 is pushed. Deleting a run's
group as docs/metrics.md says removes it from the Pushgateway.

usage: latest_run_test.py PGSHADOW SOURCE_DIR"""
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prometheus_support import (check, http, promql, run_test, start_pushgateway_and_prometheus,  # noqa: E402
                                variable_values, wait_for)

PGSHADOW, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
def verify(repo, gateway, run_id, expect):
    result = subprocess.run(
        [PGSHADOW, "verify", "-q", "--baseline", "db/baseline.dump", "--capture", "traffic/production.jsonl",
         "--migration", os.path.join("migrations", sorted(os.listdir(os.path.join(repo, "migrations")))[0]),
         "--run-id", run_id, "--pushgateway", gateway], cwd=repo, capture_output=True, text=True, timeout=300)
    check(result.returncode == expect, f"{run_id}: exit {result.returncode}, expected {expect}\n{result.stderr}")


def main():
    return run_test("pgshadow-latest-run-", run)


def run(work, processes):
    prometheus, gateway = start_pushgateway_and_prometheus(work, processes, os.path.join(SOURCE, "dashboards/rules.yml"))

    repo = os.path.join(work, "shop")
    shutil.copytree(os.path.join(SOURCE, "tests/data/user-repo"), repo, ignore=shutil.ignore_patterns("record"))
    verify(repo, gateway, "run-1", expect=1)
    wait_for("run-1 in Prometheus", lambda: promql(prometheus, 'pgshadow_run_finished{run="run-1"} == 1'))
    firing = lambda: [a for a in promql(prometheus, 'ALERTS{alertname="PgshadowMigrationBreaking", alertstate="firing"}')]
    if not wait_for("the breaking alert on run-1", lambda: firing() and firing()[0]["metric"]["run"] == "run-1", 30):
        print("ALERTS:", promql(prometheus, "ALERTS"), "latest:", promql(prometheus, "pgshadow:latest_run:start_time_seconds"))

    # The developer's next push: the rename replaced by a change the application survives.
    for name in os.listdir(os.path.join(repo, "migrations")):
        os.remove(os.path.join(repo, "migrations", name))
    with open(os.path.join(repo, "migrations", "20261124_create_audit_log.sql"), "w") as f:
        f.write("CREATE TABLE audit_log (id bigserial PRIMARY KEY, note text);\n")
    time.sleep(1.1)  # start times are whole seconds apart at least
    verify(repo, gateway, "run-2", expect=0)
    wait_for("run-2 in Prometheus", lambda: promql(prometheus, 'pgshadow_run_finished{run="run-2"} == 1'))
    check(len(promql(prometheus, 'pgshadow_verdict_level{run="run-1"} == 2')) == 1, "run-1 stays (breaking) in history")
    # rate() needs two samples in its window: wait for three scrapes of run-2's pushed values.
    wait_for("three scrapes of run-2", lambda: float(promql(
        prometheus, 'count_over_time(pgshadow_events_read_total{run="run-2"}[1m])')[0]["value"][1]) >= 3, 30)

    dashboard = json.load(open(os.path.join(SOURCE, "dashboards/pgshadow.json")))
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    all_values = {"$job": ".*", "$instance": ".*", "$scenario": ".*", "$__rate_interval": "1m"}

    def grafana_expr(expr, run_id):
        expr = expr.replace("$run", run_id)
        for name, value in all_values.items():
            expr = expr.replace(name, value)
        return expr

    # Grafana's query_result(...): one text line per series, the regex keeps the first group.
    values = variable_values(prometheus, variables["run"], all_values)
    check(values[:2] == ["run-2", "run-1"], f"the run variable lists {values}: the newest first")
    selected = values[0] if values else ""

    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            expr = grafana_expr(target["expr"], selected)
            try:
                result = promql(prometheus, expr)
            except ValueError as e:
                check(False, f"panel {panel['title']!r} fails: {e}")
                continue
            check(result, f"panel {panel['title']!r} {target['refId']} says No data for the safe run: {expr}")
            if panel["title"] == "Verdict" and result:
                check(float(result[0]["value"][1]) == 0, f"the verdict panel shows {result[0]['value'][1]}, not safe")
            if panel["title"] == "Breaking statements" and result:
                check(float(result[0]["value"][1]) == 0, "the safe run has breaking statements on the dashboard")
    check(wait_for("the alert to stop once run-2 is the newest", lambda: not firing(), 30), "the alert still fires")

    # docs/metrics.md: a run's groups are deleted by their grouping key.
    status, _ = http(f"{gateway}/metrics/job/pgshadow/run/run-1/shard/0", method="DELETE")
    check(status == 202, f"DELETE of run-1's group: HTTP {status}")
    pushed = http(f"{gateway}/metrics")[1]
    check('run="run-1"' not in pushed and 'run="run-2"' in pushed, "run-1's group is still on the Pushgateway")


if __name__ == "__main__":
    sys.exit(main())
