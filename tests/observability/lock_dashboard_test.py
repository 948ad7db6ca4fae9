#!/usr/bin/env python3
"""The release reviewer opens the dashboard on a --migrate-during run: a real `pgshadow verify`
(embedded servers) applies a migration that holds a SHARE lock on t for 2.5 s while one INSERT a
second replays, pushes to a real Pushgateway, and a real Prometheus scrapes it. Every query of
the dashboard's "Lock impact" row returns data and shows what the JSON report says: review, the
waits behind the migration and the longest one, none failed, the migration's ShareLock on t with
its held time.

usage: lock_dashboard_test.py PGSHADOW SOURCE_DIR"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prometheus_support import check, promql, run_test, start_pushgateway_and_prometheus, wait_for  # noqa: E402

PGSHADOW, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ROW = "Lock impact (--migrate-during)"


def capture(path):
    events = [{"pgshadow_capture": 1}]
    for second in range(7):
        events.append({"session": f"s{second}", "user": "app", "database": "app", "application": "test",
                       "start": f"2026-11-23T10:00:{second:02d}.000000Z", "sql": f"INSERT INTO t VALUES ({second}, 'n')",
                       "protocol": "simple", "parameters": [], "outcome": {"ok": True}})
    with open(path, "w") as f:
        f.write("\n".join(json.dumps(e) for e in events) + "\n")


def lock_row_panels(dashboard):
    panels, inside = [], False
    for panel in dashboard["panels"]:
        if panel["type"] == "row":
            inside = panel["title"] == ROW
            continue
        if inside:
            panels.append(panel)
    return panels


def values(prometheus, expr):
    return [(r["metric"], float(r["value"][1])) for r in promql(prometheus, expr)]


def main():
    return run_test("pgshadow-lock-dashboard-", run)


def run(work, processes):
    prometheus, gateway = start_pushgateway_and_prometheus(work, processes, os.path.join(SOURCE, "dashboards/rules.yml"))
    with open(os.path.join(work, "baseline.sql"), "w") as f:
        f.write("CREATE TABLE t (id int PRIMARY KEY, note text);\nGRANT ALL ON t TO PUBLIC;\n")
    with open(os.path.join(work, "001_lock.sql"), "w") as f:
        f.write("BEGIN;\nLOCK TABLE t IN SHARE MODE;\nSELECT pg_sleep(2.5);\nCOMMIT;\n")
    capture(os.path.join(work, "capture.jsonl"))
    report = os.path.join(work, "report.json")
    result = subprocess.run(
        [PGSHADOW, "verify", "-q", "--baseline", "baseline.sql", "--migration", "001_lock.sql", "--capture", "capture.jsonl",
         "--order", "timed", "--migrate-during", "2s", "--max-blocked", "200ms", "--run-id", "locks",
         "--pushgateway", gateway, "--report", report], cwd=work, capture_output=True, text=True, timeout=300)
    check(result.returncode == 0, f"verify: exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    impact = json.load(open(report))["lock_impact"]
    check(impact["verdict"] == "review", f"the run's lock impact is {impact['verdict']}, not review")
    wait_for("the run in Prometheus", lambda: promql(prometheus, 'pgshadow_run_finished{run="locks"} == 1'))

    dashboard = json.load(open(os.path.join(SOURCE, "dashboards/pgshadow.json")))
    panels = {p["title"]: p for p in lock_row_panels(dashboard)}
    check(len(panels) >= 5, f"the lock impact row has {sorted(panels)}")
    results = {}
    for title, panel in panels.items():
        for target in panel["targets"]:
            expr = target["expr"].replace("$run", "locks")
            for name, value in {"$job": ".*", "$instance": ".*", "$scenario": ".*", "$__rate_interval": "1m"}.items():
                expr = expr.replace(name, value)
            results[(title, target["refId"])] = values(prometheus, expr)
            check(results[(title, target["refId"])], f"panel {title!r} {target['refId']} says No data: {expr}")

    first = lambda key: results.get(key, [({}, None)])[0][1]
    check(first(("Lock impact", "A")) == 1, f"the lock impact panel shows {first(('Lock impact', 'A'))}, not 1 (review)")
    check(first(("Failed because of the migration", "A")) == 0, "statements failed because of the migration")
    waited = impact["shadow_behind_migration"]
    check(first(("Waits behind the migration", "A")) == waited["count"],
          f"waits behind the migration: the panel shows {first(('Waits behind the migration', 'A'))}, the report {waited['count']}")
    longest = first(("Waits behind the migration", "B"))
    check(longest is not None and abs(longest - waited["max_ms"] / 1000) < 1e-6 and longest > 0.2,
          f"the longest wait: the panel shows {longest} s, the report {waited['max_ms']} ms")
    shapes = results.get(("Waits behind the migration, per query shape", "A"), [])
    check(any("INSERT INTO t" in m.get("normalized", "") and v > 0.2 for m, v in shapes),
          f"the per-shape table lacks the INSERT's wait: {shapes}")
    locks = results.get(("The migration's own locks", "A"), [])
    held = [v for m, v in locks if m.get("mode") == "ShareLock" and m.get("relation") == "t" and m.get("stage") == "held"]
    check(held and held[0] > 0, f"the migration's ShareLock on t is not on the dashboard: {locks}")


if __name__ == "__main__":
    sys.exit(main())
