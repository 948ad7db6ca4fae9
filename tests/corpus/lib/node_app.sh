# tests/corpus/lib/node_app.sh — install a corpus's Node application at record time.
#
# Sourced by a corpus's `record` after lib/cluster.sh (it uses `die`).
#   node_app_install SRC DEST   copies SRC (package.json, *.js, run) to DEST and runs
#                               `npm install` there: the client libraries come from the npm
#                               registry by name and version (package.json), into DEST only;
#                               nothing of them is committed. Node and npm come from Debian
#                               (apt-get install nodejs npm) when missing.

node_app_install() {
    local src=$1 dest=$2
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null ||
            die "apt-get install nodejs npm failed"
    fi
    mkdir -p "$dest"
    cp -r "$src"/. "$dest"/
    rm -rf "$dest/node_modules"
    (cd "$dest" && npm install --no-audit --no-fund --loglevel=error >"$dest/npm-install.log" 2>&1) || {
        cat "$dest/npm-install.log" >&2
        die "npm install in $dest failed"
    }
    echo "$prog: node $(node --version), $(cd "$dest" && node -e '
        const p = require("./package.json");
        console.log(Object.keys(p.dependencies).map((d) => d + "@" + require(d + "/package.json").version).join(", "))')"
}

# node_corpus_record HERE OUT DB: the whole recording of a Node corpus whose workload/ holds
# package.json, setup.js (makes the baseline), app.js and run (the concurrent clients):
# private cluster, application installed, setup.js into database DB with logging off,
# OUT/baseline.dump, logging on, workload/run over TCP, OUT/traffic/postgresql.csv.gz.
node_corpus_record() {
    local here=$1 out=$2 db=$3
    cluster_init
    local app=$cluster_tmp/app
    node_app_install "$here/workload" "$app"
    "$psql" -X -q -d postgres -c "CREATE DATABASE $db" || die "could not create database $db"
    export PGHOST=127.0.0.1 PGDATABASE=$db
    (cd "$app" && node setup.js) || die "setup.js failed"
    "$psql" -X -q -c 'VACUUM ANALYZE' || die "VACUUM ANALYZE failed"
    cluster_dump "$db" "$out/baseline.dump"
    cluster_logging_on
    (cd "$app" && ./run) || die "workload/run failed"
    cluster_stop
    cluster_install_traffic "$out/traffic"
}
