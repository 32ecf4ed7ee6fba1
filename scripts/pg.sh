#!/usr/bin/env bash
# The private PostgreSQL + PostGIS cluster under var/pg, on a Unix socket only.
#   scripts/pg.sh start   initialise if needed, start if stopped, create the databases
#   scripts/pg.sh stop
# Skipped entirely when DATABASE_URL is set.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR=${MAPSITE_VAR_DIR:-$ROOT/var}
PGBIN=/usr/lib/postgresql/15/bin
DATA=$VAR/pg/data
RUN=$VAR/pg/run
PORT=${MAPSITE_DB_PORT:-54329}
DB=${MAPSITE_DB_NAME:-mapsite}

if [ -n "${DATABASE_URL:-}" ]; then
  echo "DATABASE_URL is set: using that database, not the private cluster."
  exit 0
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

grant_traverse() {
  # postgres must be able to reach var/pg through every folder above it.
  local dir=$VAR
  while [ "$dir" != / ]; do
    if ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
      echo "Letting the postgres user traverse $dir (chmod o+x)"
      chmod o+x "$dir"
    fi
    dir=$(dirname "$dir")
  done
}

start() {
  mkdir -p "$VAR/pg"
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || {
      echo "error: running as root needs the 'postgres' system user (from the postgresql package)." >&2
      exit 1
    }
    chown postgres: "$VAR/pg"
    grant_traverse
  fi
  if [ ! -f "$DATA/PG_VERSION" ]; then
    echo "Creating the private PostgreSQL cluster in $DATA"
    as_owner "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$VAR/pg/initdb.log"
    as_owner mkdir -p "$RUN"
    cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = ''
port = $PORT
unix_socket_directories = '$RUN'
unix_socket_permissions = 0700
max_connections = 100
shared_buffers = 256MB
CONF
  fi
  # Only the cluster's owner (and root) may connect: the socket trusts who reaches it.
  as_owner chmod 700 "$RUN"
  if ! as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$VAR/pg/server.log" -w -t 60 start >/dev/null || {
      echo "error: PostgreSQL did not start; see $VAR/pg/server.log" >&2
      tail -20 "$VAR/pg/server.log" >&2
      exit 1
    }
  fi
  export PGOPTIONS="-c client_min_messages=warning"
  psql=("$PGBIN/psql" -h "$RUN" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qAt)
  if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE $DB"
  fi
  "${psql[@]}" -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS postgis"
  "${psql[@]}" -d template1 -c "CREATE EXTENSION IF NOT EXISTS postgis"
}

stop() {
  if [ -f "$DATA/PG_VERSION" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast stop || true
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
