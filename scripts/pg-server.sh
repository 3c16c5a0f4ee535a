#!/usr/bin/env bash
# A throwaway PostgreSQL server for the SQL tests: `start` initialises a cluster in a temporary
# directory (ICU en-US as the default collation, so that code-point order is tested against a
# non-C default), starts it on a Unix socket only, and prints the SEGMATCH_PG_URL to use;
# `stop DIR` stops it and removes the directory. Needs Debian's postgresql package.
set -euo pipefail
cmd="${1:-}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$bin" ]; then echo "pg-server: no PostgreSQL binaries under /usr/lib/postgresql" >&2; exit 1; fi
as_owner() {
  # From /, which the postgres user can enter (the caller's directory may be private to root).
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}
case "$cmd" in
  start)
    dir="$(mktemp -d /tmp/segmatch-pg.XXXXXX)"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    port=54329
    if ! as_owner "$bin/initdb" -D "$dir/data" -A trust -U segmatch -E UTF8 --locale-provider=icu --icu-locale=en-US --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
      # An older server without ICU initdb options: a plain UTF-8 cluster.
      as_owner "$bin/initdb" -D "$dir/data" -A trust -U segmatch -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    fi
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-p $port -k $dir -c listen_addresses=''" start >/dev/null
    echo "$dir postgresql:///postgres?host=$dir&port=$port&user=segmatch"
    ;;
  stop)
    dir="${2:?pg-server: stop needs the directory start printed}"
    as_owner "$bin/pg_ctl" -D "$dir/data" -w -m fast stop >/dev/null || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg-server.sh start | stop DIR" >&2
    exit 2
    ;;
esac
