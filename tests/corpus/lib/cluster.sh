# tests/corpus/lib/cluster.sh — a private PostgreSQL cluster for a corpus's `record` script.
#
# Sourced (not run) by tests/corpus/<name>/record. It does what scenarios/record does for a
# scenario, split into steps so a corpus can build its baseline with its own client before
# the logging starts:
#
#   cluster_init                 private temp dir, initdb (UTF8, locale C, trust), a free port
#                                on 127.0.0.1, server started with statement logging OFF
#   cluster_dump DB FILE         pg_dump -Fc of DB into FILE (the corpus's baseline.dump)
#   cluster_logging_on           restart with csvlog, log_statement='all',
#                                log_min_duration_statement=0, connection logging, UTC
#   cluster_stop                 fast shutdown
#   cluster_install_traffic DIR  DIR/*.csv* replaced by the csvlog the server wrote, gzipped
#
# After cluster_init: $cluster_tmp (removed on exit unless RECORD_KEEP_TMP=1, stops the
# server on every exit path), $cluster_port, $cluster_sock, $pg_bin, $psql, and
# PGHOST/PGPORT/PGUSER exported for the Unix socket (the setup connects there; a workload
# that should look like an application sets PGHOST=127.0.0.1 itself). As root the server runs
# as user postgres (or nobody) through `as_server`; $cluster_server_user names it.
#
# Environment: PGSHADOW_PG_BIN (default /usr/lib/postgresql/15/bin), RECORD_KEEP_TMP=1 (keep
# the temp dir: data directory, the clients' output).

: "${prog:=record}"
die() {
    echo "$prog: $*" >&2
    exit 1
}

pg_bin=${PGSHADOW_PG_BIN:-/usr/lib/postgresql/15/bin}
for tool in initdb pg_ctl postgres pg_dump; do
    [[ -x $pg_bin/$tool ]] || die "$pg_bin/$tool not found (set PGSHADOW_PG_BIN to the PostgreSQL server bin directory)"
done
psql=$pg_bin/psql
[[ -x $psql ]] || psql=$(command -v psql) || die "psql not found in $pg_bin or PATH"

cluster_server_user=
if [[ $(id -u) -eq 0 ]]; then
    for candidate in postgres nobody; do
        if id -u "$candidate" >/dev/null 2>&1; then
            cluster_server_user=$candidate
            break
        fi
    done
    [[ -n $cluster_server_user ]] || die "running as root, but neither user postgres nor nobody exists to run the server"
fi

# as_server CMD ARGS...: run a server-side command, as $cluster_server_user when we are root.
as_server() {
    if [[ -z $cluster_server_user ]]; then
        "$@"
    else
        runuser -u "$cluster_server_user" -- "$@"
    fi
}

cluster_started=0
cluster_cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ $cluster_started -eq 1 && -f $cluster_tmp/data/postmaster.pid ]]; then
        as_server "$pg_bin/pg_ctl" -D "$cluster_tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [[ -n ${cluster_tmp:-} && -d $cluster_tmp ]]; then
        if [[ ${RECORD_KEEP_TMP:-0} == 1 ]]; then
            echo "$prog: kept $cluster_tmp" >&2
        else
            rm -rf -- "$cluster_tmp"
        fi
    fi
    exit "$rc"
}

cluster_start() {
    cluster_started=1
    as_server "$pg_bin/pg_ctl" -D "$cluster_tmp/data" -l "$cluster_tmp/pg_ctl.log" -w -t 120 start >/dev/null || {
        cat "$cluster_tmp/pg_ctl.log" >&2 || true
        die "could not start the server (see above)"
    }
}

cluster_stop() {
    as_server "$pg_bin/pg_ctl" -D "$cluster_tmp/data" -m fast -w -t 120 stop >/dev/null ||
        die "could not stop the server"
    cluster_started=0
}

cluster_init() {
    cluster_tmp=$(mktemp -d "${TMPDIR:-/tmp}/pgshadow-corpus.XXXXXX")
    trap cluster_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    cluster_sock=$cluster_tmp/sock
    mkdir -p "$cluster_sock" "$cluster_tmp/log-setup" "$cluster_tmp/log"
    [[ -z $cluster_server_user ]] || chown -R "$cluster_server_user" "$cluster_tmp"
    chmod 711 "$cluster_tmp"

    local candidate
    cluster_port=
    for _ in $(seq 1 100); do
        candidate=$((20000 + RANDOM % 30000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
            cluster_port=$candidate
            break
        fi
    done
    [[ -n $cluster_port ]] || die "no free port found on 127.0.0.1"

    echo "$prog: $("$pg_bin/postgres" --version), data in $cluster_tmp/data, port $cluster_port"
    as_server "$pg_bin/initdb" -D "$cluster_tmp/data" -U postgres -A trust -E UTF8 --locale=C \
        --no-sync >"$cluster_tmp/initdb.log" 2>&1 || {
        cat "$cluster_tmp/initdb.log" >&2
        die "initdb failed"
    }
    # The same settings as scenarios/record; statement logging stays off until
    # cluster_logging_on, so the baseline's making is not in the traffic.
    as_server tee -a "$cluster_tmp/data/postgresql.conf" >/dev/null <<CONF

# --- tests/corpus/lib/cluster.sh ---
listen_addresses = '127.0.0.1'
port = $cluster_port
unix_socket_directories = '$cluster_sock'
max_connections = 60
fsync = off
synchronous_commit = off
full_page_writes = off
timezone = 'UTC'
log_timezone = 'UTC'
logging_collector = on
log_destination = 'csvlog'
log_rotation_age = 0
log_rotation_size = 0
log_file_mode = 0644
log_directory = '$cluster_tmp/log-setup'
log_filename = 'setup.log'
log_statement = 'none'
log_min_duration_statement = -1
log_connections = off
log_disconnections = off
CONF
    cluster_start
    export PGHOST=$cluster_sock PGPORT=$cluster_port PGUSER=postgres
    unset PGDATABASE PGSERVICE PGSERVICEFILE PGOPTIONS PGPASSWORD PGPASSFILE PGAPPNAME PGCONNECT_TIMEOUT PGTZ PGDATESTYLE
}

cluster_dump() {
    "$pg_bin/pg_dump" -Fc -Z 9 -d "$1" -f "$2" || die "pg_dump of $1 failed"
    echo "$prog: wrote ${2#"$PWD"/} ($(wc -c <"$2") bytes)"
}

cluster_logging_on() {
    cluster_stop
    as_server tee -a "$cluster_tmp/data/postgresql.conf" >/dev/null <<CONF

# --- tests/corpus/lib/cluster.sh: traffic logging (later lines override earlier ones) ---
log_directory = '$cluster_tmp/log'
log_filename = 'postgresql.log'
log_statement = 'all'
log_min_duration_statement = 0
log_connections = on
log_disconnections = on
CONF
    cluster_start
}

cluster_install_traffic() {
    local dir=$1 f
    shopt -s nullglob
    local logs=("$cluster_tmp"/log/*.csv)
    [[ ${#logs[@]} -gt 0 ]] || die "the server wrote no csvlog file in $cluster_tmp/log"
    mkdir -p "$dir" || die "cannot create $dir"
    rm -f -- "$dir"/*.csv "$dir"/*.csv.gz
    for f in "${logs[@]}"; do
        gzip -9 -n -c "$f" >"$dir/$(basename "$f").gz"
        printf '%s: wrote %s (%s lines, %s bytes, %s gzipped)\n' "$prog" "$dir/$(basename "$f").gz" \
            "$(wc -l <"$f")" "$(wc -c <"$f")" "$(wc -c <"$dir/$(basename "$f").gz")"
    done
}
