#!/usr/bin/env bash
# Several processes on this machine: Redis, N Facilitator processes and nginx in front,
# in the foreground (Ctrl-C stops them all). Installs Debian's redis-server and nginx
# when missing, the way test.sh installs chromium; never downloads anything of its own.
# Usage: bash scripts/cluster.sh [--processes 4] [--host 0.0.0.0] [--port 5000]
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v redis-server >/dev/null || ! PATH="$PATH:/usr/sbin" command -v nginx >/dev/null; then
  as_root apt-get update -qq
  # policy-rc.d or not: the system services are not needed, this starts its own.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server nginx
fi
bash scripts/setup.sh
exec .venv/bin/python run.py cluster "$@"
