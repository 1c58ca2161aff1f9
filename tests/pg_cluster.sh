#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and CI: `start DIR [PORT]` creates a cluster in DIR
# (initdb, trust authentication, user and database `podkb`), listening on 127.0.0.1:PORT and a
# Unix socket in DIR, and prints its URL; `stop DIR` stops it. The server refuses to run as root,
# so as root the cluster belongs to the `postgres` user (the distribution package creates it).
set -euo pipefail

bindir() {
    local dir
    if command -v pg_ctl >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v pg_ctl)")"; return; fi
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    [ -n "$dir" ] || { echo "pg_cluster: no PostgreSQL server found (apt-get install postgresql)" >&2; exit 1; }
    echo "$dir"
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:?usage: pg_cluster.sh start|stop DIR [PORT]}
dir=${2:?usage: pg_cluster.sh start|stop DIR [PORT]}
bin=$(bindir)
case "$cmd" in
start)
    port=${3:-55432}
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$dir" -A trust -U podkb -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 \
            || { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    # fsync off: a throwaway test cluster trades durability for speed.
    as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1 || as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -o \
        "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60" start >/dev/null \
        || { tail -5 "$dir/server.log" >&2; exit 1; }
    if ! as_owner "$bin/psql" -h 127.0.0.1 -p "$port" -U podkb -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname='podkb'" | grep -q 1; then
        as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U podkb podkb
    fi
    echo "postgresql://podkb@127.0.0.1:$port/podkb"
    ;;
stop)
    # immediate: a throwaway cluster needs no shutdown checkpoint (a fast stop wrote every test
    # database's pages back, half a minute under load, and the folder is removed next anyway).
    as_owner "$bin/pg_ctl" -D "$dir" -m immediate -w stop >/dev/null
    ;;
*)
    echo "usage: pg_cluster.sh start|stop DIR [PORT]" >&2
    exit 2
    ;;
esac
