"""The README's start command with the flags the README documents, from a fresh clone
(issue 11: setup.sh once took start.sh's flags as pip extras and the start failed)."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import requests
from support.server import ROOT, free_port


def test_start_sh_serves_with_host_and_port_from_a_fresh_clone(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    # The clone shares this checkout's virtual environment, marked as installed, so that
    # the test exercises the scripts, not a second download of every package.
    (clone / ".venv").symlink_to(ROOT / ".venv")
    stamp = ROOT / ".venv" / ".installed"
    made_stamp = not stamp.exists()
    stamp.touch()
    os.utime(clone / "pyproject.toml", (time.time() - 3600, time.time() - 3600))
    port = free_port()
    log = (tmp_path / "start.log").open("wb")
    proc = subprocess.Popen(
        ["bash", "scripts/start.sh", "--host", "0.0.0.0", "--port", str(port),
         "--data", str(tmp_path / "data")],
        cwd=clone, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                status = requests.get(f"http://127.0.0.1:{port}/join", timeout=2).status_code
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        output = (tmp_path / "start.log").read_text()
        assert status == 200, output
        assert f"serving on http://0.0.0.0:{port}" in output
        assert "Eventlet is deprecated" not in output  # kept off the person's console
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        if made_stamp:
            stamp.unlink()
