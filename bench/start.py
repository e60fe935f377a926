"""Start benchmark: how long `python run.py` takes to answer, the restart after a crash.

    .venv/bin/python bench/start.py --starts 7

Starts the server N times on one data folder (the first start makes its database, as a
restart finds it made), each time from the process's start until /healthz answers on
loopback, then kills it. Reports the median and least of that time and of the CPU the
process used by then (user + system, from wait4 after the kill). Bounded: each start
gives up after --timeout seconds.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from swarm import ROOT, free_port  # noqa: E402


def start_once(data: str, timeout: float) -> tuple[float, float]:
    """Seconds until /healthz answered, and the CPU seconds the process used by then."""
    port = free_port()
    began = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "--host", "127.0.0.1", "--port", str(port),
         "--data", data], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() - began > timeout:
                    raise RuntimeError("the server did not answer") from None
                time.sleep(0.005)
        wall = time.monotonic() - began
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        _, _, usage = os.wait4(proc.pid, 0)
    return wall, usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=7)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as data:
        start_once(data, args.timeout)  # makes the database: what follows are restarts
        runs = [start_once(data, args.timeout) for _ in range(args.starts)]
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    print(f"{args.starts} restarts: until /healthz answers median {statistics.median(walls):.2f} s"
          f" (least {min(walls):.2f}), CPU by then median {statistics.median(cpus):.2f} s"
          f" (least {min(cpus):.2f})")


if __name__ == "__main__":
    main()
