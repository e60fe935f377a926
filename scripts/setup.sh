#!/usr/bin/env bash
# Creates .venv with the project installed. Run (not sourced) by start.sh and test.sh,
# so that the caller's own arguments (--host, --port) never reach it.
# Usage: bash scripts/setup.sh [extras]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
extras="${1:-}"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

PY="${PYTHON:-python3}"
if ! "$PY" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "Python 3.11 or newer is needed (set PYTHON=...)." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  if ! "$PY" -m venv .venv 2>/dev/null; then
    # Debian ships venv separately.
    rm -rf .venv
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    "$PY" -m venv .venv
  fi
fi
stamp=".venv/.installed${extras:+-$extras}"
# Exactly what was tested: every package, the transitive ones and the build backend
# included, at the versions and hashes of a lock file (README: "Updating the locks").
lock="requirements.lock"
[ "$extras" = test ] && lock="requirements-test.lock"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ "$lock" -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --require-hashes --no-deps -r "$lock"
  # The project itself, from this checkout, without resolving anything more.
  .venv/bin/python -m pip install -q --no-deps --no-build-isolation -e .
  .venv/bin/python -m pip check
  touch "$stamp"
fi
# The package's bytecode, written now: a server start (and its restart after a crash)
# then loads it instead of compiling every module from source, which it does each time
# where PYTHONDONTWRITEBYTECODE is set (this project's CI machine: 0.2-0.3 s a start,
# docs/benchmarks.md). Up-to-date files are skipped; a file changed later is compiled
# in memory by Python as ever.
.venv/bin/python -m compileall -q facilitator
