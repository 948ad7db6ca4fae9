#!/usr/bin/env python3
"""A plain-SQL baseline is SQL and COPY data only: a psql meta-command in it (`\\! cmd` runs a
shell command) is refused with file:line before anything runs; and the client tools that load
the baseline (psql, pg_restore) run as the unprivileged server user, never as root."""
import os
import shutil
import stat
import tempfile

from security_support import DATA, PG_BIN, check, finish, pgshadow, verify

with tempfile.TemporaryDirectory() as work:
    os.chmod(work, 0o755)
    proof = os.path.join(work, "shell-escape-ran")
    baseline = os.path.join(work, "baseline.sql")
    with open(baseline, "w") as f:
        f.write("CREATE TABLE t (id int);\n"
                f"\\! touch {proof}\n"
                "INSERT INTO t VALUES (1);\n")
    capture = os.path.join(work, "capture.jsonl")
    with open(capture, "w") as f:
        f.write('{"pgshadow_capture":1}\n{"session":"s","user":"app","database":"app","application":"",'
                '"start":"2026-11-23T10:00:01.000000Z","sql":"SELECT 1","protocol":"simple","parameters":[],'
                '"outcome":{"ok":true}}\n')
    code, _, err = pgshadow("verify", "--baseline", baseline, "--capture", capture)
    check(not os.path.exists(proof), "the baseline's \\! shell escape ran")
    check(code == 2, f"a meta-command in the baseline is bad input: exit {code}")
    check(err.endswith(f"pgshadow: {baseline}:2: psql meta-command \\! is not allowed in a plain-SQL baseline "
                       "(psql would run it)\n"), f"the message names file:line: {err!r}")

# The client tools, seen through a --pg-bin directory whose psql and pg_restore record who ran them.
if os.geteuid() == 0:
    with tempfile.TemporaryDirectory() as work:
        os.chmod(work, 0o755)
        bin_dir = os.path.join(work, "bin")
        os.mkdir(bin_dir)
        os.chmod(bin_dir, 0o755)
        record = os.path.join(work, "who-ran")
        with open(record, "w"):
            pass
        os.chmod(record, 0o666)
        for tool in os.listdir(PG_BIN):
            target = os.path.join(bin_dir, tool)
            if tool in ("psql", "pg_restore"):
                with open(target, "w") as f:
                    f.write(f"#!/bin/sh\necho \"{tool} $(id -u)\" >> {record}\nexec {PG_BIN}/{tool} \"$@\"\n")
                os.chmod(target, 0o755)
            else:
                os.symlink(os.path.join(PG_BIN, tool), target)
        # Readable by root alone: the tool gets it on its standard input.
        baseline = os.path.join(work, "baseline.sql")
        with open(baseline, "w") as f:
            f.write("CREATE TABLE t (id int);\n")
        os.chmod(baseline, 0o600)
        capture = os.path.join(work, "capture.jsonl")
        with open(capture, "w") as f:
            f.write('{"pgshadow_capture":1}\n{"session":"s","user":"app","database":"app","application":"",'
                    '"start":"2026-11-23T10:00:00.000000Z","sql":"SELECT count(*) FROM t","protocol":"simple",'
                    '"parameters":[],"outcome":{"ok":true}}\n')
        for file in (baseline, os.path.join(DATA, "baseline.dump")):
            open(record, "w").close()
            code, err, report = verify("--pg-bin", bin_dir, "--baseline", file, "--capture", capture, report_dir=work)
            check(code == 0, f"{file}: verify with the recording tools: exit {code}: {err}")
            with open(record) as f:
                runs = f.read().split()
            uids = runs[1::2]
            check(len(uids) > 0, f"{file}: the loading tool was run")
            check("0" not in uids, f"{file}: a client tool ran as root: {runs}")
else:
    print("not root: the client tools run as this user anyway")
finish()
