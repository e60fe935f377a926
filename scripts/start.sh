#!/usr/bin/env bash
# Set up (first run) and start Facilitator: bash scripts/start.sh [--host 0.0.0.0] [--port 5000]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python run.py "$@"
