"""Several processes on one machine, started together: Redis, N servers and nginx.

`python run.py cluster --processes 4` (or `bash scripts/cluster.sh`) runs what
docs/deploy.md describes for systemd, in the foreground and under one data folder: a
Redis for the message queue, N `run.py` processes on ports after the proxy's, and nginx
in front, routing every socket of a workshop to one process by the workshop's code
(`hash ... consistent`). The tests use the same class on free loopback ports.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NGINX_TEMPLATE = Path(__file__).resolve().parent / "deploy" / "nginx.conf"


def nginx_config(listen: str, backends: list[str], run_dir: Path) -> str:
    """The proxy's configuration for these backends (host:port), with its files in run_dir.
    docs/deploy.md shows the same `upstream` and `location` for a system nginx."""
    servers = "\n".join(f"    server {b} max_fails=1 fail_timeout=10s;" for b in backends)
    return (NGINX_TEMPLATE.read_text()
            .replace("@LISTEN@", listen)
            .replace("@SERVERS@", servers)
            .replace("@RUN@", str(run_dir))
            # As root nginx's workers would run as nobody, who cannot enter run_dir.
            .replace("@USER@", "user root;" if os.geteuid() == 0 else ""))


def wait_until(ready: Any, what: str, proc: subprocess.Popen[bytes] | None, log: Path,
               timeout: float = 30.0) -> None:
    """Poll `ready()` until true, or fail saying what did not start (and its log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited:\n{_tail(log)}")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


def _port_open(host: str, port: int) -> bool:
    with socket.create_connection((host, port), timeout=1):
        return True


def _healthy(url: str) -> bool:
    with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
        return response.status == 200


def missing_programs() -> list[str]:
    """The Debian programs this needs that are not installed (scripts/cluster.sh installs
    them: apt-get install redis-server nginx)."""
    return [p for p in ("redis-server", "nginx") if shutil.which(p, path=_sbin_path()) is None]


def _sbin_path() -> str:
    return os.environ.get("PATH", "") + ":/usr/sbin:/sbin"


class Cluster:
    """Redis, `processes` servers and nginx, as subprocesses; stop() ends them all."""

    def __init__(self, data_dir: str | Path, port: int, ports: list[int], redis_port: int,
                 host: str = "127.0.0.1", env: dict[str, str] | None = None):
        self.data_dir = Path(data_dir).resolve()
        self.run_dir = self.data_dir / "cluster"
        self.host = host
        self.port = port
        self.ports = ports
        self.redis_port = redis_port
        self.queue = f"redis://127.0.0.1:{redis_port}/0"
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        self.url = f"http://{shown}:{port}"
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1",
                    "FACILITATOR_MESSAGE_QUEUE": self.queue,
                    # Behind the proxy: its address is the client's, its port the links'.
                    "FACILITATOR_TRUST_PROXY": "1", **(env or {})}
        self.env.setdefault("FACILITATOR_PUBLIC_URL", self.url)
        self.redis: subprocess.Popen[bytes] | None = None
        self.nginx: subprocess.Popen[bytes] | None = None
        self.servers: dict[int, subprocess.Popen[bytes]] = {}

    def process_url(self, port: int) -> str:
        return f"http://127.0.0.1:{port}"

    def start(self) -> None:
        missing = missing_programs()
        if missing:
            raise RuntimeError(f"not installed: {', '.join(missing)}"
                               " (bash scripts/cluster.sh installs them)")
        (self.run_dir / "tmp").mkdir(parents=True, exist_ok=True)
        try:
            self._start_redis()
            for port in self.ports:
                self.start_server(port)
            self._start_nginx()
        except BaseException:
            self.stop()
            raise

    def _spawn(self, args: list[str], log_name: str) -> subprocess.Popen[bytes]:
        with (self.run_dir / log_name).open("ab") as log:
            return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                    cwd=ROOT, start_new_session=True)

    def _start_redis(self) -> None:
        program = shutil.which("redis-server", path=_sbin_path()) or "redis-server"
        self.redis = self._spawn(
            [program, "--port", str(self.redis_port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--daemonize", "no",
             "--dir", str(self.run_dir)], "redis.log")
        wait_until(lambda: _port_open("127.0.0.1", self.redis_port), "redis-server",
                   self.redis, self.run_dir / "redis.log")

    def start_server(self, port: int) -> None:
        """One `run.py` process of the deployment on `port` (again, after a kill)."""
        log = f"process-{port}.log"
        proc = self._spawn([sys.executable, str(ROOT / "run.py"), "--data", str(self.data_dir),
                            "--host", "127.0.0.1", "--port", str(port)], log)
        self.servers[port] = proc
        wait_until(lambda: _healthy(self.process_url(port)), f"the process on port {port}",
                   proc, self.run_dir / log)

    def _start_nginx(self) -> None:
        conf = self.run_dir / "nginx.conf"
        conf.write_text(nginx_config(f"{self.host}:{self.port}",
                                     [f"127.0.0.1:{p}" for p in self.ports], self.run_dir))
        program = shutil.which("nginx", path=_sbin_path()) or "nginx"
        self.nginx = self._spawn([program, "-c", str(conf), "-p", str(self.run_dir),
                                  "-e", str(self.run_dir / "nginx-error.log"),
                                  "-g", "daemon off;"], "nginx.log")
        wait_until(lambda: _healthy(self.url), "nginx", self.nginx,
                   self.run_dir / "nginx-error.log")

    def kill(self, port: int) -> None:
        """SIGKILL one process, as a crash would."""
        proc = self.servers.get(port)
        if proc and proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)

    def stop(self) -> None:
        """Servers first (they end their connections), then nginx and Redis."""
        procs = [*self.servers.values(), self.nginx, self.redis]
        for proc in procs:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in procs:
            if proc is None:
                continue
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)

    def wait(self) -> int:
        """Until one of them exits (or Ctrl-C, or SIGTERM): the exit code of the first to go.
        The children run in sessions of their own: only this stops them."""
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while True:
                for proc in [*self.servers.values(), self.nginx, self.redis]:
                    if proc is not None and proc.poll() is not None:
                        return proc.returncode or 1
                time.sleep(0.5)
        except KeyboardInterrupt:
            return 0
        finally:
            self.stop()
