#!/bin/sh
# Records the real PostgreSQL 15 stderr logs that tests/capture/stderr_recorded_test.cc reads,
# each with its csvlog twin: log_destination='stderr,csvlog' under the logging collector, so the
# two files of a run hold the same messages and the stderr reading can be checked against the
# csvlog reading of the same traffic.
#
# Starts a throwaway cluster (private temp dir, private socket dir, no TCP listener), runs the
# workload under each setup, copies NAME.log and NAME.csv here and removes everything else. Run
# as root (initdb/postgres run as the `postgres` user). Re-recording changes timestamps, pids
# and pgbench values: re-check the counts asserted by the test afterwards.
#
#   default          '%m [%p] ' (the server's default: no session id, no user), log_statement=all
#   session          '%m [%p] %q%c %u@%d app=%a %e %i: ', log_statement=all and
#                    log_min_duration_statement=0, log_error_verbosity=verbose,
#                    log_min_error_statement=log
#   pgbadger         '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ', log_min_duration_statement=0
#   default_verbose  '%m [%p] ', log_statement=all, verbose, log_min_error_statement=log
# and session.show.txt / session.conf-C.txt: `SHOW log_line_prefix` and
# `postgres -C log_line_prefix` output for the session run's prefix.
set -eu

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PORT=${PORT:-55478}
SRC=$(cd "$(dirname "$0")" && pwd)
# RECORD_OUT: where the logs go (the test suite records into a temporary directory).
OUT=${RECORD_OUT:-$SRC}
CLIENT_SOURCE="$SRC/../extended_client.c"
WORK=$(mktemp -d /tmp/pgshadow-record-stderr.XXXXXX)

as_postgres() { runuser -u postgres -- "$@"; }
stop_server() { as_postgres "$PGBIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1 || true; }
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

chown postgres "$WORK"
as_postgres mkdir "$WORK/sock" "$WORK/log"
as_postgres "$PGBIN/initdb" -D "$WORK/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
cc -o "$WORK/extended_client" "$CLIENT_SOURCE" -I"$("$PGBIN/pg_config" --includedir)" -lpq

# start NAME PREFIX SETTINGS...: one server run logging to $WORK/log/NAME.log and NAME.csv
start_server() {
  name=$1 prefix=$2; shift 2
  as_postgres "$PGBIN/pg_ctl" -D "$WORK/data" -w -l "$WORK/$name.stderr" start -o \
    "-p $PORT -k $WORK/sock -c listen_addresses='' -c logging_collector=on \
     -c log_destination=stderr,csvlog -c log_directory=$WORK/log -c log_filename=$name.log \
     -c log_timezone=UTC -c log_connections=on -c log_disconnections=on \
     -c autovacuum=off -c log_line_prefix='$prefix' $*" >/dev/null
}

export PGHOST="$WORK/sock" PGPORT="$PORT" PGUSER=postgres
psql_quiet() { psql -X -q "$@" >/dev/null 2>&1 || true; }

start_server setup '%m [%p] '
psql_quiet -d postgres -c "CREATE DATABASE shop"
psql_quiet -d shop -c "CREATE TABLE capture_t (id int PRIMARY KEY, v text)"
pgbench -q -i -s 1 -I dtgp shop >/dev/null 2>&1
stop_server

# psql: a multi-line statement (one line indented with a tab: the server writes a tab after
# every newline, only that one is removed), quotes and unicode, an error alone, an error inside
# a transaction (then 25P02), two statements in one query string.
simple_workload() {
  psql_quiet -d shop -v ON_ERROR_STOP=0 <<'SQL'
INSERT INTO capture_t (id, v) VALUES (1, 'it''s'), (2, 'héllo ✓');
SELECT id,
	v
  FROM capture_t
 WHERE v LIKE 'it''s%';
SELECT nosuchcolumn FROM capture_t;
BEGIN;
UPDATE capture_t SET v = 'two' WHERE id = 2;
SELECT 1 / 0;
SELECT 1;
ROLLBACK;
SQL
  psql_quiet -d shop -c "SELECT count(*) FROM capture_t; SELECT 'a,b' AS \"quoted \"\"name\"\"\""
}

workload() {
  simple_workload
  "$WORK/extended_client" "dbname=shop application_name=extended_client" 2>/dev/null
  for mode in simple extended prepared; do
    pgbench -n -M "$mode" -c 2 -j 1 -t 2 shop >/dev/null 2>&1
  done
  psql_quiet -d shop -c "DELETE FROM capture_t"
}

record() {
  name=$1 prefix=$2; shift 2
  start_server "$name" "$prefix" "$@"
  workload
  if [ "$name" = session ]; then
    psql -X -d shop -c "SHOW log_line_prefix" > "$OUT/session.show.txt"
  fi
  stop_server
  install -m 644 "$WORK/log/$name.log" "$OUT/$name.log"
  install -m 644 "$WORK/log/$name.csv" "$OUT/$name.csv"
}

record default '%m [%p] ' "-c log_statement=all"
record session '%m [%p] %q%c %u@%d app=%a %e %i: ' \
  "-c log_statement=all -c log_min_duration_statement=0 -c log_error_verbosity=verbose -c log_min_error_statement=log"
record pgbadger '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ' "-c log_min_duration_statement=0"
record default_verbose '%m [%p] ' \
  "-c log_statement=all -c log_error_verbosity=verbose -c log_min_error_statement=log"

as_postgres "$PGBIN/postgres" -D "$WORK/data" -C log_line_prefix \
  -c "log_line_prefix=%m [%p] %q%c %u@%d app=%a %e %i: " > "$OUT/session.conf-C.txt"
ls -l "$OUT"
