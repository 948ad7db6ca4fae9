#!/usr/bin/env python3
"""The CI job as a developer's repository runs it: the GitHub Action's own verify step
(action.yml, inputs substituted) and the GitLab template's script, in a temporary directory laid
out like an application repository (db/baseline.dump, migrations/, traffic/production.jsonl),
against a fake GitHub or GitLab API on 127.0.0.1. The first push creates the sticky comment, the
second (the migration fixed) updates the same comment: never a second one, other comments
untouched, found across pages.

usage: ci_job_test.py PGSHADOW SOURCE_DIR PART      PART: github | gitlab
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

import yaml

PGSHADOW, SOURCE, PART = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
USER_REPO = os.path.join(SOURCE, "tests", "data", "user-repo")
MARKER = "<!-- pgshadow-report -->"
TOKEN = "test-token-not-a-secret"


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


class FakeApi:
    """Comments of one pull/merge request, as GitHub's or GitLab's REST API serves them."""

    def __init__(self, platform):
        self.platform = platform
        self.comments = [{"id": 1000 + i, "body": f"a reviewer's comment {i}"} for i in range(120)]  # two pages
        self.requests = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def reply(self, status, body=None):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def handle_any(self):
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                api.requests.append((self.command, url.path))
                authorized = (self.headers.get("Authorization") == f"Bearer {TOKEN}" if api.platform == "github"
                              else self.headers.get("PRIVATE-TOKEN") == TOKEN)
                if not authorized:
                    return self.reply(401, {"message": "Bad credentials"})
                if api.platform == "github":
                    listing, single = "/repos/acme/shop/issues/7/comments", r"/repos/acme/shop/issues/comments/(\d+)"
                    update_method = "PATCH"
                else:
                    listing, single = "/api/v4/projects/42/merge_requests/7/notes", \
                        r"/api/v4/projects/42/merge_requests/7/notes/(\d+)"
                    update_method = "PUT"
                if url.path == listing and self.command == "GET":
                    query = dict(p.split("=") for p in url.query.split("&") if p)
                    page, per_page = int(query.get("page", 1)), int(query.get("per_page", 30))
                    return self.reply(200, api.comments[(page - 1) * per_page:page * per_page])
                if url.path == listing and self.command == "POST":
                    comment = {"id": 5000 + len(api.comments), "body": body["body"]}
                    api.comments.append(comment)
                    return self.reply(201, comment)
                match = re.fullmatch(single, url.path)
                if match and self.command == update_method:
                    for comment in api.comments:
                        if comment["id"] == int(match.group(1)):
                            comment["body"] = body["body"]
                            return self.reply(200, comment)
                    return self.reply(404, {"message": "Not Found"})
                return self.reply(404, {"message": f"no route {self.command} {url.path}"})

            do_GET = do_POST = do_PATCH = do_PUT = handle_any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ours(self):
        return [c for c in self.comments if MARKER in c["body"]]


def user_repository(parent):
    repo = os.path.join(parent, "shop")
    shutil.copytree(USER_REPO, repo, ignore=shutil.ignore_patterns("record"))
    return repo


def fix_migration(repo):
    """The developer's second push: the rename dropped for a change today's code survives."""
    for name in os.listdir(os.path.join(repo, "migrations")):
        os.remove(os.path.join(repo, "migrations", name))
    with open(os.path.join(repo, "migrations", "20261123_create_audit_log.sql"), "w") as f:
        f.write("CREATE TABLE audit_log (id bigserial PRIMARY KEY, note text);\n")


def run_step(script, env, cwd):
    """As GitHub runs a composite step with shell: bash."""
    path = os.path.join(cwd, "..", "step.sh")
    with open(path, "w") as f:
        f.write(script)
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", path], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def path_with_pgshadow():
    return os.path.dirname(os.path.abspath(PGSHADOW)) + os.pathsep + os.environ["PATH"]


def part_github():
    action = yaml.safe_load(open(os.path.join(SOURCE, "action.yml")))
    for needed in ("baseline", "migrations", "capture", "options"):
        check(needed in action["inputs"], f"action.yml has no input {needed}")
    check(action["runs"]["using"] == "composite", "the action is not composite")
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "verify")
    check(any("upload-artifact" in s.get("uses", "") for s in action["runs"]["steps"]), "no upload of the reports")
    inputs = {"baseline": "db/baseline.dump", "migrations": "migrations/", "capture": "traffic/production.jsonl",
              "options": "", "comment": "true", "comment-key": "", "report-dir": "pgshadow-report", "token": TOKEN}
    api = FakeApi("github")

    def substitute(value):
        value = re.sub(r"\$\{\{\s*inputs\.([a-z-]+)\s*\}\}", lambda m: inputs[m.group(1)], str(value))
        return value.replace("${{ github.action_path }}", SOURCE)

    with tempfile.TemporaryDirectory(prefix="pgshadow-ci-") as scratch:
        repo = user_repository(scratch)
        event = os.path.join(scratch, "event.json")
        with open(event, "w") as f:
            json.dump({"pull_request": {"number": 7}}, f)
        outputs, summary = os.path.join(scratch, "output"), os.path.join(scratch, "summary.md")
        env = dict(os.environ, PATH=path_with_pgshadow(), GITHUB_ACTIONS="true", GITHUB_EVENT_NAME="pull_request",
                   GITHUB_EVENT_PATH=event, GITHUB_REPOSITORY="acme/shop", GITHUB_API_URL=api.url,
                   GITHUB_SERVER_URL="https://github.example", GITHUB_RUN_ID="99", GITHUB_OUTPUT=outputs,
                   GITHUB_STEP_SUMMARY=summary)
        env.update({k: substitute(v) for k, v in step["env"].items()})

        first = run_step(step["run"], env, repo)
        check(first.returncode == 0, f"the verify step itself must not fail (the last step does):\n{first.stderr}")
        check("status=127" not in open(outputs).read(), "the step did not run:\n" + first.stdout + first.stderr)
        step_outputs = open(outputs).read()
        check("status=1\n" in step_outputs and "verdict=breaking\n" in step_outputs, f"step outputs: {step_outputs}")
        check("::error file=migrations/20261123_rename_users_name.sql,line=1,title=pgshadow%3A breaking" in first.stdout,
              "no annotation on the migration file:\n" + first.stdout[-3000:])
        check(open(summary).read().startswith("## ❌ pgshadow: BREAKING"), "the job summary is not the report")
        ours = api.ours()
        check(len(ours) == 1, f"{len(ours)} pgshadow comments after the first push")
        body, first_id = ours[0]["body"], ours[0]["id"]
        check("## ❌ pgshadow: BREAKING" in body and "Full report: https://github.example/acme/shop/actions/runs/99"
              in body, "the comment lacks the verdict or the link:\n" + body[:500])
        check(len(body) <= 65536, f"the comment has {len(body)} characters")
        check(("POST", "/repos/acme/shop/issues/7/comments") in api.requests, "the first run did not create it")

        fix_migration(repo)
        os.remove(outputs)
        api.requests.clear()
        second = run_step(step["run"], env, repo)
        check(second.returncode == 0, second.stderr)
        check("status=0\n" in open(outputs).read(), "the fixed migration should pass")
        ours = api.ours()
        check(len(ours) == 1 and ours[0]["id"] == first_id, f"the second push left {len(ours)} comments")
        check("## ✅ pgshadow: SAFE" in ours[0]["body"], "the comment was not updated to SAFE")
        check(("PATCH", f"/repos/acme/shop/issues/comments/{first_id}") in api.requests, "no PATCH of the comment")
        check(not any(m == "POST" for m, _ in api.requests), "the second run posted a new comment")
        check(all(c["body"].startswith("a reviewer's comment") for c in api.comments if c["id"] < 5000),
              "a reviewer's comment was changed")

        # A token the API refuses: the job reports it and keeps pgshadow's status.
        env["GITHUB_TOKEN"] = "wrong"
        os.remove(outputs)
        refused = run_step(step["run"], env, repo)
        check("HTTP 401" in refused.stderr and "status=0\n" in open(outputs).read(),
              f"a refused comment must be said and not change the status:\n{refused.stderr[-2000:]}")


def part_gitlab():
    template = yaml.safe_load(open(os.path.join(SOURCE, "ci", "gitlab", "pgshadow.gitlab-ci.yml")))
    job = template[".pgshadow-verify"]
    for needed in ("PGSHADOW_BASELINE", "PGSHADOW_MIGRATIONS", "PGSHADOW_CAPTURE", "PGSHADOW_OPTIONS"):
        check(needed in job["variables"], f"the template has no variable {needed}")
    check(job["artifacts"]["reports"]["junit"].endswith("report.xml"), "GitLab must read the JUnit report")
    check(job["artifacts"]["reports"]["codequality"].endswith("codequality.json"), "no Code Quality report")
    script = job["script"][0]
    check(script == "/usr/share/pgshadow/ci/run-verify", f"the template runs {script}")
    run_verify = os.path.join(SOURCE, "ci", "run-verify")  # installed there by the package
    api = FakeApi("gitlab")
    with tempfile.TemporaryDirectory(prefix="pgshadow-ci-") as scratch:
        repo = user_repository(scratch)
        env = dict(os.environ, PATH=path_with_pgshadow(), GITLAB_CI="true", CI_API_V4_URL=api.url + "/api/v4",
                   CI_PROJECT_ID="42", CI_MERGE_REQUEST_IID="7", CI_JOB_URL="https://gitlab.example/acme/shop/-/jobs/5",
                   PGSHADOW_GITLAB_TOKEN=TOKEN, PGSHADOW_BASELINE="db/baseline.dump", PGSHADOW_MIGRATIONS="migrations/",
                   PGSHADOW_CAPTURE="traffic/production.jsonl", PGSHADOW_OPTIONS="--markdown-budget 4000")
        first = subprocess.run([run_verify], cwd=repo, env=env, capture_output=True, text=True, timeout=300)
        check(first.returncode == 1, f"the job must fail on the breaking rename, exit {first.returncode}\n{first.stderr}")
        report_dir = os.path.join(repo, "pgshadow-report")
        codequality = os.path.join(report_dir, "codequality.json")
        # Once, under the full suite's load, the file was missing after exit 1: say what was there.
        check(os.path.exists(codequality),
              f"no codequality.json; report dir: {sorted(os.listdir(report_dir)) if os.path.isdir(report_dir) else 'absent'}\n"
              f"stdout:\n{first.stdout[-3000:]}\nstderr:\n{first.stderr[-3000:]}")
        issues = json.load(open(codequality))
        check(issues and all(i["location"]["path"] == "migrations/20261123_rename_users_name.sql" for i in issues),
              f"Code Quality issues: {issues[:2]}")
        ours = api.ours()
        check(len(ours) == 1, f"{len(ours)} notes after the first push")
        check("## ❌ pgshadow: BREAKING" in ours[0]["body"] and
              "https://gitlab.example/acme/shop/-/jobs/5/artifacts/file/pgshadow-report/report.html" in ours[0]["body"],
              "the note lacks the verdict or the link")
        check(len(ours[0]["body"]) < 4500, f"--markdown-budget 4000 gave a note of {len(ours[0]['body'])} characters")
        first_id = ours[0]["id"]
        fix_migration(repo)
        api.requests.clear()
        second = subprocess.run([run_verify], cwd=repo, env=env, capture_output=True, text=True, timeout=300)
        check(second.returncode == 0, f"the fixed migration should pass, exit {second.returncode}\n{second.stderr}")
        ours = api.ours()
        check(len(ours) == 1 and ours[0]["id"] == first_id and "## ✅ pgshadow: SAFE" in ours[0]["body"],
              f"the second push: {len(ours)} notes")
        check(("PUT", f"/api/v4/projects/42/merge_requests/7/notes/{first_id}") in api.requests, "no PUT of the note")
        check(not any(m == "POST" for m, _ in api.requests), "the second run posted a new note")


{"github": part_github, "gitlab": part_gitlab}[PART]()
print("ok")
