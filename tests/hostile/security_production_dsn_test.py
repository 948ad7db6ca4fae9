#!/usr/bin/env python3
"""--production-dsn is recognised by what the servers say about themselves (system identifier and
database OID), however the connection strings are written: a Unix socket, a host name, a
multi-host URI. Each server is asked once before anything is written. A DSN that does not parse
is bad input naming the option. In DSN mode no replayed statement runs as a superuser, and the
report says what cannot be guaranteed."""
import os
import tempfile

from security_support import (valid_report, COPY_PROGRAM_PROOF, DATA, Server, check, finish, pgshadow, shapes_by_text, verify)

TRAFFIC = os.path.join(DATA, "traffic")
server = Server()
try:
    server.load_security_data("shop", "shop_shadow", "shop_shadow2")
    production = server.socket_dsn("shop")
    spellings = {
        "TCP to localhost": f"postgresql://postgres@localhost:{server.port}/shop",
        "TCP to 127.0.0.1, key=value": f"host=127.0.0.1 port={server.port} user=postgres dbname=shop",
        "a multi-host URI": f"postgresql://postgres@127.0.0.1:1,127.0.0.1:{server.port}/shop",
        "the socket directory by hostaddr-less URI": f"postgresql://postgres@%2F{server.dir.lstrip('/').replace('/', '%2F')}:{server.port}/shop",
    }
    shadow = server.socket_dsn("shop_shadow")
    for name, baseline in spellings.items():
        before = server.psql("shop", "SELECT count(*) FROM orders")
        code, _, err = pgshadow("verify", "--capture", TRAFFIC, "--baseline-dsn", baseline, "--shadow-dsn", shadow,
                                "--production-dsn", production)
        check(code == 2, f"{name}: the production database given as the baseline: exit {code}: {err}")
        check("is the production database (--production-dsn: the same system identifier and database)" in err,
              f"{name}: the refusal says why: {err!r}")
        check(server.psql("shop", "SELECT count(*) FROM orders") == before, f"{name}: production was written to")

    # Another database of the same server is not production (the replay runs; both sides on one
    # server share its roles, so the role DDL of the traffic may differ: any verdict will do).
    with tempfile.TemporaryDirectory() as out:
        code, err, report = verify("--capture", TRAFFIC, "--baseline-dsn", server.socket_dsn("shop_shadow"),
                                   "--shadow-dsn", f"postgresql://postgres@127.0.0.1:{server.port}/shop_shadow2",
                                   "--production-dsn", production, report_dir=out)
        check(code in (0, 1) and "production database" not in err and report is not None,
              f"a different database is not production: {code} {err}")

    code, _, err = pgshadow("verify", "--capture", TRAFFIC, "--baseline-dsn", server.socket_dsn("shop"),
                            "--shadow-dsn", "host=/tmp port", "--production-dsn", production)
    check(code == 2, f"an unparsable DSN is bad input: exit {code}")
    check(err == "pgshadow: --shadow-dsn: cannot parse the connection string (neither a valid URI nor key=value "
                 "pairs)\n", f"the message names the option and quotes nothing: {err!r}")

    # DSN mode, connected as the superuser postgres: a session becomes its captured role, and one
    # whose role does not exist there is refused rather than run as the superuser.
    server.psql("postgres", "CREATE DATABASE shop_base OWNER app_admin")
    server.psql("postgres", "DROP ROLE IF EXISTS nobody_here")
    if os.path.exists(COPY_PROGRAM_PROOF):
        os.remove(COPY_PROGRAM_PROOF)
    with tempfile.TemporaryDirectory() as out:
        capture = os.path.join(out, "capture.jsonl")
        with open(capture, "w") as f:
            f.write('{"pgshadow_capture":1}\n')
            f.write('{"session":"s","user":"nobody_here","database":"shop","application":"",'
                    '"start":"2026-11-23T10:00:00.000000Z","sql":"COPY (SELECT 1) TO PROGRAM \'id > '
                    + COPY_PROGRAM_PROOF + '\'","protocol":"simple","parameters":[],'
                    '"outcome":{"ok":false,"sqlstate":"42501"}}\n')
        # --allow-outside lowers the first wall (such statements are skipped): the session's
        # privileges are the second.
        code, err, report = verify("--capture", capture, "--capture", TRAFFIC, "--baseline-dsn",
                                   server.socket_dsn("shop"), "--shadow-dsn", server.socket_dsn("shop_shadow"),
                                   "--allow-outside", "copy_program", report_dir=out)
        check(not os.path.exists(COPY_PROGRAM_PROOF), "DSN mode: a session of an unknown role ran COPY TO PROGRAM")
        check(report is not None, f"DSN mode: no report: {err}")
        if report is not None:
            invalid = valid_report(report)
            check(invalid == "", f"DSN mode: the report does not follow the schema: {invalid}")
            failed = report["accounting"]["failed_by_reason"]
            check(any("refused to run the session as postgres, a superuser, instead of \"nobody_here\" "
                      "(no such role on the baseline)" in reason for reason in failed),
                  f"the refusal is the reason the statement failed: {failed}")
            copy = shapes_by_text(report).get("COPY (SELECT $1) TO PROGRAM $2")
            check(copy is not None and copy["classes"] == {"match": 1}, f"app_ro's COPY fails alike: {copy}")
            guarantees = report["servers"]["cannot_guarantee"]
            check(any("connected as postgres, a superuser" in sentence for sentence in guarantees),
                  f"the report says what cannot be guaranteed: {guarantees}")
finally:
    server.stop()
finish()
