#!/usr/bin/env python3
"""pgshadow as its users get it: the Debian package built by CPack from this build tree,
unpacked into a scratch root without root privileges (dpkg -x), and the installed binary run
on a sample application repository (db/baseline.dump, migrations/, traffic/production.jsonl);
`cmake --install --prefix`; and the Dockerfile, linted (no docker daemon here).

usage: install_test.py BUILD_DIR SOURCE_DIR PART     PART: package | prefix | dockerfile
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

BUILD, SOURCE, PART = sys.argv[1:4]
USER_REPO = os.path.join(SOURCE, "tests", "data", "user-repo")
# Packages only the build or the tests need: the package must depend on none of them.
NOT_RUNTIME = re.compile(r"(-dev$|^chromium|^prometheus$|^prometheus-pushgateway$|^catch2$|^g\+\+|^clang|^cmake$|"
                         r"^help2man$|^libxml2-utils$|^python3-jsonschema$)")


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def run(args, expect=0, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)
    if expect is not None and result.returncode != expect:
        fail(f"{' '.join(args)} exited {result.returncode}, expected {expect}\n"
             f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}")
    return result


def user_repository(parent, migration=None):
    """A copy of the sample repository, as a developer's checkout would hold it."""
    repo = os.path.join(parent, "app")
    shutil.copytree(USER_REPO, repo, ignore=shutil.ignore_patterns("record"))
    if migration is not None:
        shutil.rmtree(os.path.join(repo, "migrations"))
        os.makedirs(os.path.join(repo, "migrations"))
        with open(os.path.join(repo, "migrations", "20261124_migration.sql"), "w") as f:
            f.write(migration)
    return repo


def verify_in(repo, binary, expect, extra=()):
    migrations = sorted(os.path.join("migrations", m) for m in os.listdir(os.path.join(repo, "migrations")))
    args = [binary, "verify", "--baseline", "db/baseline.dump", "--capture", "traffic/production.jsonl",
            "--report-dir", "pgshadow-report", "--no-color", *extra]
    for m in migrations:
        args += ["--migration", m]
    return run(args, expect=expect, cwd=repo)


def check_installed_tree(root, prefix, binary):
    for relative in ("bin/pgshadow", "bin/pgshadow-pr-comment", "share/man/man1/pgshadow.1",
                     "share/bash-completion/completions/pgshadow", "share/pgshadow/dashboards/pgshadow.json",
                     "share/pgshadow/dashboards/rules.yml", "share/doc/pgshadow/README.md",
                     "share/doc/pgshadow/recording-traffic.md", "share/pgshadow/ci/gitlab/pgshadow.gitlab-ci.yml",
                     "share/pgshadow/deploy/k8s/verify-job.yaml"):
        check(os.path.exists(os.path.join(root, prefix, relative)), f"{prefix}/{relative} is not installed")
    version = run([binary, "--version"]).stdout
    check(re.fullmatch(r"pgshadow \d+\.\d+\.\d+ \(commit [0-9a-f]{12}(-dirty)?\)\n", version),
          f"--version does not name the commit: {version!r}")
    man = run(["man", "-l", os.path.join(root, prefix, "share/man/man1/pgshadow.1")],
              env=dict(os.environ, MANWIDTH="100", LC_ALL="C.UTF-8", MANPAGER="cat", PAGER="cat")).stdout
    for needed in ("pgshadow verify", "--report-dir", "--baseline", "pgshadow merge", "Exit status"):
        check(needed in man, f"the man page lacks {needed!r}")
    # The completion reads the installed binary's own --help.
    script = (f"source {os.path.join(root, prefix, 'share/bash-completion/completions/pgshadow')}; "
              f"COMP_WORDS=({binary} verify --report); COMP_CWORD=2; _pgshadow; echo \"${{COMPREPLY[*]}}\"")
    completed = run(["bash", "-c", script]).stdout.split()
    check("--report-dir" in completed and "--report" in completed, f"completion of --report: {completed}")


def part_package():
    with tempfile.TemporaryDirectory(prefix="pgshadow-package-") as scratch:
        run(["cpack", "-G", "DEB", "--config", os.path.join(BUILD, "CPackConfig.cmake"), "-B", scratch])
        debs = [f for f in os.listdir(scratch) if f.endswith(".deb")]
        check(len(debs) == 1, f"cpack made {debs}")
        deb = os.path.join(scratch, debs[0])
        depends = run(["dpkg-deb", "-f", deb, "Depends"]).stdout.strip()
        names = [re.split(r"[ (]", d.strip())[0] for d in re.split(r"[,|]", depends)]
        print("Depends:", depends)
        for needed in ("libpq5", "postgresql-15", "postgresql-client-15", "python3"):
            check(needed in names, f"the package does not depend on {needed}: {depends}")
        for prefix in ("libpqxx", "libyaml-cpp", "libboost-iostreams", "libprometheus-cpp-core", "libpg-query"):
            check(any(n.startswith(prefix) for n in names), f"no dependency on {prefix}*: {depends}")
        wrong = [n for n in names if NOT_RUNTIME.search(n)]
        check(not wrong, f"build or test packages in Depends: {wrong}")

        root = os.path.join(scratch, "root")
        run(["dpkg", "-x", deb, root])  # no root privileges, no maintainer scripts
        binary = os.path.join(root, "usr", "bin", "pgshadow")
        check_installed_tree(root, "usr", binary)

        # A developer's repository, the installed binary: the rename breaks the app ...
        breaking = user_repository(os.path.join(scratch, "breaking"))
        result = verify_in(breaking, binary, expect=1)
        check("VERDICT: BREAKING" in result.stdout, "the installed binary does not find the rename breaking")
        for name in ("report.json", "report.xml", "report.md", "report.html"):
            check(os.path.getsize(os.path.join(breaking, "pgshadow-report", name)) > 0, f"no {name}")
        # ... a new table is safe ...
        safe = user_repository(os.path.join(scratch, "safe"),
                               "CREATE TABLE audit_log (id bigserial PRIMARY KEY, note text);\n")
        result = verify_in(safe, binary, expect=0)
        check("VERDICT: SAFE" in result.stdout, "a new table should be safe:\n" + result.stdout)
        # ... and a column added under the app's SELECT * is to review (exit 0 with --fail-on breaking).
        added = user_repository(os.path.join(scratch, "added"), "ALTER TABLE users ADD COLUMN nickname text;\n")
        result = verify_in(added, binary, expect=0)
        check("VERDICT: REVIEW" in result.stdout and "columns_added" in result.stdout,
              "an added column under SELECT * should be columns_added, review:\n" + result.stdout)


def part_prefix():
    with tempfile.TemporaryDirectory(prefix="pgshadow-prefix-") as scratch:
        run(["cmake", "--install", BUILD, "--prefix", scratch])
        check_installed_tree(scratch, "", os.path.join(scratch, "bin", "pgshadow"))
        # The comment script runs from where it is installed.
        run([os.path.join(scratch, "bin", "pgshadow-pr-comment"), "--help"])


def part_dockerfile():
    text = open(os.path.join(SOURCE, "Dockerfile")).read()
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.M | re.I)
    check(len(stages) >= 2, f"the Dockerfile is not multi-stage: {stages}")
    check(all(image == "debian:12" for image, _ in stages), f"stages not on Debian 12: {stages}")
    runtime = text[text.rfind("\nFROM "):]
    check(re.search(r"^USER\s+(?!0\b|root\b)\S+", runtime, re.M), "the runtime stage does not switch to a non-root user")
    check("COPY . ." not in runtime and "scripts/setup" not in runtime, "the runtime stage builds or copies sources")
    installs = re.findall(r"apt-get install\s+([^&\\]*(?:\\\n[^&\\]*)*)", runtime)
    runtime_packages = [w for line in installs for w in line.split() if not w.startswith("-") and w != "\\"]
    check(runtime_packages, "the runtime stage installs nothing")
    for package in runtime_packages:
        if package.endswith(".deb"):
            continue  # the package built in the first stage, whose Depends part_package checks
        check(not NOT_RUNTIME.search(package), f"the runtime stage installs {package}")
    # Every package the image names exists in the archive (apt-cache knows it).
    setup = open(os.path.join(SOURCE, "scripts", "setup")).read()
    build_list = re.search(r"build_packages=\((.*?)\n\)", setup, re.S).group(1)
    named = [w for line in build_list.splitlines() for w in line.split("#")[0].split()] + \
            [p for p in runtime_packages if not p.endswith(".deb")]
    # One apt-cache call for all (one per package took over a minute on a loaded machine).
    shown = subprocess.run(["apt-cache", "show", "--no-all-versions"] + named, capture_output=True, text=True)
    known = set(re.findall(r"^Package:\s*(\S+)", shown.stdout, re.M))
    for package in named:
        check(package in known, f"apt-cache does not know {package}: {shown.stderr.strip()}")
    ignored = open(os.path.join(SOURCE, ".dockerignore")).read().split()
    for needed in (".git", "build/", "build-*/"):
        check(needed in ignored, f".dockerignore does not exclude {needed}")
    print(f"{len(stages)} stages; {len(named)} packages known to apt-cache")


{"package": part_package, "prefix": part_prefix, "dockerfile": part_dockerfile}[PART]()
print("ok")
