#!/usr/bin/env python3
"""Recording is reproducible: re-recording a scenario with scenarios/record (into a temp
directory, with --out) gives the committed traffic's shapes and counts.

Run by ctest (tests/e2e/CMakeLists.txt): record_reproducible_test.py PGSHADOW_BINARY
SOURCE_DIR SCENARIO. Compares `pgshadow capture --stats --json` of both recordings (sessions,
statements, shapes, protocols, statements by kind, production errors: everything but the
time span and the server's own lines, which differ by nature), and the statements each
session sent (text and parameters in order; sessions matched as a multiset, since their
ids are process ids). Needs the PostgreSQL 15 server binaries and pgbench, and root or a
user that may run them (scenarios/record runs the server as postgres when root)."""
import collections
import json
import os
import subprocess
import sys
import tempfile

binary, source_dir, scenario = sys.argv[1], sys.argv[2], sys.argv[3]
scenario_dir = os.path.join(source_dir, "scenarios", scenario)
committed = os.path.join(scenario_dir, "traffic")
STABLE = ("sessions", "statements", "shapes", "protocol", "statements_by_kind", "production_errors",
          "production_errors_by_sqlstate", "filtered")


def run(command):
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"FAILED: {' '.join(command)} exited {out.returncode}:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def stats(path):
    return json.loads(run([binary, "capture", path, "--stats", "--json"]))


def sessions(path):
    """Per session, the statements it sent in order (SQL, parameters, protocol, outcome), as a multiset."""
    lines = run([binary, "capture", path, "-o", "-"]).splitlines()
    by_session = collections.OrderedDict()
    for line in lines[1:]:  # line 1 is the capture's header
        if not line.strip():
            continue
        event = json.loads(line)
        by_session.setdefault(event.get("session"), []).append(
            json.dumps([event.get("sql"), event.get("parameters"), event.get("protocol"), event.get("outcome")],
                       sort_keys=True))
    return collections.Counter(tuple(statements) for statements in by_session.values())


failures = []
with tempfile.TemporaryDirectory(prefix="pgshadow-rerecord.") as tmp:
    os.chmod(tmp, 0o755)
    fresh = os.path.join(tmp, "traffic")
    out = subprocess.run([os.path.join(source_dir, "scenarios", "record"), "--out", fresh, scenario_dir],
                         capture_output=True, text=True)
    print(out.stdout, end="")
    if out.returncode != 0:
        sys.exit(f"FAILED: scenarios/record --out {fresh} {scenario_dir} exited {out.returncode}:\n{out.stderr}")
    if os.listdir(committed) == [] or not os.listdir(fresh):
        sys.exit(f"FAILED: no csvlog in {committed} or {fresh}")

    old, new = stats(committed), stats(fresh)
    for key in STABLE:
        if old.get(key) != new.get(key):
            failures.append(f"{key}: committed {json.dumps(old.get(key))}, re-recorded {json.dumps(new.get(key))}")
    for name, figures in (("committed", old), ("re-recorded", new)):
        if not figures["lines"]["balanced"] or figures["lines"]["unusable"] != 0:
            failures.append(f"{name}: log lines not balanced or unusable lines: {json.dumps(figures['lines'])}")
    if old["lines"]["in_events"] != new["lines"]["in_events"]:
        failures.append(f"lines in events: committed {old['lines']['in_events']}, re-recorded {new['lines']['in_events']}")
    if old["statements"] == 0:
        failures.append("the committed traffic has no statements")

    old_sessions, new_sessions = sessions(committed), sessions(fresh)
    if old_sessions != new_sessions:
        only_old = sum((old_sessions - new_sessions).values())
        only_new = sum((new_sessions - old_sessions).values())
        failures.append(f"per-session statements differ: {only_old} committed sessions without an identical "
                        f"re-recorded one, {only_new} re-recorded sessions without an identical committed one")

print(f"{scenario}: committed {old['statements']} statements / {old['shapes']} shapes / {old['sessions']} sessions, "
      f"re-recorded {new['statements']} / {new['shapes']} / {new['sessions']}")
for failure in failures:
    print("FAILED: " + failure)
sys.exit(1 if failures else 0)
