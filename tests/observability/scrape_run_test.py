#!/usr/bin/env python3
"""A real Prometheus (scrape_interval 1s) scrapes a real `pgshadow verify --listen` run of
scenarios/rename-column-breaking, which also pushes to a real Pushgateway at its end. Then:
every PromQL query of every panel of dashboards/pgshadow.json returns data; the verdict gauges
say breaking; the breaking counts equal the JSON report's; `promtool check metrics` accepts the
exposition; /api/v1/status and /api/v1/report agree with the report; the Pushgateway holds the
final metrics under job="pgshadow"; bad requests get 404/405; no literal leaks.

usage: scrape_run_test.py PGSHADOW_BINARY SOURCE_DIR"""
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from prometheus_support import check, failures, free_port, http, promql  # noqa: E402

BREAKING = {"error_shadow_only", "columns_changed", "rows_changed", "command_changed", "migration_failed"}


# Polls faster than prometheus_support.wait_for: the run it watches is short.
def wait_for(what, predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.25)
    failures.append(f"timed out waiting for {what}")
    return False


def scalar(prometheus, expr):
    result = promql(prometheus, expr)
    return float(result[0]["value"][1]) if result else None


def main():
    binary, source = sys.argv[1], pathlib.Path(sys.argv[2])
    work = pathlib.Path(tempfile.mkdtemp(prefix="pgshadow-observability-"))
    processes = []
    try:
        run(binary, source, work, processes)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        subprocess.run(["rm", "-rf", str(work)], check=False)
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("ok")
    return 0


def run(binary, source, work, processes):
    metrics_port, prometheus_port, gateway_port = free_port(), free_port(), free_port()
    prometheus = f"http://127.0.0.1:{prometheus_port}"
    gateway = f"http://127.0.0.1:{gateway_port}"
    target = f"http://127.0.0.1:{metrics_port}"

    (work / "prometheus.yml").write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        f"rule_files: [{source / 'dashboards/rules.yml'}]\n"
        "scrape_configs:\n"
        "  - job_name: pgshadow\n"
        f"    static_configs: [{{targets: ['127.0.0.1:{metrics_port}']}}]\n")
    log = open(work / "servers.log", "w")
    processes.append(subprocess.Popen(
        ["/usr/bin/prometheus", f"--config.file={work / 'prometheus.yml'}", f"--storage.tsdb.path={work / 'tsdb'}",
         f"--web.listen-address=127.0.0.1:{prometheus_port}"], stdout=log, stderr=subprocess.STDOUT))
    processes.append(subprocess.Popen(
        # Debian's default persists to a shared /var/lib/prometheus file: a private one.
        ["/usr/bin/prometheus-pushgateway", f"--web.listen-address=127.0.0.1:{gateway_port}",
         f"--persistence.file={work / 'pushgateway.data'}"],
        stdout=log, stderr=subprocess.STDOUT))
    wait_for("Prometheus", lambda: http(f"{prometheus}/-/ready")[0] == 200, 30)
    wait_for("the Pushgateway", lambda: http(f"{gateway}/-/ready")[0] == 200, 30)

    report = work / "report.json"
    verify = subprocess.Popen(
        [binary, "verify", str(source / "scenarios/rename-column-breaking"), "--listen", f"127.0.0.1:{metrics_port}",
         "--linger", "20s", "--report", str(report), "--pushgateway", gateway],
        cwd=work, stdout=open(work / "verify.out", "w"), stderr=open(work / "verify.err", "w"))
    processes.append(verify)
    wait_for("/healthz", lambda: http(f"{target}/healthz") == (200, "ok\n"), 60)
    check(http(f"{target}/nowhere")[0] == 404, "an unknown path gets 404")
    check(http(f"{target}/metrics", method="POST")[0] == 405, "POST /metrics gets 405")

    # The run ends (report written, final counts served); Prometheus has scraped them.
    wait_for("the end of the run", lambda: report.exists() and json.loads(
        http(f"{target}/api/v1/status")[1])["phase"] == "finished", 120)
    wait_for("a scrape of the final values",
             lambda: scalar(prometheus, 'max(pgshadow_run_finished{job="pgshadow"})') == 1, 30)
    # rate() needs two samples in its window: a short run may have been scraped once before its end.
    wait_for("three scrapes", lambda: scalar(
        prometheus, 'min(count_over_time(pgshadow_events_read_total{job="pgshadow"}[1m]))') >= 3, 30)
    report_json = json.loads(report.read_text())

    status = json.loads(http(f"{target}/api/v1/status")[1])
    check(status["verdict"] == "breaking" and status["exit_status"] == 1, f"status: {status}")
    check(status["counts"]["classes"] == report_json["classes"], "status classes equal the report's")
    served = json.loads(http(f"{target}/api/v1/report")[1])
    check(served["verdict"] == "breaking" and served["classes"] == report_json["classes"],
          "/api/v1/report agrees with the --report file")

    exposition = http(f"{target}/metrics")[1]
    lint = subprocess.run(["promtool", "check", "metrics"], input=exposition, capture_output=True, text=True)
    check(lint.returncode == 0, f"promtool check metrics: {lint.stdout}{lint.stderr}")
    for literal in ("alice", "@example", "password"):
        check(literal not in exposition.lower(), f"/metrics contains {literal!r}")

    # Every dashboard query, with every variable at "All".
    dashboard = json.loads((source / "dashboards/pgshadow.json").read_text())
    substitutions = {"$__rate_interval": "1m", "$job": ".*", "$instance": ".*", "$scenario": ".*", "$run": ".*"}
    queries = 0
    for panel in dashboard["panels"]:
        for t in panel.get("targets", []):
            expr = t["expr"].replace('run="$run"', 'run=~".*"')  # one run here: the variable's only value
            for variable, value in substitutions.items():
                expr = expr.replace(variable, value)
            queries += 1
            try:
                check(len(promql(prometheus, expr)) > 0, f"panel {panel['title']!r} {t['refId']} returns no data: {expr}")
            except ValueError as e:
                check(False, f"panel {panel['title']!r} {t['refId']} fails: {e}")
    check(queries >= 20, f"only {queries} dashboard queries")
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            definition = variable["definition"]
            if definition.startswith("query_result("):
                metric_expr = definition[len("query_result("):-1]
            else:
                metric_expr = definition.split("(", 1)[1].rsplit(",", 1)[0]
            for name, value in substitutions.items():
                metric_expr = metric_expr.replace(name, value)
            check(len(promql(prometheus, metric_expr)) > 0, f"variable {variable['name']} has no values")

    # The verdict and the breaking counts, as Prometheus has them, equal the report's.
    check(scalar(prometheus, 'max(pgshadow_verdict{job="pgshadow", verdict="breaking"})') == 1, "verdict gauge says breaking")
    check(scalar(prometheus, 'max(pgshadow_verdict{job="pgshadow", verdict="safe"})') == 0, "verdict safe is 0")
    check(scalar(prometheus, 'max(pgshadow_verdict_level{job="pgshadow"})') == 2, "verdict level is 2")
    check(scalar(prometheus, 'max(pgshadow_exit_status{job="pgshadow"})') == 1, "exit status 1")
    breaking_in_report = sum(n for c, n in report_json["classes"].items() if c in BREAKING)
    check(breaking_in_report > 0, "the scenario has breaking statements")
    check(scalar(prometheus, 'sum(pgshadow_statements_total{job="pgshadow", severity="breaking"})') == breaking_in_report,
          f"breaking statements equal the report's {breaking_in_report}")
    check(scalar(prometheus, 'sum(pgshadow_divergent_statements_total{job="pgshadow", severity="breaking"})')
          == breaking_in_report, "breaking statements by shape add up to the report's")
    for c, n in report_json["classes"].items():
        got = scalar(prometheus, f'sum(pgshadow_statements_total{{job="pgshadow", class="{c}"}})')
        check(got == n, f"class {c}: Prometheus {got}, report {n}")
    breaking_shapes = {s["fingerprint"] for s in report_json["shapes"] if s["severity"] == "breaking"}
    scraped_shapes = {r["metric"]["shape"] for r in promql(
        prometheus, 'sum by (shape) (pgshadow_divergent_statements_total{job="pgshadow", severity="breaking"})')}
    check(scraped_shapes == breaking_shapes, f"breaking shapes: {scraped_shapes} vs {breaking_shapes}")
    check(scalar(prometheus, 'sum(pgshadow_events_total{job="pgshadow"})') == report_json["accounting"]["events"],
          "events by fate add up to the report's events")
    check(wait_for("the shipped alert to fire on a breaking run", lambda: scalar(
        prometheus, 'count(ALERTS{alertname="PgshadowMigrationBreaking"})') is not None, 15),
          "the shipped alert fires on a breaking run")

    # The Pushgateway got the final values, grouped under job="pgshadow".
    pushed = http(f"{gateway}/metrics")[1]
    verdict_lines = [l for l in pushed.splitlines() if l.startswith("pgshadow_verdict_level{")]
    check(len(verdict_lines) == 1 and 'job="pgshadow"' in verdict_lines[0] and verdict_lines[0].endswith(" 2"),
          f"Pushgateway verdict: {verdict_lines}")
    check(any(l.startswith("pgshadow_run_finished{") and l.endswith(" 1") for l in pushed.splitlines()),
          "Pushgateway holds the final pgshadow_run_finished 1")
    check(f'pgshadow_statements_total{{class="error_shadow_only"' in pushed, "Pushgateway holds the class counts")

    # A signal cuts the linger short; the exit status is the run's.
    verify.send_signal(signal.SIGTERM)
    try:
        code = verify.wait(timeout=10)
        check(code == 1, f"pgshadow exits 1 (breaking) after SIGTERM during --linger, got {code}")
    except subprocess.TimeoutExpired:
        check(False, "pgshadow does not stop its linger on SIGTERM")
    if failures:
        print((work / "verify.err").read_text()[-3000:])


if __name__ == "__main__":
    sys.exit(main())
