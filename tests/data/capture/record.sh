#!/bin/sh
# Records the real PostgreSQL 15 csvlog files that tests/capture/*_test.cc read.
#
# Starts a throwaway cluster (private temp dir, private socket dir, no TCP listener), runs the
# same workload under each logging setup the capture reader must understand, copies the
# csvlog files here and removes everything else. Run as root (initdb/postgres run as the
# `postgres` user). Re-recording changes timestamps, pgbench values and durations, so the
# exact numbers asserted by csvlog_recorded_test.cc must be re-checked afterwards.
#
#   statement_all.csv         log_statement='all'
#   duration_only.csv         log_min_duration_statement=0 alone
#   statement_and_duration.csv  both
#   rotated/part-a.csv, rotated/part-b.csv
#                             log_statement='all', log_timezone='Etc/GMT-3' (times end in "+03"),
#                             one session rotated across two files; part-b holds the EARLIER
#                             records, so name order is not time order.
#   all_formats/postgresql.{csv,json,log}
#                             log_statement='all' and log_min_duration_statement=0, written by ONE
#                             server run with log_destination='stderr,csvlog,jsonlog': the csvlog
#                             and the jsonlog carry the same messages, so they must give identical
#                             events (all_formats_recorded_test.cc).
#   statement_all.csv.gz      statement_all.csv, gzip -n (no name or time: reproducible).
#
# Usage: [RECORD_OUT=DIR] record.sh [RECORDING...]   with RECORDING among statement_all duration_only
# statement_and_duration rotated all_formats gzip; none given: all of them.
set -eu

RECORDINGS=${*:-statement_all duration_only statement_and_duration rotated all_formats gzip}
wanted() { case " $RECORDINGS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PORT=${PORT:-55477}
SRC=$(cd "$(dirname "$0")" && pwd)
# RECORD_OUT: where the logs go (the test suite records into a temporary directory).
OUT=${RECORD_OUT:-$SRC}
WORK=$(mktemp -d /tmp/pgshadow-record.XXXXXX)

as_postgres() { runuser -u postgres -- "$@"; }
stop_server() { as_postgres "$PGBIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1 || true; }
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM

chown postgres "$WORK"
as_postgres mkdir "$WORK/sock" "$WORK/log"
as_postgres "$PGBIN/initdb" -D "$WORK/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
cc -o "$WORK/extended_client" "$SRC/extended_client.c" -I"$("$PGBIN/pg_config" --includedir)" -lpq

# start NAME TIMEZONE SETTINGS...: one server run whose csvlog goes to $WORK/log/NAME*.csv
start_server() {
  name=$1 tz=$2; shift 2
  as_postgres "$PGBIN/pg_ctl" -D "$WORK/data" -w -l "$WORK/$name.stderr" start -o \
    "-p $PORT -k $WORK/sock -c listen_addresses='' -c logging_collector=on \
     -c log_destination=${LOG_DESTINATION:-csvlog} -c log_directory=$WORK/log -c log_filename=$name.log \
     -c log_timezone=$tz -c log_connections=on -c log_disconnections=on \
     -c autovacuum=off $*" >/dev/null
}

export PGHOST="$WORK/sock" PGPORT="$PORT" PGUSER=postgres
psql_quiet() { psql -X -q "$@" >/dev/null 2>&1 || true; }

# Schema and pgbench data, with statement logging off (not part of any recording).
start_server setup UTC
psql_quiet -d postgres -c "CREATE DATABASE shop"
psql_quiet -d shop -c "CREATE TABLE capture_t (id int PRIMARY KEY, v text)"
pgbench -q -i -s 1 -I dtgp shop >/dev/null 2>&1
stop_server

# The simple-protocol session: a multi-line statement, quotes and unicode in literals, two
# failing statements (42703 alone; 22012 then 25P02 inside a transaction), two statements in
# one query string.
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
    pgbench -n -M "$mode" -c 2 -j 1 -t 3 shop >/dev/null 2>&1
  done
  psql_quiet -d shop -c "DELETE FROM capture_t"
}

record() {
  name=$1; shift
  start_server "$name" UTC "$@"
  workload
  stop_server
  install -m 644 "$WORK/log/$name.csv" "$OUT/$name.csv"
}

wanted statement_all && record statement_all "-c log_statement=all"
wanted duration_only && record duration_only "-c log_min_duration_statement=0"
wanted statement_and_duration && record statement_and_duration "-c log_statement=all -c log_min_duration_statement=0"

if wanted all_formats; then
  LOG_DESTINATION=stderr,csvlog,jsonlog start_server all_formats UTC \
    "-c log_statement=all -c log_min_duration_statement=0"
  workload
  stop_server
  mkdir -p "$OUT/all_formats"
  for ext in csv json log; do
    install -m 644 "$WORK/log/all_formats.$ext" "$OUT/all_formats/postgresql.$ext"
  done
fi

if wanted gzip; then
  gzip -n -9 -c "$OUT/statement_all.csv" >"$OUT/statement_all.csv.gz"
fi

# Rotation: one session whose statement is logged in the first file and whose error, raised
# after pg_rotate_logfile() took effect, is logged in the second.
wanted rotated || { ls -lR "$OUT"; exit 0; }
start_server rotated Etc/GMT-3 "-c log_statement=all -c log_filename=rotated-%H%M%S.log"
psql_quiet -d shop <<'SQL'
SELECT 'before rotation';
SELECT pg_sleep(1.1);
SELECT pg_rotate_logfile(), pg_sleep(0.5), 1 / (random() * 0)::int;
SELECT 'after rotation';
SQL
stop_server
set -- "$WORK"/log/rotated-*.csv
[ $# -eq 2 ] || { echo "expected 2 rotated files, got $#" >&2; exit 1; }
mkdir -p "$OUT/rotated"
install -m 644 "$1" "$OUT/rotated/part-b.csv"
install -m 644 "$2" "$OUT/rotated/part-a.csv"
ls -l "$OUT"/*.csv "$OUT"/rotated/*.csv
