#!/usr/bin/env python3
"""The dashboard is importable and provisionable: valid JSON, unique panel ids, every query
uses the datasource variable and the job/instance/scenario/run selectors, the variables exist,
and the provisioning YAML names a Prometheus datasource and a file provider."""
import json
import pathlib
import sys

import yaml

root = pathlib.Path(sys.argv[1])
dashboard = json.loads((root / "dashboards/pgshadow.json").read_text())
problems = []
variables = {v["name"]: v for v in dashboard["templating"]["list"]}
for name in ("DS_PROMETHEUS", "job", "instance", "scenario", "run"):
    if name not in variables:
        problems.append(f"variable {name} is missing")
if variables.get("DS_PROMETHEUS", {}).get("type") != "datasource":
    problems.append("DS_PROMETHEUS must be a datasource variable")
run = variables.get("run", {})
if run.get("includeAll") or run.get("multi") or "sort_desc(" not in run.get("definition", "") or run.get("current"):
    problems.append("the run variable must be one run, newest first, with no saved choice (it opens on the newest)")
ids = [p["id"] for p in dashboard["panels"]]
if len(ids) != len(set(ids)):
    problems.append(f"duplicate panel ids: {ids}")
queries = 0
for panel in dashboard["panels"]:
    if panel["type"] == "row":
        continue
    if panel.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
        problems.append(f"panel {panel['title']!r} does not use ${{DS_PROMETHEUS}}")
    for target in panel.get("targets", []):
        queries += 1
        for selector in ('job=~"$job"', 'instance=~"$instance"', 'scenario=~"$scenario"', 'run="$run"'):
            if selector not in target["expr"]:
                problems.append(f"panel {panel['title']!r} query {target['refId']} lacks {selector}")
titles = {p["title"] for p in dashboard["panels"]}
for needed in ("Verdict", "Findings by class and query shape", "Errors by side and SQLSTATE",
               "p95 latency, shadow vs baseline, per shape", "Events by fate", "Baseline reproduced production", "Runs"):
    if needed not in titles:
        problems.append(f"panel {needed!r} is missing")
datasources = yaml.safe_load((root / "dashboards/provisioning/datasources/prometheus.yaml").read_text())
if [d["type"] for d in datasources["datasources"]] != ["prometheus"]:
    problems.append("the provisioned datasource must be one Prometheus")
providers = yaml.safe_load((root / "dashboards/provisioning/dashboards/pgshadow.yaml").read_text())
if providers["providers"][0]["type"] != "file":
    problems.append("the dashboard provider must be a file provider")
if queries < 20:
    problems.append(f"only {queries} queries")
# The rollout dashboard: its own run variable (newest first), every query selects that run.
rollout = json.loads((root / "dashboards/pgshadow-rollout.json").read_text())
rollout_variables = {v["name"]: v for v in rollout["templating"]["list"]}
if set(rollout_variables) != {"DS_PROMETHEUS", "run"}:
    problems.append(f"the rollout dashboard's variables are {sorted(rollout_variables)}, not DS_PROMETHEUS and run")
rollout_run = rollout_variables.get("run", {})
if rollout_run.get("multi") or "sort_desc(" not in rollout_run.get("definition", "") or rollout_run.get("current"):
    problems.append("the rollout run variable must be one run, newest first, with no saved choice")
rollout_ids = [p["id"] for p in rollout["panels"]]
if len(rollout_ids) != len(set(rollout_ids)):
    problems.append(f"duplicate rollout panel ids: {rollout_ids}")
if rollout["uid"] == dashboard["uid"]:
    problems.append("the two dashboards share a uid")
for panel in rollout["panels"]:
    if panel["type"] == "row":
        continue
    if panel.get("datasource", {}).get("uid") != "${DS_PROMETHEUS}":
        problems.append(f"rollout panel {panel['title']!r} does not use ${{DS_PROMETHEUS}}")
    for target in panel.get("targets", []):
        queries += 1
        if 'run="$run"' not in target["expr"]:
            problems.append(f"rollout panel {panel['title']!r} query {target['refId']} lacks run=\"$run\"")
for problem in problems:
    print("FAIL:", problem)
print(f"{len(dashboard['panels'])} panels, {queries} queries checked")
sys.exit(1 if problems else 0)
