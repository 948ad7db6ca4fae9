#!/usr/bin/env python3
"""Runs one case of a foreign-traffic corpus and checks it against the case's expect.yaml.

    run_case.py PGSHADOW_BINARY CORPUS_DIR CASE [--runs N] [--keep-report DIR]

CORPUS_DIR holds baseline.dump (or baseline.sql) and traffic/ (gzipped csvlog); the case is
CORPUS_DIR/cases/CASE/ with migrations/*.sql (applied to the shadow in name order) and
expect.yaml. pgshadow verifies it (`verify --baseline ... --migration ... --capture traffic/`)
N times (default 1) and every run must meet the expectation. The expect.yaml keys are those of
scenarios/README.md (verdict, exit_code, findings, nondeterministic, consequences) plus:

  findings[].sqlstate   also narrows which shapes the finding lists: a shape in that class
                        without that SQLSTATE on a side is undeclared
  consequences: any     any shape may have consequence statements (a breaking case whose
                        knock-on effects are too many to list; the roots are still exact)
  nondeterministic: any likewise for nondeterministic statements
  required_consequences:  shapes that must be consequences of one root (a breaking case whose
    root: "..."         knock-on effects must not be roots): each listed shape has consequence
    shapes: ["...", ...] statements, and when its first divergence is a consequence it names
                        the root shape (first_divergence.root_fingerprint)
  options: [...]        extra pgshadow verify flags for this case (e.g. --strict-columns)
  must_skip:            statements that reach outside the databases (server-side COPY with
    - shape: "..."      a file or a program, pg_read_file, ...): none of them may be compared
      count: N          (no compared statement of the shape), and at least the sum of their
                        counts must be accounted as skipped for another reason than those a
                        replay always has (empty statements, COPY FROM STDIN)

Exit status 0 when every run meets the expectation, 1 otherwise (each miss printed), 2 on bad
usage or a malformed expect.yaml.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

KNOWN_CLASSES = {
    "error_shadow_only", "error_baseline_only", "error_changed", "columns_changed", "columns_added",
    "types_changed", "rows_changed", "order_changed", "command_changed", "migration_failed",
    "timed_out", "messages_changed", "latency_regression",
}
# A failing case prints its first misses, one line each; the report has them all.
MAX_MISSES_SHOWN = 60
# Skips every replay has, whatever the traffic: they do not count toward must_skip.
ORDINARY_SKIPS = ("empty statement", "COPY FROM STDIN")


def fail_usage(message):
    print(f"run_case.py: {message}", file=sys.stderr)
    sys.exit(2)


def load_case(corpus, case):
    case_dir = os.path.join(corpus, "cases", case)
    expect_path = os.path.join(case_dir, "expect.yaml")
    if not os.path.isfile(expect_path):
        fail_usage(f"{expect_path}: no such file")
    with open(expect_path) as f:
        expect = yaml.safe_load(f)
    for key in ("verdict", "exit_code"):
        if key not in expect:
            fail_usage(f"{expect_path}: missing key {key}")
    for finding in expect.get("findings") or []:
        if finding.get("class") not in KNOWN_CLASSES:
            fail_usage(f"{expect_path}: unknown class {finding.get('class')!r}")
        if "count" in finding and "min_count" in finding:
            fail_usage(f"{expect_path}: a finding has both count and min_count")
    migrations = sorted(glob.glob(os.path.join(case_dir, "migrations", "*.sql")))
    if not migrations:
        fail_usage(f"{case_dir}/migrations: no *.sql")
    baseline = next((os.path.join(corpus, name) for name in ("baseline.dump", "baseline.sql")
                     if os.path.isfile(os.path.join(corpus, name))), None)
    if baseline is None:
        fail_usage(f"{corpus}: no baseline.dump or baseline.sql")
    return expect, baseline, migrations


def describe(finding):
    text = finding["class"]
    if finding.get("sqlstate"):
        text += " " + str(finding["sqlstate"])
    if finding.get("shape"):
        text += f' on "{finding["shape"]}"'
    if "count" in finding:
        text += f" count {finding['count']}"
    elif "min_count" in finding:
        text += f" min_count {finding['min_count']}"
    return text


def latency_regressed(shape):
    return isinstance(shape.get("latency"), dict) and shape["latency"].get("regression") is True


def statements_in(shape, divergence):
    if divergence == "latency_regression":
        return shape["statements"] if latency_regressed(shape) else 0
    return shape.get("classes", {}).get(divergence, 0)


def has_error(shape, sqlstate):
    return sqlstate in shape.get("shadow_errors", {}) or sqlstate in shape.get("baseline_errors", {})


def finding_matches_shape(finding, shape):
    if finding.get("shape") and finding["shape"] != shape["normalized"]:
        return False
    return not finding.get("sqlstate") or has_error(shape, str(finding["sqlstate"]))


def check_report(report, expect, exit_status):
    """The misses of one run, as sentences (empty: the run met the expectation)."""
    misses = []
    if exit_status != expect["exit_code"]:
        misses.append(f"exit status {exit_status}, expected {expect['exit_code']}")
    if report.get("verdict") != expect["verdict"]:
        misses.append(f"verdict {report.get('verdict')}, expected {expect['verdict']}")
    if not report.get("accounting", {}).get("balanced"):
        misses.append(f"accounting not balanced: {json.dumps(report.get('accounting'))}")
    if report.get("accounting", {}).get("compared", 0) == 0:
        misses.append("nothing was compared")

    findings = expect.get("findings") or []
    failure = (report.get("migration") or {}).get("failure")
    expects_failure = any(f["class"] == "migration_failed" for f in findings)
    if bool(failure) != expects_failure:
        misses.append(f"migration failure {json.dumps(failure)}, expected {'one' if expects_failure else 'none'}")

    shapes = report.get("shapes", [])
    for finding in findings:
        if finding["class"] == "migration_failed":
            if failure and finding.get("sqlstate") and failure.get("sqlstate") != str(finding["sqlstate"]):
                misses.append(f"migration failed with {failure.get('sqlstate')}, expected {finding['sqlstate']}")
            continue
        total = sum(statements_in(s, finding["class"]) for s in shapes if finding_matches_shape(finding, s))
        if "count" in finding:
            ok = total == finding["count"]
        else:
            ok = total >= finding.get("min_count", 1) and total > 0
        if not ok:
            misses.append(f"expected finding missing: {describe(finding)} (found {total})")

    def allowed(key, normalized):
        listed = expect.get(key) or []
        return listed == "any" or normalized in listed

    for shape in shapes:
        normalized = shape["normalized"]
        for divergence, count in shape.get("classes", {}).items():
            if divergence == "match":
                continue
            if divergence in ("nondeterministic", "consequence"):
                key = "nondeterministic" if divergence == "nondeterministic" else "consequences"
                if not allowed(key, normalized):
                    misses.append(f'undeclared {divergence} x{count} on "{normalized}"' + explain(shape))
            elif not any(f["class"] == divergence and finding_matches_shape(f, shape) for f in findings):
                misses.append(f'undeclared {divergence} x{count} on "{normalized}"' + explain(shape))
        if latency_regressed(shape) and not any(
                f["class"] == "latency_regression" and finding_matches_shape(f, shape) for f in findings):
            misses.append(f'undeclared latency_regression on "{normalized}": {json.dumps(shape["latency"])}')

    required = expect.get("required_consequences")
    if required:
        by_text = {}
        for s in shapes:
            by_text.setdefault(s["normalized"], []).append(s)
        roots = {s["fingerprint"] for s in by_text.get(required["root"], [])}
        if not roots:
            misses.append(f'required_consequences: no root shape "{required["root"]}" in the report')
        for text in required["shapes"]:
            found = by_text.get(text, [])
            if sum(s.get("classes", {}).get("consequence", 0) for s in found) == 0:
                misses.append(f'expected consequences of the root, found none on "{text}"' +
                              "".join(explain(s) for s in found))
            for s in found:
                first = s.get("first_divergence") or {}
                if first.get("class") == "consequence" and roots and first.get("root_fingerprint") not in roots:
                    misses.append(f'consequence on "{text}" names root {first.get("root_fingerprint")}, '
                                  f'expected {sorted(roots)}')

    must_skip = expect.get("must_skip") or []
    if must_skip:
        compared = {}
        for s in shapes:
            compared[s["normalized"]] = compared.get(s["normalized"], 0) + s["statements"]
        for entry in must_skip:
            if compared.get(entry["shape"], 0) > 0:
                misses.append(f'must be skipped, was replayed x{compared[entry["shape"]]}: "{entry["shape"]}"')
        reasons = report.get("accounting", {}).get("skipped_by_reason", {})
        outside = sum(n for reason, n in reasons.items() if not reason.startswith(ORDINARY_SKIPS))
        wanted = sum(entry.get("count", 1) for entry in must_skip)
        if outside < wanted:
            misses.append(f"{outside} statements skipped for reaching outside the databases, expected at least "
                          f"{wanted} (skipped_by_reason: {json.dumps(reasons)})")
    return misses


def one_line(text, limit=400):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + " ..."


def explain(shape):
    first = shape.get("first_divergence") or {}
    text = first.get("explanation")
    errors = {"baseline": shape.get("baseline_errors"), "shadow": shape.get("shadow_errors")}
    errors = {side: e for side, e in errors.items() if e}
    return (f" [{text}]" if text else "") + (f" errors {json.dumps(errors)}" if errors else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("corpus")
    parser.add_argument("case")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep-report", metavar="DIR", help="copy each run's report.json there")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per run")
    args = parser.parse_args()
    corpus = os.path.abspath(args.corpus)
    expect, baseline, migrations = load_case(corpus, args.case)
    name = f"{os.path.basename(corpus)}/{args.case}"

    failed_runs = 0
    for run in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="pgshadow-corpus-run.") as tmp:
            report_path = os.path.join(tmp, "report.json")
            command = [args.binary, "verify", "--baseline", baseline]
            for migration in migrations:
                command += ["--migration", migration]
            command += ["--capture", os.path.join(corpus, "traffic"), "--report", report_path, "--no-color"]
            command += [str(option) for option in expect.get("options") or []]
            try:
                out = subprocess.run(command, capture_output=True, text=True, timeout=args.timeout)
            except subprocess.TimeoutExpired:
                print(f"{name} run {run}: FAILED: pgshadow did not finish in {args.timeout} s")
                failed_runs += 1
                continue
            if not os.path.isfile(report_path):
                print(f"{name} run {run}: FAILED: no report (exit {out.returncode})\n{out.stdout}\n{out.stderr}")
                failed_runs += 1
                continue
            with open(report_path) as f:
                report = json.load(f)
            if args.keep_report:
                os.makedirs(args.keep_report, exist_ok=True)
                shutil.copy(report_path, os.path.join(args.keep_report, f"{args.case}.run{run}.json"))
            misses = check_report(report, expect, out.returncode)
            accounting = report.get("accounting", {})
            summary = (f"verdict {report.get('verdict')}, exit {out.returncode}, {accounting.get('compared')} "
                       f"compared of {accounting.get('events')} events, {report.get('wall_seconds', 0):.1f} s")
            if misses:
                failed_runs += 1
                print(f"{name} run {run}: FAILED ({summary}): {len(misses)} misses")
                for miss in misses[:MAX_MISSES_SHOWN]:
                    print(f"  - {one_line(miss)}")
                if len(misses) > MAX_MISSES_SHOWN:
                    print(f"  ... and {len(misses) - MAX_MISSES_SHOWN} more (--keep-report DIR keeps the report)")
            else:
                print(f"{name} run {run}: ok ({summary})")
    print(f"{args.runs - failed_runs} passed, {failed_runs} failed")
    return 1 if failed_runs else 0


if __name__ == "__main__":
    sys.exit(main())
