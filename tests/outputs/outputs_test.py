#!/usr/bin/env python3
"""End-to-end checks of pgshadow's reports and CI gate.

usage: outputs_test.py PGSHADOW SOURCE_DIR WORK_DIR PART
PART: reports | chromium | gate | ci_example | deploy | readme | self_contained. Each part fails with a message naming
what was wrong; the artifacts stay in WORK_DIR (the build tree) for a person to look at.
"""
import json
import os
import pathlib
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import jsonschema
import yaml

PGSHADOW, SOURCE, WORK, PART = sys.argv[1:5]
SCENARIO = os.path.join(SOURCE, "scenarios", "rename-column-breaking")
FLAGSHIP = os.path.join(WORK, "flagship")
FORMATS = {"report.json": "json", "report.xml": "junit", "report.md": "md", "report.html": "html"}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def run(args, expect=None, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=240, **kwargs)
    if expect is not None and result.returncode != expect:
        fail(f"{' '.join(args)} exited {result.returncode}, expected {expect}\n"
             f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


def expected_findings():
    with open(os.path.join(SCENARIO, "expect.yaml")) as f:
        return yaml.safe_load(f)["findings"]


def baseline_literals():
    """Data values of the scenario's baseline: no default report may show one."""
    with open(os.path.join(SCENARIO, "baseline.sql")) as f:
        # Values of the generated rows (ARRAY[...] of names), not object names like 'orders'.
        rows = [line for line in f if "ARRAY[" in line or line.lstrip().startswith("'")]
    return set(re.findall(r"'([A-Za-z][^']{5,})'", "".join(rows)))


def check_reports(directory, expect_verdict):
    paths = {name: os.path.join(directory, name) for name in FORMATS}
    for path in paths.values():
        check(os.path.getsize(path) > 0, f"{path} is empty")
    report = json.load(open(paths["report.json"]))
    schema = json.load(open(os.path.join(SOURCE, "docs", "report.schema.json")))
    jsonschema.validate(report, schema)
    check(report["gate"]["verdict"] == expect_verdict,
          f"gate verdict {report['gate']['verdict']}, expected {expect_verdict}")
    xsd = os.path.join(SOURCE, "tests", "outputs", "junit-10.xsd")
    run(["xmllint", "--noout", "--schema", xsd, paths["report.xml"]], expect=0)
    # The saved JSON renders to exactly what verify wrote: both paths use one renderer.
    for name, fmt in FORMATS.items():
        if fmt == "json":
            continue
        again = run([PGSHADOW, "report", paths["report.json"], "--format", fmt], expect=0).stdout
        check(again == open(paths[name]).read(), f"pgshadow report --format {fmt} differs from verify's {name}")
    for name, path in paths.items():
        text = open(path).read()
        for literal in baseline_literals():
            check(literal not in text, f"{name} shows the data value {literal!r} without --include-literals")
    return report


def part_reports():
    shutil.rmtree(FLAGSHIP, ignore_errors=True)
    result = run([PGSHADOW, "verify", SCENARIO, "--report-dir", FLAGSHIP, "--no-color"], expect=1)
    check("VERDICT: BREAKING" in result.stdout, "the summary does not say BREAKING")
    report = check_reports(FLAGSHIP, "breaking")
    check(report["verdict"] == "breaking", "the JSON verdict is not breaking")
    check(report["gate"]["exit_code"] == 1 and not report["gate"]["passed"], "the gate should fail")
    breaking = [s for s in report["shapes"] if s["severity"] == "breaking"]
    findings = expected_findings()
    check(len(breaking) == len(findings), f"{len(breaking)} breaking shapes, expected {len(findings)}")

    # JUnit: one test case per shape, a failure for each breaking one, attributes that add up.
    suite = ET.parse(os.path.join(FLAGSHIP, "report.xml")).getroot().find("testsuite")
    cases = suite.findall("testcase")
    check(len(cases) == len(report["shapes"]) == int(suite.get("tests")),
          f"{len(cases)} test cases for {len(report['shapes'])} shapes (tests={suite.get('tests')})")
    failed = {c.get("name"): c.find("failure") for c in cases if c.find("failure") is not None}
    check(int(suite.get("failures")) == len(failed) == len(findings), f"failures={suite.get('failures')}")
    for finding in findings:
        failure = failed.get(finding["shape"])
        check(failure is not None, f"no JUnit failure for {finding['shape']}")
        check(finding["class"] in failure.get("type"), f"failure type {failure.get('type')} for {finding['shape']}")
        if "sqlstate" in finding:
            check(finding["sqlstate"] in failure.text, f"no SQLSTATE in the failure of {finding['shape']}")

    # Markdown: verdict first, each breaking shape with class, SQLSTATE, example, explanation.
    md = open(os.path.join(FLAGSHIP, "report.md")).read()
    check(md.startswith("## ❌ pgshadow: BREAKING — rename-column-breaking\n"), "Markdown does not open with the verdict")
    check(md.index(f"### Breaking ({len(findings)} query shapes)") < md.index("### Accounting"), "Markdown order")
    for finding in findings:
        row = next((line for line in md.splitlines() if f"`{finding['shape'].replace('|', chr(92) + '|')}`" in line), None)
        check(row is not None, f"Markdown has no row for {finding['shape']}")
        check(row.startswith(f"| {finding['class']} "), f"Markdown row without its class: {row}")
        if "sqlstate" in finding:
            check(f"{finding['sqlstate']} undefined_column" in row, f"Markdown row without SQLSTATE: {row}")
        check(len(row.split(" | ")[-1].strip(" |")) > 10, f"Markdown row without an explanation: {row}")
    print(md)


def chromium(args, profile):
    return run(["/usr/bin/chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args], expect=0)


def page_problems(html_path, profile):
    """Loads a page in headless Chromium; returns (dom, console errors)."""
    result = chromium(["--enable-logging=stderr", "--v=0", "--virtual-time-budget=3000", "--dump-dom",
                       "file://" + html_path], profile)
    errors = [line for line in result.stderr.splitlines()
              if ":CONSOLE" in line or "Uncaught" in line]
    return result.stdout, errors


def part_chromium():
    html = os.path.join(FLAGSHIP, "report.html")
    report = json.load(open(os.path.join(FLAGSHIP, "report.json")))
    with tempfile.TemporaryDirectory(prefix="pgshadow-chromium-") as profile:
        dom, errors = page_problems(html, profile)
        check(not errors, "console messages while loading the report:\n" + "\n".join(errors))
        check('data-selfcheck="ok"' in dom, "the page's script did not finish its self-check")
        check(re.search(r'<span id="verdict" class="verdict v-breaking">BREAKING</span>', dom), "no verdict")
        check(dom.count('data-status="breaking"') == len(expected_findings()), "breaking rows missing")
        check('class="bar"' in dom, "the chart has no bar")
        for shape in report["shapes"]:
            if shape["severity"] == "breaking":
                normalized = shape["normalized"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                check(normalized in dom, f"breaking shape not on the page: {shape['normalized']}")

        # The check can fail: the same page with a script error is caught both ways.
        broken = os.path.join(profile, "broken.html")
        with open(broken, "w") as f:
            f.write(open(html).read().replace("</body>", "<script>no_such_function();</script></body>"))
        dom, errors = page_problems(broken, os.path.join(profile, "second"))
        check(errors and 'data-selfcheck="error' in dom, "a script error went unnoticed")

        screenshot = os.path.join(WORK, "report.png")
        if os.path.exists(screenshot):
            os.remove(screenshot)
        chromium(["--window-size=1280,1600", "--hide-scrollbars", "--virtual-time-budget=3000",
                  f"--screenshot={screenshot}", "file://" + html], os.path.join(profile, "third"))
        with open(screenshot, "rb") as f:
            header = f.read(24)
        check(header[:8] == b"\x89PNG\r\n\x1a\n", "the screenshot is not a PNG")
        width, height = struct.unpack(">II", header[16:24])
        check((width, height) == (1280, 1600), f"screenshot is {width}x{height}")
        check(os.path.getsize(screenshot) > 20000, "the screenshot looks blank")
    print("screenshot:", screenshot)


def part_gate():
    work = os.path.join(WORK, "gate")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    findings = expected_findings()

    def allowlist(name, expires, entries=None):
        path = os.path.join(work, name)
        entries = entries if entries is not None else [
            {"normalized": f["shape"], "class": f["class"], "reason": "accepted in review #7", "expires": expires}
            for f in findings]
        with open(path, "w") as f:
            yaml.safe_dump({"allow": entries}, f, sort_keys=False)
        return path

    # Bad policy input fails before any server starts (fast), naming file, line or flag.
    expired = allowlist("expired.yaml", "2020-01-01")
    result = run([PGSHADOW, "verify", SCENARIO, "--allowlist", expired], expect=2)
    check(re.search(re.escape(expired) + r":2: allowlist entry for .* expired on 2020-01-01", result.stderr),
          "expired entry message: " + result.stderr)
    malformed = os.path.join(work, "malformed.yaml")
    with open(malformed, "w") as f:
        f.write("allow:\n  - normalized: [unclosed\n    class: rows_changed\n")
    result = run([PGSHADOW, "verify", SCENARIO, "--allowlist", malformed], expect=2)
    check(malformed + ":" in result.stderr and "not valid YAML" in result.stderr, "malformed: " + result.stderr)
    result = run([PGSHADOW, "verify", SCENARIO, "--max", "rows_changed=1.5"], expect=2)
    check("--max 'rows_changed=1.5': a count must be a whole number" in result.stderr, result.stderr)
    result = run([PGSHADOW, "verify", SCENARIO, "--fail-on", "safe"], expect=2)
    check("--fail-on must be 'review' or 'breaking', not 'safe'" in result.stderr, result.stderr)

    # Every breaking finding allowed: the gate passes and every report still lists them.
    allowed = allowlist("allowed.yaml", "2099-12-31")
    result = run([PGSHADOW, "verify", SCENARIO, "--allowlist", allowed, "--report-dir", os.path.join(work, "allowed"),
                  "--no-color"])
    check(result.returncode in (0,), f"allowlisted run exited {result.returncode}:\n{result.stdout}{result.stderr}")
    report = check_reports(os.path.join(work, "allowed"), json.load(open(os.path.join(work, "allowed", "report.json")))["gate"]["verdict"])
    check(report["verdict"] == "breaking", "the judge's own verdict stays breaking")
    check(report["gate"]["verdict"] in ("safe", "review") and report["gate"]["passed"], "the gate should pass")
    check(len(report["gate"]["allowed"]) == len(findings), f"{len(report['gate']['allowed'])} allowed findings")
    check(all(a["reason"] == "accepted in review #7" and a["entry"].startswith(allowed + ":")
              for a in report["gate"]["allowed"]), "allowed findings without reason or entry")
    md = open(os.path.join(work, "allowed", "report.md")).read()
    check(f"### Allowed by the allowlist ({len(findings)})" in md and "accepted in review #7" in md, "Markdown allowed")
    check("ALLOWED" in result.stdout, "the terminal summary does not mark allowed findings")
    xml = ET.parse(os.path.join(work, "allowed", "report.xml")).getroot()
    check(xml.get("failures") == "0", "allowed findings must not fail in JUnit")

    # Budgets: generous ones tolerate the classes; the same run with --fail-on review and a
    # zero budget fails.
    result = run([PGSHADOW, "verify", SCENARIO, "--max", "error_shadow_only=100%", "--max", "columns_changed=100%",
                  "--report", os.path.join(work, "budget.json")])
    budget = json.load(open(os.path.join(work, "budget.json")))["gate"]
    check(result.returncode == 0 and all(not b["exceeded"] for b in budget["budgets"]),
          f"within budgets the gate passes (exit {result.returncode}): {budget}")
    result = run([PGSHADOW, "verify", SCENARIO, "--allowlist", allowed, "--max", "error_shadow_only=0"], expect=0)


def part_ci_example():
    """ci/run-verify, the script of the GitHub Action and the GitLab template, on a push (no comment)."""
    out = os.path.join(WORK, "ci-example")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    env = dict(os.environ, PGSHADOW=PGSHADOW, PGSHADOW_REPORT_DIR=out, GITHUB_ACTIONS="true", GITHUB_EVENT_NAME="push",
               GITHUB_STEP_SUMMARY=os.path.join(out, "summary.md"), PGSHADOW_BASELINE=os.path.join(SCENARIO, "baseline.sql"),
               PGSHADOW_MIGRATIONS=os.path.join(SCENARIO, "migrations"),
               PGSHADOW_CAPTURE=os.path.join(SCENARIO, "traffic"))
    result = run(["bash", os.path.join(SOURCE, "ci", "run-verify")], env=env)
    check(result.returncode == 1, f"the CI script must fail the job on a breaking migration, exit {result.returncode}"
          f"\n{result.stdout}{result.stderr}")
    for name in FORMATS:
        check(os.path.getsize(os.path.join(out, name)) > 0, f"the CI script did not write {name}")
    summary = open(os.path.join(out, "summary.md")).read()
    check(summary.startswith("## ❌ pgshadow: BREAKING"), "the job summary is not the Markdown report")
    check("pgshadow-pr-comment" not in result.stdout, "a push is not a pull request: no comment")


def part_deploy():
    with open(os.path.join(SOURCE, "deploy", "k8s", "verify-job.yaml")) as f:
        documents = [d for d in yaml.safe_load_all(f) if d]
    kinds = {d["kind"]: d for d in documents}
    check("Job" in kinds, "no Job in deploy/k8s/verify-job.yaml")
    job = kinds["Job"]["spec"]
    check(job.get("completionMode") == "Indexed", "the Job is not Indexed")
    check(job["completions"] == job["parallelism"] >= 2, "completions and parallelism must match")
    config = kinds["ConfigMap"]["data"]
    script = config["run-shard.sh"]
    shards = re.search(r"^shards=(\d+)$", script, re.M)
    check(shards and int(shards.group(1)) == job["completions"], "the script's shard count is not the Job's completions")
    check('--shard "$JOB_COMPLETION_INDEX/$shards"' in script, "the shards are not split by $JOB_COMPLETION_INDEX")
    check("--pushgateway" in script and "--listen" in script and '--run-id "$JOB_NAME"' in script,
          "no --pushgateway/--listen/--run-id")
    check("exec pgshadow merge" in script, "the Job does not merge the shards")
    # The comments' promise: exit 1 and 2 fail the Job without a retry, 3 is retried per index.
    rules = {code: r["action"] for r in job["podFailurePolicy"]["rules"] if "onExitCodes" in r
             for code in r["onExitCodes"]["values"]}
    check(rules == {1: "FailJob", 2: "FailJob"}, f"podFailurePolicy: {rules}")
    check(job["backoffLimitPerIndex"] >= 1 and job["maxFailedIndexes"] == 0, "exit 3 must be retried, any failure final")
    env = {e["name"]: e for e in job["template"]["spec"]["containers"][0]["env"]}
    check("job-name" in env["JOB_NAME"]["valueFrom"]["fieldRef"]["fieldPath"], "JOB_NAME is not the Job's name")
    check(kinds["PersistentVolumeClaim"]["spec"]["accessModes"] == ["ReadWriteMany"], "the reports need RWX storage")
    check(job["template"]["spec"].get("restartPolicy") in ("Never", "OnFailure"), "a Job needs restartPolicy Never")
    annotations = job["template"]["metadata"].get("annotations", {})
    check(annotations.get("prometheus.io/scrape") == "true" or "ServiceMonitor" in kinds, "no scrape settings")
    check(job.get("backoffLimitPerIndex") is not None or job.get("backoffLimit") is not None, "no backoff limit")
    env_names = {e["name"] for e in job["template"]["spec"]["containers"][0]["env"]}
    check("controller-uid" in env["JOB_UID"]["valueFrom"]["fieldRef"]["fieldPath"], "JOB_UID is not the Job's uid")
    check(env_names >= {"JOB_NAME", "JOB_UID", "JOB_COMPLETION_INDEX"}, f"env: {env_names}")
    run_job_script(script)
    github = yaml.safe_load(open(os.path.join(SOURCE, "examples", "ci", "github-actions.yml")))
    steps = github["jobs"]["verify"]["steps"]
    action = next((s for s in steps if "/pgshadow@" in s.get("uses", "")), None)
    check(action is not None, "the GitHub example does not use the pgshadow action")
    check({"baseline", "migrations", "capture"} <= set(action["with"]), "the example does not give the action its inputs")
    check(github["jobs"]["verify"]["permissions"].get("pull-requests") == "write", "the example must grant the comment")
    gitlab = yaml.safe_load(open(os.path.join(SOURCE, "examples", "ci", "gitlab-ci.yml")))
    check(any(i.get("file") == "/ci/gitlab/pgshadow.gitlab-ci.yml" for i in gitlab["include"]),
          "the GitLab example does not include the template")
    check(gitlab["pgshadow"]["extends"] == ".pgshadow-verify", "the GitLab example does not extend the template")
    dockerfile = open(os.path.join(SOURCE, "Dockerfile")).read()
    check(re.search(r"^FROM debian:12", dockerfile, re.M), "the Dockerfile is not on Debian 12")
    check("scripts/setup build" in dockerfile and "cpack" in dockerfile, "the Dockerfile must build the package")


STUB_PGSHADOW = """#!/bin/sh
# Stands for pgshadow in the Job's script: records its arguments; verify writes a report.json
# into --report-dir and exits $STUB_VERIFY, merge exits $STUB_MERGE.
echo "$*" >> "$STUB_LOG"
command=$1
if [ "$command" = verify ]; then
  while [ $# -gt 0 ]; do [ "$1" = --report-dir ] && dir=$2; shift; done
  mkdir -p "$dir" && echo '{}' > "$dir/report.json"
  exit "$STUB_VERIFY"
fi
exit "$STUB_MERGE"
"""


def run_job_script(script):
    """The Job's own script, run as each pod would (a stand-in pgshadow on PATH): shard exits map
    as its comments say, only shards with a verdict are merged, and a Job re-created under the
    same name never merges an earlier Job's reports."""
    with tempfile.TemporaryDirectory(prefix="pgshadow-job-") as scratch:
        reports = os.path.join(scratch, "reports")
        local = script.replace("/reports/", reports + "/")
        bin_dir = os.path.join(scratch, "bin")
        os.makedirs(bin_dir)
        with open(os.path.join(bin_dir, "pgshadow"), "w") as f:
            f.write(STUB_PGSHADOW)
        os.chmod(os.path.join(bin_dir, "pgshadow"), 0o755)
        log = os.path.join(scratch, "calls")
        # An earlier Job of the same name left its four shards (and a merge) behind.
        for i in range(4):
            os.makedirs(os.path.join(reports, "pgshadow-verify", "uid-earlier", f"shard-{i}"))
            open(os.path.join(reports, "pgshadow-verify", "uid-earlier", f"shard-{i}", "report.json"), "w").write("{}")

        def pod(index, verify_status, merge_status=0):
            env = dict(os.environ, PATH=bin_dir + ":" + os.environ["PATH"], STUB_LOG=log, JOB_NAME="pgshadow-verify",
                       JOB_UID="uid-now", JOB_COMPLETION_INDEX=str(index), STUB_VERIFY=str(verify_status),
                       STUB_MERGE=str(merge_status))
            return subprocess.run(["/bin/sh", "-c", local], env=env, capture_output=True, text=True, timeout=60)

        run_dir = os.path.join(reports, "pgshadow-verify", "uid-now")
        check(pod(1, 1).returncode == 0, "a breaking shard is an answer: exit 0")
        check(pod(2, 3).returncode == 3, "an infrastructure failure fails the shard: exit 3")
        check(not os.path.exists(os.path.join(run_dir, "shard-2")), "a failed shard's reports are where pod 0 merges")
        check(pod(2, 143).returncode == 143, "an interrupted shard fails: exit 143")
        check(not os.path.exists(os.path.join(run_dir, "shard-2")), "an interrupted shard's partial report is merged")
        check(pod(2, 0).returncode == 0 and pod(3, 0).returncode == 0, "the retried shards succeed")
        merged = pod(0, 0, merge_status=1)
        check(merged.returncode == 1, f"pod 0 exits with the merged verdict: {merged.returncode}\n{merged.stderr}")
        merge_call = [line for line in open(log).read().splitlines() if line.startswith("merge ")]
        expected = "merge " + " ".join(os.path.join(run_dir, f"shard-{i}", "report.json") for i in range(4)) + \
                   " --report-dir " + os.path.join(run_dir, "merged")
        check(merge_call == [expected], f"pod 0 merged {merge_call}, expected [{expected!r}]")
        leftovers = [name for name in os.listdir(run_dir) if name.startswith(".partial")]
        check(not leftovers, f"partial report directories left: {leftovers}")
        verify_calls = [line for line in open(log).read().splitlines() if line.startswith("verify ")]
        check(all('--run-id pgshadow-verify' in line for line in verify_calls), "a shard without the Job's run id")


def part_self_contained():
    """What a user reads (README, docs/, the scenarios', dashboards', examples', tests' and benchmarks' READMEs,
    the CI and Kubernetes files) names nothing outside this repository: no issue of the project's
    tracker, no notes of its authors, no path of the machine it was written on."""
    outside = re.compile(r"\bissue \d+|\bissues? #\d+|shared/seeds|/work/|seed article", re.I)
    root = pathlib.Path(SOURCE)
    files = [root / "README.md", root / "action.yml", root / "Dockerfile"]
    for pattern in ("docs/*.md", "scenarios/**/README.md", "dashboards/**/*.md", "examples/**/*", "deploy/**/*",
                    "ci/**/*", "tests/**/*.md", "bench/**/*.md"):
        files += [p for p in root.glob(pattern) if p.is_file()]
    found = []
    for path in files:
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if outside.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    check(not found, "names outside the repository:\n" + "\n".join(found))


def part_readme():
    """README's sample output is a real run's: its lines appear in order in the summary of the
    same command run from the repository root ("..." stands for left-out lines)."""
    readme = open(os.path.join(SOURCE, "README.md")).read()
    start = readme.index("on both, and prints:\n\n```\n") + len("on both, and prints:\n\n```\n")
    sample = readme[start:readme.index("```", start)].splitlines()
    result = run([PGSHADOW, "verify", "scenarios/rename-column-breaking", "--no-color"], expect=1, cwd=SOURCE)
    actual = result.stdout.splitlines()
    position = 0
    for line in sample:
        if line.strip() == "...":
            continue
        try:
            position = actual.index(line, position) + 1
        except ValueError:
            fail(f"README's sample line is not in a real run's output (in order): {line!r}\n{result.stdout}")


{"readme": part_readme, "reports": part_reports, "chromium": part_chromium, "gate": part_gate, "ci_example": part_ci_example,
 "deploy": part_deploy, "self_contained": part_self_contained}[PART]()
print("ok")
