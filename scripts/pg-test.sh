#!/usr/bin/env bash
# A private PostgreSQL for the test suite: its own data directory and port, started as
# the `postgres` system user (PostgreSQL refuses to run as root), stopped afterwards.
#   scripts/pg-test.sh start   -> prints the SQLAlchemy URL on stdout
#   scripts/pg-test.sh stop
set -euo pipefail
PORT="${ARTPROOF_PG_PORT:-55432}"
DATA="${ARTPROOF_PG_DATA:-/tmp/artproof-pgtest-$PORT}"

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "installing PostgreSQL (Debian package postgresql)" >&2
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
      dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    else
      echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
      return 1
    fi
  fi
  echo "$dir"
}

as_pg() {  # run a command as the postgres user when we are root
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

case "${1:-}" in
  start)
    BIN=$(pg_bin)
    if [ ! -f "$DATA/PG_VERSION" ]; then
      rm -rf "$DATA"; mkdir -p "$DATA"
      [ "$(id -u)" = 0 ] && chown postgres "$DATA"
      as_pg "'$BIN/initdb' -D '$DATA' -A trust -U postgres --no-sync" >/dev/null
    fi
    if ! as_pg "'$BIN/pg_ctl' -D '$DATA' status" >/dev/null 2>&1; then
      as_pg "'$BIN/pg_ctl' -D '$DATA' -l '$DATA/log' -w -o \"-p $PORT -k '$DATA' -c listen_addresses=127.0.0.1 -c fsync=off\" start" >/dev/null
    fi
    echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
    ;;
  stop)
    BIN=$(pg_bin) || exit 0
    as_pg "'$BIN/pg_ctl' -D '$DATA' -m fast stop" >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
