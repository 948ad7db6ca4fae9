"""What the observability tests share: checks that collect failures, free ports, HTTP and PromQL
against a real Prometheus, polling with a deadline, and a real Pushgateway scraped by a real
Prometheus (with the shipped rules) started in a private directory."""
import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, method="GET"):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def promql(prometheus, expr):
    status, body = http(f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
    document = json.loads(body)
    if status != 200 or document.get("status") != "success":
        raise ValueError(f"{expr}: {body}")
    return document["data"]["result"]


def wait_for(what, predicate, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except (OSError, ValueError, KeyError, IndexError):
            pass
        time.sleep(0.5)
    check(False, f"timed out waiting for {what}")
    return False


def start_pushgateway_and_prometheus(work, processes, rules_file):
    """A Pushgateway and a Prometheus scraping it every second: their URLs. The processes are
    appended to `processes` for the caller to stop."""
    prometheus_port, gateway_port = free_port(), free_port()
    prometheus, gateway = f"http://127.0.0.1:{prometheus_port}", f"http://127.0.0.1:{gateway_port}"
    with open(os.path.join(work, "prometheus.yml"), "w") as f:
        f.write("global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                f"rule_files: [{rules_file}]\n"
                "scrape_configs:\n  - job_name: pushgateway\n    honor_labels: true\n"
                f"    static_configs: [{{targets: ['127.0.0.1:{gateway_port}']}}]\n")
    log = open(os.path.join(work, "servers.log"), "w")
    # Debian's Pushgateway persists to /var/lib/prometheus by default: a private file instead.
    processes.append(subprocess.Popen(["/usr/bin/prometheus-pushgateway", f"--web.listen-address=127.0.0.1:{gateway_port}",
                                       f"--persistence.file={work}/pushgateway.data"],
                                      stdout=log, stderr=subprocess.STDOUT))
    processes.append(subprocess.Popen(
        ["/usr/bin/prometheus", f"--config.file={work}/prometheus.yml", f"--storage.tsdb.path={work}/tsdb",
         f"--web.listen-address=127.0.0.1:{prometheus_port}"], stdout=log, stderr=subprocess.STDOUT))
    wait_for("the Pushgateway", lambda: http(f"{gateway}/-/ready")[0] == 200)
    wait_for("Prometheus", lambda: http(f"{prometheus}/-/ready")[0] == 200)
    return prometheus, gateway


def stop(processes):
    for p in processes:
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


def run_test(prefix, run):
    """Calls run(work, processes) in a fresh directory, then stops the processes it started and
    removes the directory; the exit status: 1 when a check failed."""
    import shutil
    import tempfile
    work = tempfile.mkdtemp(prefix=prefix)
    processes = []
    try:
        run(work, processes)
    finally:
        stop(processes)
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(failures)} failure(s)" if failures else "ok")
    return 1 if failures else 0


def variable_values(prometheus, variable, substitutions):
    """A query_result(...) variable as Grafana evaluates it: its query, one text line per series,
    the regex's first group of each, in order."""
    import re
    inner = variable["definition"][len("query_result("):-1]
    for name, value in substitutions.items():
        inner = inner.replace(name, value)
    regex = re.compile(variable["regex"].strip("/"))
    values = []
    for series in promql(prometheus, inner):
        text = "{" + ", ".join(f'{k}="{v}"' for k, v in series["metric"].items()) + "}"
        match = regex.search(text)
        if match:
            values.append(match.group(1))
    return values
