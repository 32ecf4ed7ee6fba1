#!/usr/bin/env bash
# The front's nginx, run privately from a prefix folder (var/nginx for `make run`).
#   scripts/nginx.sh conf PREFIX   write PREFIX/nginx.conf from scripts/nginx.conf.template
#   scripts/nginx.sh run PREFIX    conf, then run nginx in the foreground (Ctrl-C stops it)
# Read from the environment:
#   FRONT_LISTEN       address to listen on (127.0.0.1:8000)
#   FRONT_SOCKET       gunicorn's Unix socket (var/run/gunicorn.sock)
#   FRONT_STATIC_ROOT  collectstatic's folder (var/staticfiles)
#   FRONT_LIMITS       on | off: per-client connection and request-rate limits (on)
#   FRONT_CACHE        on | off: the micro-cache for public GETs (on)
#   ZONE_IMPORT_MAX_BYTES, STATIC_MAX_AGE  as the app reads them
# As root, nginx's workers run as www-data (or nobody), given access to what they need.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
VAR=${MAPSITE_VAR_DIR:-$ROOT/var}
LISTEN=${FRONT_LISTEN:-127.0.0.1:8000}
SOCKET=$(realpath -m "${FRONT_SOCKET:-$VAR/run/gunicorn.sock}")
STATIC_ROOT=$(realpath -m "${FRONT_STATIC_ROOT:-$VAR/staticfiles}")
BODY_MAX=$(( ${ZONE_IMPORT_MAX_BYTES:-5242880} + 1048576 ))
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

worker_user() {
  if id www-data >/dev/null 2>&1; then echo www-data; else echo nobody; fi
}

grant_traverse() {
  # The worker user must reach $1 through every folder above it.
  local user=$1 dir=$2
  while [ "$dir" != / ]; do
    if [ -d "$dir" ] && ! runuser -u "$user" -- test -x "$dir" 2>/dev/null; then
      echo "Letting the $user user traverse $dir (chmod o+x)"
      chmod o+x "$dir"
    fi
    dir=$(dirname "$dir")
  done
}

share_with() {
  # A folder of ours the workers use: theirs by group, nobody else's.
  local user=$1 dir=$2
  chgrp "$(id -gn "$user")" "$dir"
  chmod 750 "$dir"
  grant_traverse "$user" "$(dirname "$dir")"
}

conf() {
  local prefix=$1 user_line="" key='$binary_remote_addr' cache=micro conf
  mkdir -p "$prefix/logs" "$prefix/temp" "$(dirname "$SOCKET")"
  if [ "$(id -u)" = 0 ]; then
    local user
    user=$(worker_user)
    user_line="user $user $(id -gn "$user");"
    share_with "$user" "$prefix"
    share_with "$user" "$(dirname "$SOCKET")"
    grant_traverse "$user" "$STATIC_ROOT"
  fi
  case "${FRONT_LIMITS:-on}" in on) ;; off) key='""' ;; *) echo "FRONT_LIMITS: on or off" >&2; exit 2 ;; esac
  case "${FRONT_CACHE:-on}" in on) ;; off) cache=off ;; *) echo "FRONT_CACHE: on or off" >&2; exit 2 ;; esac
  # Quoted replacements: bash 5.2 would otherwise read & in a path as the match.
  conf=$(<"$ROOT/scripts/nginx.conf.template")
  conf=${conf//@USER@/"$user_line"}
  conf=${conf//@PREFIX@/"$prefix"}
  conf=${conf//@LISTEN@/"$LISTEN"}
  conf=${conf//@SOCKET@/"$SOCKET"}
  conf=${conf//@STATIC_ROOT@/"$STATIC_ROOT"}
  conf=${conf//@STATIC_MAX_AGE@/"${STATIC_MAX_AGE:-3600}"}
  conf=${conf//@BODY_MAX@/"$BODY_MAX"}
  conf=${conf//@LIMIT_KEY@/"$key"}
  conf=${conf//@CACHE@/"$cache"}
  printf '%s\n' "$conf" >"$prefix/nginx.conf"
  "$NGINX" -q -t -p "$prefix/" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log"
}

prefix=$(realpath -m "${2:-$VAR/nginx}")
case "${1:-}" in
  conf) conf "$prefix" ;;
  run)
    conf "$prefix"
    exec "$NGINX" -p "$prefix/" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log"
    ;;
  *) echo "usage: $0 conf|run [PREFIX]" >&2; exit 2 ;;
esac
