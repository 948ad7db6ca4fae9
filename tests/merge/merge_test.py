#!/usr/bin/env python3
"""The pre-cutover job's last step: three shards of one run (verify --shard i/3 --run-id) on a
user repository, merged by `pgshadow merge`, give the verdict, classes and accounting of the
same run unsharded, and a report in every format; a missing shard, a shard given twice and a
shard of another run are refused with the exact message.

usage: merge_test.py PGSHADOW SOURCE_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import jsonschema

PGSHADOW, SOURCE = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
USER_REPO = os.path.join(SOURCE, "tests", "data", "user-repo")


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def run(args, cwd=None):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)


def main():
    with tempfile.TemporaryDirectory(prefix="pgshadow-merge-") as scratch:
        repo = os.path.join(scratch, "shop")
        shutil.copytree(USER_REPO, repo, ignore=shutil.ignore_patterns("record"))
        verify = [PGSHADOW, "verify", "-q", "--baseline", "db/baseline.dump", "--migration",
                  "migrations/20261123_rename_users_name.sql", "--capture", "traffic/production.jsonl"]
        whole = run(verify + ["--run-id", "whole", "--report", "whole.json"], cwd=repo)
        check(whole.returncode == 1, f"the unsharded run: exit {whole.returncode}\n{whole.stderr}")
        shards = [subprocess.Popen(verify + ["--shard", f"{i}/3", "--report-dir", f"reports/shard-{i}"], cwd=repo,
                                   env=dict(os.environ, JOB_NAME="pgshadow-verify-pr7"),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(3)]
        for i, shard in enumerate(shards):
            out, err = shard.communicate(timeout=300)
            check(shard.returncode in (0, 1), f"shard {i}: exit {shard.returncode}\n{err}")
        shard0 = json.load(open(os.path.join(repo, "reports/shard-0/report.json")))
        check(shard0["run"] == {"id": "pgshadow-verify-pr7", "shard": {"index": 0, "count": 3}},
              f"the run id comes from $JOB_NAME, the shard from --shard: {shard0['run']}")

        merged = run([PGSHADOW, "merge", "reports", "--report-dir", "reports/merged", "--no-color"], cwd=repo)
        check(merged.returncode == 1, f"the merged verdict is breaking: exit {merged.returncode}\n{merged.stderr}")
        check("3 shards of run pgshadow-verify-pr7 cover the capture's 293 events exactly once" in merged.stdout,
              "merge does not say the shards cover the capture once:\n" + merged.stdout)
        report = json.load(open(os.path.join(repo, "reports/merged/report.json")))
        jsonschema.validate(report, json.load(open(os.path.join(SOURCE, "docs", "report.schema.json"))))
        reference = json.load(open(os.path.join(repo, "whole.json")))
        check(report["verdict"] == reference["verdict"] == "breaking", "verdicts differ")
        check(report["classes"] == reference["classes"], f"classes {report['classes']} != {reference['classes']}")
        for key in ("events", "compared", "skipped", "failed", "filtered", "sessions"):
            check(report["accounting"][key] == reference["accounting"][key],
                  f"accounting.{key}: {report['accounting'][key]} != {reference['accounting'][key]}")
        check(report["accounting"]["balanced"], "the merged accounting does not balance")
        shapes = {s["fingerprint"]: s for s in report["shapes"]}
        for s in reference["shapes"]:
            m = shapes.get(s["fingerprint"])
            check(m is not None and m["statements"] == s["statements"] and m["classes"] == s["classes"]
                  and m["severity"] == s["severity"] and m.get("messages") == s.get("messages"), f"shape {s['normalized']} differs after the merge")
        check(len(report["merged_from"]) == 3, "merged_from lists the shards")
        for name in ("report.xml", "report.md", "report.html"):
            check(os.path.getsize(os.path.join(repo, "reports/merged", name)) > 0, f"no merged {name}")

        # A shard missing, a shard twice, a shard of another run.
        missing = run([PGSHADOW, "merge", "reports/shard-0/report.json", "reports/shard-2/report.json"], cwd=repo)
        check(missing.returncode == 3 and missing.stderr ==
              "pgshadow: merge: shard 1/3 missing: the run pgshadow-verify-pr7 is incomplete and its verdict unproven "
              "(2 of 3 shard reports given)\n", f"missing shard: {missing.returncode} {missing.stderr!r}")
        twice = run([PGSHADOW, "merge", "reports/shard-0/report.json", "reports/shard-1/report.json",
                     "reports/shard-1/report.json"], cwd=repo)
        check(twice.returncode == 2 and twice.stderr == "pgshadow: merge: shard 1/3 given twice: "
              "reports/shard-1/report.json and reports/shard-1/report.json\n", f"twice: {twice.stderr!r}")
        other = run([PGSHADOW, "merge", "reports/shard-0/report.json", "whole.json"], cwd=repo)
        check(other.returncode == 2 and other.stderr == "pgshadow: merge: whole.json: run 'whole', but "
              "reports/shard-0/report.json is run 'pgshadow-verify-pr7': the shards of one run share --run-id\n",
              f"other run: {other.stderr!r}")

        # The same merge again: the earlier merged report under reports/ is not a shard, and it is
        # replaced whole (the JSON on standard output, the summary on standard error).
        again = run([PGSHADOW, "merge", "reports", "--report-dir", "reports/merged", "--report", "-", "--no-color"],
                    cwd=repo)
        check(again.returncode == 1, f"merging again: exit {again.returncode}\n{again.stderr}")
        check(json.loads(again.stdout)["coverage"] == report["coverage"], "--report - is not the merged JSON")
        check("VERDICT: BREAKING" in again.stderr and "VERDICT" not in again.stdout, "the summary is not on stderr")
        check(not [n for n in os.listdir(os.path.join(repo, "reports/merged")) if n.startswith(".")],
              "a temporary file was left in reports/merged")
        # An output that is a shard report is refused before anything is written; the shard is intact.
        shard1 = open(os.path.join(repo, "reports/shard-1/report.json")).read()
        clobber = run([PGSHADOW, "merge", "reports/shard-0/report.json", "reports/shard-1/report.json",
                       "reports/shard-2/report.json", "--report", "reports/shard-1/report.json"], cwd=repo)
        check(clobber.returncode == 2 and clobber.stderr ==
              "pgshadow: merge: --report reports/shard-1/report.json: is also an input "
              "(reports/shard-1/report.json): refusing to overwrite it\n", f"clobber: {clobber.stderr!r}")
        check(open(os.path.join(repo, "reports/shard-1/report.json")).read() == shard1, "the shard report changed")
        # A shard a signal stopped holds a partial report: it is never merged.
        stopped = json.loads(shard1)
        stopped["interrupted"] = {"signal": "SIGTERM", "during": "replay"}
        with open(os.path.join(scratch, "stopped.json"), "w") as f:
            json.dump(stopped, f)
        partial = run([PGSHADOW, "merge", "reports/shard-0/report.json", os.path.join(scratch, "stopped.json"),
                       "reports/shard-2/report.json"], cwd=repo)
        check(partial.returncode == 3 and partial.stderr ==
              f"pgshadow: merge: {scratch}/stopped.json: shard 1/3 was interrupted by SIGTERM during the replay: "
              "its report is partial (run the shard again)\n", f"interrupted shard: {partial.stderr!r}")
    print("ok")


main()
