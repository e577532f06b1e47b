#!/usr/bin/env bash
# A private S3-compatible server for the test suite: moto's server mode (the `moto[server]` dev
# dependency; objects in memory, the S3 protocol in full), on loopback, stopped afterwards.
#   scripts/s3-test.sh start   -> prints the endpoint URL on stdout
#   scripts/s3-test.sh stop
set -euo pipefail
PORT="${ARTPROOF_S3_PORT:-55434}"
PIDFILE="${TMPDIR:-/tmp}/artproof-s3test-$PORT.pid"
HERE="$(cd "$(dirname "$0")/.." && pwd)"
SERVER="$HERE/.venv/bin/moto_server"

case "${1:-}" in
  start)
    [ -x "$SERVER" ] || { echo "moto_server is not installed (pip install 'moto[server]')" >&2; exit 1; }
    if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
      echo "http://127.0.0.1:$PORT"; exit 0
    fi
    "$SERVER" -H 127.0.0.1 -p "$PORT" >"${PIDFILE%.pid}.log" 2>&1 &
    echo $! >"$PIDFILE"
    for _ in $(seq 1 100); do  # up to 10 s for it to answer
      if "$HERE/.venv/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/moto-api/')" 2>/dev/null; then
        echo "http://127.0.0.1:$PORT"; exit 0
      fi
      sleep 0.1
    done
    echo "moto_server did not start (see ${PIDFILE%.pid}.log)" >&2; exit 1
    ;;
  stop)
    if [ -f "$PIDFILE" ]; then kill "$(cat "$PIDFILE")" 2>/dev/null || true; rm -f "$PIDFILE"; fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
