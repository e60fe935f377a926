#!/usr/bin/env bash
# Renews the lock files from pyproject.toml: every package, the transitive ones and the
# build backend included, at the newest versions the pins allow, with their hashes.
# scripts/setup.sh installs exactly these (pip install --require-hashes).
# Usage: bash scripts/lock.sh [--upgrade-package NAME ...]   (pip-compile's own options)
# Then: run the tests (bash scripts/test.sh), and commit both lock files with pyproject.toml.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tools="${TMPDIR:-/tmp}/facilitator-lock-tools"
if [ ! -x "$tools/bin/pip-compile" ]; then
  python3 -m venv "$tools"
  "$tools/bin/python" -m pip install -q pip-tools
fi
common=(--generate-hashes --all-build-deps --strip-extras --allow-unsafe
        --no-emit-index-url --no-emit-find-links --no-header)

lock() {  # lock FILE WHAT PIP-COMPILE-ARGS...
  local file=$1 what=$2
  shift 2
  "$tools/bin/pip-compile" -q "${common[@]}" "$@" -o "$file.new" pyproject.toml
  {
    printf '# Every package of %s, the transitive ones\n' "$what"
    printf '# and the build backend included, pinned with their hashes; installed with\n'
    printf '# pip install --require-hashes. Made by scripts/lock.sh (README.md, "Updating the locks").\n'
    cat "$file.new"
  } > "$file"
  rm "$file.new"
}

lock requirements-test.lock "what the tests run with: the server's packages plus the test extra (scripts/test.sh)" --extra test "$@"
# The server's lock is constrained by the test lock: it runs exactly what was tested.
lock requirements.lock "what the server runs (scripts/setup.sh, scripts/start.sh)" -c requirements-test.lock
