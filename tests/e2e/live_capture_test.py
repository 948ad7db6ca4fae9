#!/usr/bin/env python3
"""Records real PostgreSQL 15 logs now, in every format and several log_line_prefix settings,
and checks that pgshadow reads the same statements from each: the same sessions, the same
statements in the same order within each session, the same parameters and outcomes.

Run by ctest (tests/e2e/CMakeLists.txt): live_capture_test.py PGSHADOW_BINARY SOURCE_DIR.
The committed recordings under tests/data/capture are checked in detail by the unit tests;
this test proves the same holds for logs written today by the installed server."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

binary, source_dir = sys.argv[1], sys.argv[2]
passed, failed = 0, 0


def check(condition, what):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print("FAILED: " + what)


def capture(path, *extra):
    out = subprocess.run([binary, "capture", path, "-o", "-", *extra], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"pgshadow capture {path} failed: {out.stderr}")
    lines = out.stdout.splitlines()
    return [json.loads(line) for line in lines[1:] if line.strip()]


def stats(path):
    out = subprocess.run([binary, "capture", path, "--stats", "--json"], capture_output=True, text=True)
    return json.loads(out.stdout)


def sessions(events, with_sqlstate):
    """Each session as the list of what the client sent and what production saw, in order
    (session ids differ between formats without %c)."""
    by_session = {}
    for event in events:
        outcome = event["outcome"]
        # A stderr log without %i cannot tell which protocol sent a statement that failed before
        # it was logged (at Parse or Bind): only successful statements are compared on it.
        protocol = event["protocol"] if outcome["ok"] or with_sqlstate else None
        seen = (event["sql"], protocol, event.get("statement_name", ""),
                tuple(event["parameters"] or []), outcome["ok"],
                outcome.get("sqlstate") if with_sqlstate else None)
        by_session.setdefault(event["session"], []).append((event["start"], seen))
    # Compared as a multiset of sessions: with %t (whole seconds) or durations only, the first
    # start times cannot order the sessions alike in two formats.
    return sorted(([seen for _, seen in statements] for statements in by_session.values()), key=repr)


def record(script, out_dir, *recordings):
    env = dict(os.environ, RECORD_OUT=out_dir)
    subprocess.run(["sh", script, *recordings], env=env, check=True, stdout=subprocess.DEVNULL)


work = tempfile.mkdtemp(prefix="pgshadow-live-capture-")
try:
    data = os.path.join(source_dir, "tests/data/capture")
    record(os.path.join(data, "record.sh"), work, "all_formats")
    formats = os.path.join(work, "all_formats", "postgresql")
    csv_events = capture(formats + ".csv")
    check(len(csv_events) > 100, f"csvlog holds the workload ({len(csv_events)} events)")
    json_events = capture(formats + ".json")
    check(sessions(json_events, True) == sessions(csv_events, True), "jsonlog reads as csvlog, SQLSTATEs included")
    stderr_events = capture(formats + ".log")
    check(sessions(stderr_events, False) == sessions(csv_events, False), "stderr (guessed prefix) reads as csvlog")
    for suffix in (".csv", ".json", ".log"):
        figures = stats(formats + suffix)
        check(figures["lines"]["balanced"] and figures["lines"]["unusable"] == 0,
              f"every line of postgresql{suffix} accounted for, none unusable")
        check(figures["statements"] == len(csv_events), f"postgresql{suffix}: same statement count")

    stderr_dir = os.path.join(work, "stderr")
    os.makedirs(stderr_dir)
    record(os.path.join(data, "stderr", "record.sh"), stderr_dir)
    for name in ("default", "session", "pgbadger", "default_verbose"):
        twin = capture(os.path.join(stderr_dir, name + ".csv"))
        read = capture(os.path.join(stderr_dir, name + ".log"))
        # The prefix with %e, or verbose errors, carry the SQLSTATE in stderr too.
        with_sqlstate = name in ("session", "default_verbose")
        check(len(twin) > 50, f"{name}: the csvlog twin holds the workload")
        check(sessions(read, with_sqlstate) == sessions(twin, with_sqlstate), f"{name}.log reads as its csvlog twin")
finally:
    shutil.rmtree(work, ignore_errors=True)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
