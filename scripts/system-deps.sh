#!/usr/bin/env bash
# Installs the Debian packages the map needs, if any are missing.
# Runs apt-get as root, or through sudo; otherwise says what to install.
set -euo pipefail

PG_VERSION=15
packages=()
need() { packages+=("$1"); }

[ -x /usr/lib/postgresql/$PG_VERSION/bin/initdb ] || need postgresql-$PG_VERSION
[ -f /usr/share/postgresql/$PG_VERSION/extension/postgis.control ] || need postgresql-$PG_VERSION-postgis-3
command -v ogr2ogr >/dev/null || need gdal-bin
ldconfig -p | grep -q 'libgeos_c\.so' || need libgeos-c1v5
ldconfig -p | grep -q 'libproj\.so' || need proj-bin
command -v npm >/dev/null || need npm
# The map's pictures (/api/map.png): cairo for CairoSVG, and a font with Cyrillic.
ldconfig -p | grep -q 'libcairo\.so\.2' || need libcairo2
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need fonts-dejavu-core
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need nginx
# GNU gettext's msgfmt: `make messages` compiles the translations (.po -> .mo).
command -v msgfmt >/dev/null || need gettext
if [ "${WITH_BROWSER:-0}" = 1 ]; then
  command -v chromium >/dev/null || need chromium
  command -v wrk >/dev/null || need wrk
fi
# The virtualenv's interpreter: Debian's python3.11 unless PYTHON names another.
PYTHON=${PYTHON:-/usr/bin/python3.11}
if [ "$PYTHON" = /usr/bin/python3.11 ]; then
  [ -x /usr/bin/python3.11 ] || need python3.11
  [ -x /usr/bin/python3.11 ] && /usr/bin/python3.11 -c 'import venv, ensurepip' 2>/dev/null \
    || need python3.11-venv
else
  "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || need python3-venv
fi

if [ ${#packages[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing Debian packages: ${packages[*]}"
if [ "$(id -u)" = 0 ]; then
  apt=(apt-get)
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  apt=(sudo apt-get)
else
  echo "error: missing Debian packages: ${packages[*]}" >&2
  echo "Install them as root (apt-get install ${packages[*]}) or run make as a user with sudo." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${apt[@]}" install -y --no-install-recommends "${packages[@]}"; then
  "${apt[@]}" update || {
    echo "error: apt-get update failed; is the Debian package registry reachable?" >&2
    exit 1
  }
  "${apt[@]}" install -y --no-install-recommends "${packages[@]}" || {
    echo "error: could not install ${packages[*]} from Debian's registry." >&2
    exit 1
  }
fi
