#!/usr/bin/env python3
"""Replayed sessions never have more privilege than the captured user had, and never run as a
superuser; each side has its own cluster, so role DDL, current_database() and the OIDs of objects
the traffic creates compare equal. Traffic recorded from a real server by record_security."""
import json
import os
import subprocess
import tempfile

from security_support import (valid_report, BINARY, COPY_PROGRAM_PROOF, DATA, check, finish, shapes_by_text, verify)

BASELINE = os.path.join(DATA, "baseline.dump")
GLOBALS = os.path.join(DATA, "globals.sql")
TRAFFIC = os.path.join(DATA, "traffic")
NO_CHANGE = os.path.join(DATA, "migrations", "no_change.sql")
REVOKE = os.path.join(DATA, "migrations", "revoke_select_from_app_ro.sql")


def copy_to_program_runs_nothing(*extra):
    """app_ro's COPY (SELECT 1) TO PROGRAM 'id > F' failed with 42501 in production: replayed, it
    must fail alike on both sides and F must not appear. The first wall (statements that act
    outside the database are skipped) is lowered with --allow-outside copy_program: this is the
    second, the session's own privileges."""
    if os.path.exists(COPY_PROGRAM_PROOF):
        os.remove(COPY_PROGRAM_PROOF)
    with tempfile.TemporaryDirectory() as out:
        code, err, report = verify("--baseline", BASELINE, "--capture", TRAFFIC, "--migration", NO_CHANGE,
                                   "--allow-outside", "copy_program", *extra, report_dir=out)
        label = " ".join(extra) or "roles created"
        check(not os.path.exists(COPY_PROGRAM_PROOF), f"{label}: the captured COPY ... TO PROGRAM ran on the host")
        check(report is not None, f"{label}: no report: {err}")
        if report is None:
            return None
        invalid = valid_report(report)
        check(invalid == "", f"{label}: the report does not follow the schema: {invalid}")
        copy = shapes_by_text(report).get("COPY (SELECT $1) TO PROGRAM $2")
        check(copy is not None and copy["classes"] == {"match": 1},
              f"{label}: COPY TO PROGRAM should match (42501 on both sides): {copy}")
        roles = {role["user"]: role for role in report["replay"]["roles"]}
        check(roles.get("app_ro", {}).get("as_captured_on_baseline") is True and
              roles.get("app_ro", {}).get("as_captured_on_shadow") is True,
              f"{label}: app_ro's sessions did not run as app_ro: {roles}")
        return report


report = copy_to_program_runs_nothing()
check(report is not None and "roles" in report["servers"], "the report says what the roles are")
if report is not None and "roles" in report["servers"]:
    created = {role["role"]: role for role in report["servers"]["roles"]["created"]}
    check(report["servers"]["roles"]["source"] == "created", "without --globals, roles are created")
    check(created.get("app_ro", {}).get("why") == "named by the baseline", f"app_ro was created: {created}")
    check("app_ro" in report["servers"]["roles"]["login_granted"],
          f"app_ro logs in in the capture: {report['servers']['roles']['login_granted']}")

report = copy_to_program_runs_nothing("--globals", GLOBALS)
if report is not None and "roles" in report["servers"]:
    roles = report["servers"]["roles"]
    check(roles["source"] == "globals", "roles from --globals")
    check({"role": "postgres", "removed": ["SUPERUSER"]} in roles["demoted"],
          f"the globals' superuser is reported demoted: {roles['demoted']}")
    check(report["servers"]["database"]["name"] == "shop", "the database has the capture's name")
    shapes = shapes_by_text(report)
    # Role DDL replayed on both sides: each side has its own roles.
    for text in ("CREATE ROLE audit_reader", "DROP ROLE audit_reader", "GRANT SELECT ON orders TO audit_reader"):
        shape = shapes.get(text)
        check(shape is not None and shape["classes"] == {"match": 1}, f"{text} should match: {shape}")
    # The same database name and the same OIDs for what the traffic creates.
    for text in ("SELECT current_database(), current_user, session_user", "SELECT $1::regclass::oid",
                 "SELECT c.oid, c.relname, c.reltype FROM pg_class c WHERE c.relname = $1"):
        shape = shapes.get(text)
        check(shape is not None and shape["classes"] == {"match": 1}, f"{text} should match: {shape}")
    check(report["verdict"] == "safe", f"a migration that changes nothing is safe: {report['verdict_reasons']}")
    check(report["accounting"]["fidelity"]["not_reproduced"] == 0,
          f"every statement did on the baseline what it did in production: {report['accounting']['fidelity']}")

# A migration that revokes a privilege the traffic uses is breaking: the grants were restored.
with tempfile.TemporaryDirectory() as out:
    code, err, report = verify("--baseline", BASELINE, "--globals", GLOBALS, "--capture", TRAFFIC,
                               "--migration", REVOKE, report_dir=out)
    check(code == 1, f"REVOKE of a privilege the traffic uses: exit {code} (want 1, breaking): {err}")
    if report is not None:
        shape = shapes_by_text(report).get("SELECT id, amount FROM orders WHERE id <= $1 ORDER BY id")
        check(shape is not None and shape["classes"] == {"error_shadow_only": 1} and shape["severity"] == "breaking",
              f"app_ro's read is error_shadow_only on the shadow: {shape}")
        check(shape is not None and shape["shadow_errors"] == {"42501": 1}, f"with 42501: {shape}")
        # app_admin's SET ROLE app_ro is checked as production checked it: the read after it breaks too.
        after_set_role = shapes_by_text(report).get("SELECT count(*) FROM orders")
        check(after_set_role is not None and after_set_role["classes"] == {"error_shadow_only": 1} and
              after_set_role["shadow_errors"] == {"42501": 1}, f"the read after SET ROLE app_ro: {after_set_role}")

# A session whose user is unknown runs as the non-superuser stand-in, and the report says so.
with tempfile.TemporaryDirectory() as out:
    capture = os.path.join(out, "unknown.jsonl")
    converted = subprocess.run([BINARY, "capture", TRAFFIC, "-o", "-"], capture_output=True, text=True, check=True)
    lines = converted.stdout.splitlines()
    with open(capture, "w") as f:
        f.write(lines[0] + "\n")
        for line in lines[1:]:
            event = json.loads(line)
            if event["user"] == "app_ro":
                event["user"] = ""
            f.write(json.dumps(event) + "\n")
    if os.path.exists(COPY_PROGRAM_PROOF):
        os.remove(COPY_PROGRAM_PROOF)
    code, err, report = verify("--baseline", BASELINE, "--globals", GLOBALS, "--capture", capture,
                               "--migration", NO_CHANGE, "--allow-outside", "copy_program", report_dir=out)
    check(not os.path.exists(COPY_PROGRAM_PROOF), "unknown user: the COPY ... TO PROGRAM ran on the host")
    check(report is not None and report["servers"]["roles"]["ran_as_unknown_user_role"] ==
          [{"user": "", "why": "the log names no user"}],
          f"the report names the sessions run as the stand-in: {report and report['servers']['roles']}")
    check(report is not None and report["servers"]["roles"]["unknown_user_role"] == "pgshadow_unknown_user",
          "the stand-in role is named")
finish()
