#!/usr/bin/env bash
# Make the README's screenshots (docs/screenshots/*.png). The tests that take them only
# write files when FACILITATOR_SCREENSHOTS=1, so an ordinary test run leaves the tracked
# images alone. Extra arguments go to pytest (e.g. -k report).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
export FACILITATOR_SCREENSHOTS=1
# Every module that calls screenshot(); found, not listed, so a new one is included.
mapfile -t modules < <(grep -l "screenshot(page" tests/test_*.py)
exec "$PYTHON" -m pytest -q -p no:cacheprovider "${modules[@]}" "$@"
