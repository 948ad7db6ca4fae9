#!/usr/bin/env python3
"""The HTTP server's endpoints have no authentication: bound beyond loopback, pgshadow says so;
on loopback (the default) it does not."""
import os
import tempfile

from security_support import check, finish, pgshadow

WARNING = ("is not a loopback address, and these endpoints have no authentication: anyone who can reach it can "
           "read the run's status and report")

with tempfile.TemporaryDirectory() as work:
    baseline = os.path.join(work, "baseline.sql")
    with open(baseline, "w") as f:
        f.write("CREATE TABLE t (id int);\n")
    capture = os.path.join(work, "capture.jsonl")
    with open(capture, "w") as f:
        f.write('{"pgshadow_capture":1}\n{"session":"s","user":"app","database":"app","application":"",'
                '"start":"2026-11-23T10:00:00.000000Z","sql":"SELECT count(*) FROM t","protocol":"simple",'
                '"parameters":[],"outcome":{"ok":true}}\n')
    code, _, err = pgshadow("verify", "--baseline", baseline, "--capture", capture, "--listen", "0.0.0.0:0")
    check(code == 0, f"verify --listen 0.0.0.0:0: exit {code}: {err}")
    check("pgshadow: warning: 0.0.0.0 " + WARNING in err, f"a warning names the address: {err!r}")
    code, _, err = pgshadow("verify", "--baseline", baseline, "--capture", capture, "--listen", "127.0.0.1:0")
    check(code == 0 and "warning" not in err, f"no warning on loopback: {err!r}")
finish()
