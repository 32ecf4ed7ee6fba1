#!/usr/bin/env bash
# The virtualenv (.venv) on $PYTHON, with requirements.txt installed; safe to re-run.
# A virtualenv made on another interpreter is made again: the pins are installed for this one.
set -euo pipefail

PYTHON=${PYTHON:?the interpreter to build the virtualenv on}
VENV=${VENV:-.venv}
PY=$VENV/bin/python
STAMP=$VENV/.installed

command -v "$PYTHON" >/dev/null || {
  echo "error: $PYTHON is not there; install python3.11 and python3.11-venv (make system-deps)" >&2
  exit 1
}
wanted=$(readlink -f "$(command -v "$PYTHON")")
if [ -x "$PY" ]; then
  made_on=$(readlink -f "$("$PY" -c 'import sys; print(sys._base_executable)')" || true)
  if [ "$made_on" != "$wanted" ]; then
    echo "The virtualenv was made on ${made_on:-an interpreter that is gone}: making it again on $wanted"
    rm -rf "$VENV"
  fi
fi
if [ ! -x "$PY" ]; then
  "$PYTHON" -m venv "$VENV" || {
    echo "error: could not create a virtualenv with $PYTHON; install python3.11-venv" >&2
    exit 1
  }
fi
if [ ! -f "$STAMP" ] || [ requirements.txt -nt "$STAMP" ]; then
  "$PY" -m pip install --quiet --disable-pip-version-check -r requirements.txt || {
    echo "error: pip could not install requirements.txt; is PyPI reachable?" >&2
    exit 1
  }
  touch "$STAMP"
fi
