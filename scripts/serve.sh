#!/usr/bin/env bash
# `make run`: gunicorn on a Unix socket under var/run, nginx in front on HOST:PORT.
# Ctrl-C stops both; so does either one exiting. nginx's conf, logs and cache: var/nginx.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR=${MAPSITE_VAR_DIR:-$ROOT/var}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
GUNICORN=${GUNICORN:-$ROOT/.venv/bin/gunicorn}

case "$HOST" in
  *:*) listen="[${HOST#[}" && listen="${listen%]}]:$PORT" ;;  # IPv6
  *) listen="$HOST:$PORT" ;;
esac
export FRONT_LISTEN=$listen
export FRONT_SOCKET=$VAR/run/gunicorn.sock
bash "$ROOT/scripts/nginx.sh" conf "$VAR/nginx"  # fails here, before gunicorn starts

cd "$ROOT"
"$GUNICORN" mapsite.wsgi:application --config python:mapsite.gunicorn_conf \
  --bind "unix:$FRONT_SOCKET" --workers "${WORKERS:-2}" \
  --no-control-socket --access-logfile - --error-logfile - &
app=$!
bash "$ROOT/scripts/nginx.sh" run "$VAR/nginx" &
front=$!
echo "nginx on http://$listen/ (logs in $VAR/nginx/logs), gunicorn on $FRONT_SOCKET"

stop() {
  trap - INT TERM EXIT
  kill -TERM "$front" "$app" 2>/dev/null || true
  wait "$front" "$app" 2>/dev/null || true
}
trap stop INT TERM EXIT
wait -n "$app" "$front"
