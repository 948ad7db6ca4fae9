#!/usr/bin/env python3
"""bench/replay_bench keeps working: a small pgbench recording (both protocol modes, 50
transactions per client) goes through the whole benchmark, and its results say that pgshadow
replayed every recorded statement, all `match`, with the stages adding up. No timing is
asserted: speed belongs to the benchmark itself."""
import json
import os
import subprocess
import sys
import tempfile

pgshadow, source_dir = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as scratch:
    results = os.path.join(scratch, "results.json")
    run = subprocess.run([os.path.join(source_dir, "bench", "replay_bench"), "--pgshadow", pgshadow, "--transactions", "50",
                          "--no-pgreplay", "--results", results], capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        sys.exit("replay_bench failed (%d):\n%s\n%s" % (run.returncode, run.stdout[-3000:], run.stderr[-3000:]))
    report = json.load(open(results))

failures = []
modes = {mode["mode"]: mode for mode in report["results"]}
if sorted(modes) != ["prepared", "simple"]:
    failures.append("modes: %s" % sorted(modes))
for name, mode in modes.items():
    recorded = mode["statements"]
    if recorded < 50 * 4 * 7:
        failures.append("%s: only %d statements recorded" % (name, recorded))
    runs = {run["label"]: run for run in mode["runs"]}
    shadow = runs.get("pgshadow verify")
    if shadow is None:
        failures.append("%s: no pgshadow run" % name)
        continue
    details = shadow["details"]
    accounting = details["accounting"]
    if details["verdict"] != "safe" or details["classes"] != {"match": recorded}:
        failures.append("%s: verdict %s, classes %s" % (name, details["verdict"], details["classes"]))
    if not accounting["balanced"] or accounting["compared"] != recorded:
        failures.append("%s: compared %d of %d" % (name, accounting["compared"], recorded))
    stages = details["replay"]["stage_seconds"]
    if abs(sum(stages.values()) - details["replay"]["wall_seconds"]) > 0.01:
        failures.append("%s: stages %s do not add up to %s" % (name, stages, details["replay"]["wall_seconds"]))
    psql = runs.get("psql -f (one session)")
    if psql is None or psql["details"]["written"] != recorded or psql["details"]["errors"] != 0:
        failures.append("%s: psql -f run %s" % (name, psql and psql["details"]))
if failures:
    sys.exit("\n".join(failures))
print("replay_bench: both modes, every statement replayed and matched")
