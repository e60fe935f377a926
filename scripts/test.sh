#!/usr/bin/env bash
# Set up (first run) and run the whole test suite, browser tests included.
# Installs Debian's chromium, and redis-server and nginx for the test of several processes
# (tests/test_cluster.py), when missing; never downloads a browser or server of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ! -x /usr/bin/chromium ]; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core
fi
if ! command -v redis-server >/dev/null || ! PATH="$PATH:/usr/sbin" command -v nginx >/dev/null; then
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server nginx
fi
bash scripts/setup.sh test
.venv/bin/ruff check facilitator tests bench run.py
# The JavaScript linter (Biome, pinned in package.json): no build step, only a check.
if [ ! -x node_modules/.bin/biome ]; then
  if ! command -v npm >/dev/null; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
  fi
  npm ci --no-audit --no-fund
fi
node_modules/.bin/biome lint facilitator/static/js
exec .venv/bin/python -m pytest -q "$@"
