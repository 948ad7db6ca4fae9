"""Shared by the tests/hostile/security_*_test.py files: runs the pgshadow binary as a user would,
starts a throwaway PostgreSQL server for the DSN cases, and counts checks.

Each test is run by ctest as: python3 TEST.py PGSHADOW_BINARY SOURCE_DIR."""
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile

BINARY, SOURCE = sys.argv[1], sys.argv[2]
DATA = os.path.join(SOURCE, "tests", "data", "hostile", "security")
PG_BIN = os.environ.get("PGSHADOW_PG_BIN", "/usr/lib/postgresql/15/bin")
# The file the captured COPY ... TO PROGRAM would write (tests/hostile/record_security).
COPY_PROGRAM_PROOF = "/tmp/pgshadow-security-copy-to-program-proof"

_passed, _failed = 0, 0


def check(condition, what):
    global _passed, _failed
    if condition:
        _passed += 1
    else:
        _failed += 1
        print("FAILED: " + what, flush=True)


def finish():
    print(f"{_passed} checks passed, {_failed} failed")
    sys.exit(1 if _failed else 0)


def pgshadow(*args, env=None):
    """Runs pgshadow with the arguments; returns (exit status, stdout, stderr)."""
    out = subprocess.run([BINARY, *args], capture_output=True, text=True, env=env, timeout=600)
    return out.returncode, out.stdout, out.stderr


def verify(*args, report_dir):
    """pgshadow verify with a JSON report; returns (exit status, stderr, report or None)."""
    report = os.path.join(report_dir, "report.json")
    code, _, err = pgshadow("verify", *args, "--report", report)
    parsed = None
    if os.path.exists(report):
        with open(report) as f:
            parsed = json.load(f)
    return code, err, parsed


def valid_report(report):
    """Whether the report is valid against docs/report.schema.json (the error, or "")."""
    import jsonschema
    with open(os.path.join(SOURCE, "docs", "report.schema.json")) as f:
        schema = json.load(f)
    try:
        jsonschema.validate(report, schema)
        return ""
    except jsonschema.ValidationError as error:
        return error.message


def shapes_by_text(report):
    return {shape["normalized"]: shape for shape in report["shapes"]}


def as_server_user():
    """preexec_fn for tools that PostgreSQL refuses to run as root."""
    if os.geteuid() != 0:
        return None
    user = pwd.getpwnam("postgres")

    def drop():
        os.setgid(user.pw_gid)
        os.setuid(user.pw_uid)
    return drop


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A throwaway PostgreSQL cluster on a private socket and a port on 127.0.0.1 (trust
    authentication), superuser postgres, removed by stop()."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="pgshadow-hostile-")
        os.chmod(self.dir, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.data = os.path.join(self.dir, "data")
        self.port = free_port()
        subprocess.run([f"{PG_BIN}/initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync"],
                       check=True, capture_output=True, preexec_fn=as_server_user())
        with open(os.path.join(self.data, "postgresql.conf"), "a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.dir}'\nfsync = off\n")
        subprocess.run([f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "start"],
                       check=True, capture_output=True, preexec_fn=as_server_user())

    def socket_dsn(self, database, user="postgres"):
        return f"host={self.dir} port={self.port} user={user} dbname={database}"

    def psql(self, database, sql):
        out = subprocess.run([f"{PG_BIN}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-d",
                              self.socket_dsn(database), "-c", sql], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(out.stderr)
        return out.stdout.strip()

    def load_security_data(self, *databases):
        """The recorded roles (globals.sql) and the archive restored into each database."""
        subprocess.run([f"{PG_BIN}/psql", "-X", "-q", "-d", self.socket_dsn("postgres"), "-f",
                        os.path.join(DATA, "globals.sql")], check=True, capture_output=True)
        for database in databases:
            self.psql("postgres", f"CREATE DATABASE {database} OWNER app_admin")
            subprocess.run([f"{PG_BIN}/pg_restore", "--exit-on-error", "-d", self.socket_dsn(database),
                            os.path.join(DATA, "baseline.dump")], check=True, capture_output=True)

    def stop(self):
        subprocess.run([f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop"],
                       capture_output=True, preexec_fn=as_server_user())
        shutil.rmtree(self.dir, ignore_errors=True)
