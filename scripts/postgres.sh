#!/usr/bin/env bash
# A PostgreSQL server for development and tests: 127.0.0.1 only, run as a non-root user, its data
# under the project (.pgdata). Debian's postgresql packages, installed when missing (CI is root).
#
#   scripts/postgres.sh start   start the server, or reuse the one already running on PG_PORT
#   scripts/postgres.sh url     create a fresh empty database and print its URL
#   scripts/postgres.sh drop URL  drop a database that `url` created
#   scripts/postgres.sh stop    stop the server started from this project
#
# Messages go to stderr: $(scripts/postgres.sh url) is the URL alone.
# Settings (environment): PG_PORT (54329), PG_USER (the server's account when run as root:
# khorasan-pg), PGDATA_DIR (.pgdata in the project). Connections from 127.0.0.1 are trusted (a
# loopback test server, never one for real data: fsync is off to keep tests quick).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT="${PG_PORT:-54329}"
DB_USER=khorasan
DATA="${PGDATA_DIR:-$ROOT/.pgdata}"
RUN_AS="${PG_USER:-khorasan-pg}"

die() { echo "postgres: $*" >&2; exit 1; }

find_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
    done
    return 1
}

pg_bin() {
    local bin
    if bin="$(find_bin)"; then echo "$bin"; return; fi
    [ "$(id -u)" = 0 ] || die "PostgreSQL is not installed: run 'apt-get install -y postgresql' as root"
    echo "postgres: installing Debian's postgresql packages" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2
    find_bin || die "apt-get installed postgresql but no initdb/pg_ctl in /usr/lib/postgresql/*/bin"
}

# Run a server command as the server's account: root hands over to a system user (PostgreSQL
# refuses to run as root), anyone else runs it as themselves.
as_owner() {
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u "$RUN_AS" -- "$@"); else "$@"; fi
}

ensure_user() {
    [ "$(id -u)" = 0 ] || return 0
    id -u "$RUN_AS" >/dev/null 2>&1 && return 0
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$RUN_AS"
}

# The data folder must be reachable by the server's account. A checkout under a private folder
# (/root, mode 700) is not: the data then lives in /var/tmp and .pgdata is a link to it.
ensure_data_dir() {
    if [ -L "$DATA" ] && [ ! -d "$DATA" ]; then rm -f "$DATA"; fi
    if [ ! -e "$DATA" ]; then
        mkdir -p "$DATA"
        if [ "$(id -u)" = 0 ]; then
            chown "$RUN_AS:" "$DATA"
            if ! as_owner test -w "$DATA"; then
                rmdir "$DATA"
                local elsewhere
                elsewhere="$(mktemp -d /var/tmp/khorasan-pgdata.XXXXXX)"
                chown "$RUN_AS:" "$elsewhere"
                ln -s "$elsewhere" "$DATA"
            fi
        fi
        chmod 700 "$DATA"
    fi
    DATA="$(readlink -f "$DATA")"  # the server's account may not reach the link
}

running() { as_owner "$1/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

answers() { "$1/pg_isready" -q -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1; }

start() {
    local bin
    bin="$(pg_bin)"
    if [ -f "$DATA/PG_VERSION" ] && running "$bin"; then
        answers "$bin" || die "the server of $DATA is not on port $PORT: make postgres-stop first"
        echo "postgres: reusing the server on 127.0.0.1:$PORT (data in $DATA)" >&2
        return
    fi
    if answers "$bin"; then
        "$bin/psql" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres -Atqc 'SELECT 1' >/dev/null \
            2>&1 || die "port $PORT answers but not as user $DB_USER: set PG_PORT to a free port"
        echo "postgres: reusing the server already on 127.0.0.1:$PORT" >&2
        return
    fi
    ensure_user
    ensure_data_dir
    if [ ! -f "$DATA/PG_VERSION" ]; then
        as_owner "$bin/initdb" -D "$DATA" -U "$DB_USER" --auth=trust -E UTF8 --locale=C.UTF-8 \
            >/dev/null
        cat >>"$DATA/postgresql.conf" <<EOF

# khorasan: a loopback server for development and tests (scripts/postgres.sh)
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
    fi
    # The port may differ from the one at initdb (PG_PORT changed): the command line wins.
    as_owner "$bin/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 -o "-p $PORT" start \
        >/dev/null || { tail -n 20 "$DATA/server.log" >&2; die "the server did not start"; }
    echo "postgres: started on 127.0.0.1:$PORT (data in $DATA)" >&2
}

url() {
    local bin name
    bin="$(pg_bin)"
    answers "$bin" || die "no server on 127.0.0.1:$PORT: run 'make postgres' first"
    name="khorasan_$(date +%Y%m%d%H%M%S)_$$_$RANDOM"
    "$bin/psql" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres -Atqc "CREATE DATABASE $name" \
        >/dev/null
    echo "postgresql://$DB_USER@127.0.0.1:$PORT/$name"
}

drop() {
    local bin name="${1##*/}"
    bin="$(pg_bin)"
    case "$name" in
        khorasan_[0-9]*) ;;
        *) die "drop: only databases that 'url' created (khorasan_...), not '$name'" ;;
    esac
    "$bin/psql" -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres -Atqc \
        "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null
}

stop() {
    local bin
    bin="$(find_bin)" || { echo "postgres: not installed"; return; }
    if [ -f "$DATA/PG_VERSION" ] && running "$bin"; then
        as_owner "$bin/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
        echo "postgres: stopped"
    else
        echo "postgres: not running (data in $DATA)"
    fi
}

if [ -L "$DATA" ] && [ -d "$DATA" ]; then DATA="$(readlink -f "$DATA")"; fi

case "${1:-}" in
    start) start ;;
    url) url ;;
    drop) drop "${2:-}" ;;
    stop) stop ;;
    *) die "usage: $0 start|url|drop URL|stop" ;;
esac
