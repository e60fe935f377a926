"""A swarm of phones for the load benchmark: asyncio python-socketio clients, and the
server processes they talk to (the real `python run.py`, and the bare floor).

A phone keeps its unacknowledged actions (the outbox) and resends them with the same
op_id after every reconnect, as static/js/live.js does; the server's unique op_id makes
a resend harmless. Arrival times are wall-clock (time.time()) so that the coordinator
can compare them with the moment it sent the change.
"""

from __future__ import annotations

import asyncio
import os
import resource
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import socketio

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
# Refusals worth retrying (as in live.js); anything else is a final answer.
RETRY_CODES = {"rate_limited", "internal"}
# Seconds before the first reconnection attempt, and the most between two (doubling,
# randomised by half). The browser's (core/live.js, socket.io-client's defaults) are
# (1, 5): `load.py --backoff browser` uses them.
BACKOFF = [0.3, 2.0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_fd_limit() -> None:
    """1,000 phones need more than the usual 1,024 descriptors, on both sides."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# --- server processes ----------------------------------------------------------------


class Proc:
    """A server subprocess that can be killed with SIGKILL and started again."""

    def __init__(self, argv: list[str], env: dict[str, str], log: Path, port: int):
        self.argv, self.env, self.log, self.port = argv, env, log, port
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, ready_path: str = "/healthz", timeout: float = 40) -> None:
        import requests

        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                self.argv, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=ROOT,
                preexec_fn=raise_fd_limit,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server died:\n{self.log.read_text()[-3000:]}")
            try:
                # Any HTTP answer means the server accepts connections.
                requests.get(self.url + ready_path, timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start:\n{self.log.read_text()[-3000:]}")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def cpu_seconds(self) -> float:
        """User + system CPU of the server process so far (from /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_bytes(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0


class AppServer(Proc):
    """The real server: `python run.py` with its own data folder."""

    def __init__(self, data_dir: Path, mode: str, env: dict[str, str] | None = None):
        port = free_port()
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        full_env = {
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "FACILITATOR_ASYNC_MODE": mode,
            "FACILITATOR_RATELIMIT_ENABLED": "0",
            # A load test is one address sending for a whole room: lift the per-phone rate.
            "FACILITATOR_ACTION_RATE": "1000/1second",
            **(env or {}),
        }
        argv = [sys.executable, str(ROOT / "run.py"), "--data", str(data_dir), "--port", str(port)]
        super().__init__(argv, full_env, data_dir / "server.log", port)

    def cli(self, *args: str, stdin: str | None = None) -> str:
        out = subprocess.run(
            [sys.executable, str(ROOT / "run.py"), "--data", str(self.data_dir), *args],
            input=stdin, capture_output=True, text=True, env=self.env, cwd=ROOT, timeout=60,
        )
        if out.returncode != 0:
            raise RuntimeError(f"run.py {' '.join(args)} failed: {out.stderr}")
        return out.stdout

    def add_facilitator(self, email: str) -> str:
        """Create a facilitator account; return an API token."""
        self.cli("user", "add", email, "--role", "facilitator", stdin=PASSWORD + "\n")
        return self.cli("token", email).strip()

    def login_cookie(self, email: str) -> str:
        import re

        import requests

        session = requests.Session()
        page = session.get(self.url + "/login", timeout=10).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore
        response = session.post(
            self.url + "/login",
            data={"csrf_token": csrf, "email": email, "password": PASSWORD},
            timeout=10, allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"login failed: {response.status_code}")
        return "; ".join(f"{c.name}={c.value}" for c in session.cookies)

    def create_workshop(self, token: str, title: str) -> dict[str, Any]:
        import requests

        response = requests.post(
            self.url + "/api/v1/workshops", json={"title": title},
            headers={"Authorization": f"Bearer {token}"}, timeout=10,
        )
        if response.status_code != 201:
            raise RuntimeError(f"create workshop: {response.status_code} {response.text}")
        workshop = response.json()
        workshop["board_token"] = workshop["board_url"].rstrip("/").rsplit("/", 1)[1]
        return workshop

    def socket_url(self, code: str) -> str:
        """Where a screen of this workshop connects (a cluster routes by the code)."""
        return self.url

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(f"file:{self.data_dir / 'facilitator.db'}?mode=ro", uri=True)
        try:
            conn.execute("PRAGMA busy_timeout=5000")
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


class ClusterServer(AppServer):
    """N processes of one deployment behind nginx with Redis (facilitator/cluster.py), with
    the AppServer's interface: CPU and memory are the sum over the app processes."""

    def __init__(self, data_dir: Path, mode: str, processes: int,
                 env: dict[str, str] | None = None):
        super().__init__(data_dir, mode, env)
        from facilitator.cluster import Cluster

        own = {k: v for k, v in self.env.items() if k.startswith("FACILITATOR_")}
        self.cluster = Cluster(data_dir, free_port(), [free_port() for _ in range(processes)],
                               free_port(), env={**own, "PYTHONUNBUFFERED": "1"})
        self.url = self.cluster.url

    def start(self, ready_path: str = "/healthz", timeout: float = 40) -> None:
        self.cluster.start()

    def stop(self) -> None:
        self.cluster.stop()

    def kill(self) -> None:
        raise NotImplementedError("scenario f kills one server: run it without --processes")

    def socket_url(self, code: str) -> str:
        return f"{self.url}/?w={code}"

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.cluster.servers.values() if p.poll() is None]

    def cpu_seconds(self) -> float:
        return sum(_cpu(pid) for pid in self.pids)

    def rss_bytes(self) -> int:
        return sum(_rss(pid) for pid in self.pids)

    def spread(self) -> str:
        """How many workshops' screens each process holds now (from presence)."""
        rows = self.rows("SELECT process, COUNT(DISTINCT workshop_id) FROM presence"
                         " GROUP BY process ORDER BY 2 DESC")
        return " + ".join(str(n) for _, n in rows) + " workshops per process"

    def proxy_cpu_seconds(self) -> float:
        """nginx's and Redis's CPU together (not in cpu_seconds)."""
        procs = [self.cluster.redis, self.cluster.nginx]
        return sum(_cpu(p.pid) for p in procs if p is not None and p.poll() is None)


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


class BareServer(Proc):
    def __init__(self, data_dir: Path, mode: str):
        port = free_port()
        data_dir.mkdir(parents=True, exist_ok=True)
        argv = [sys.executable, str(ROOT / "bench" / "bare_server.py"), "--port", str(port),
                "--mode", mode]
        super().__init__(argv, {**os.environ, "PYTHONUNBUFFERED": "1"},
                         data_dir / "bare.log", port)

    def start(self, ready_path: str = "/socket.io/?EIO=4&transport=polling",
              timeout: float = 40) -> None:
        super().start(ready_path, timeout)


# --- clients -----------------------------------------------------------------------------


class Screen:
    """One socket: a phone, the board or the facilitator's control page."""

    def __init__(self, url: str, auth: dict[str, Any], headers: dict[str, str] | None = None,
                 names: tuple[str, ...] = ("phone", "me")):
        self.url, self.auth, self.headers = url, auth, headers or {}
        self.sio = socketio.AsyncClient(
            reconnection=True, reconnection_delay=BACKOFF[0], reconnection_delay_max=BACKOFF[1],
            randomization_factor=0.5, reconnection_attempts=0,
        )
        # name -> list of (arrival time, seq, view)
        self.seen: dict[str, list[tuple[float, int, Any]]] = {n: [] for n in names}
        self.pending: dict[str, tuple[dict[str, Any], asyncio.Future[Any]]] = {}
        self.connects = 0
        self.sent = 0
        self.online = asyncio.Event()
        self.watch: tuple[str, Any] | None = None
        self.hit: float | None = None
        for name in names:
            self.sio.on(name, self._recorder(name))
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)

    def _recorder(self, name: str) -> Any:
        async def record(msg: Any) -> None:
            at = time.time()
            self._note(name, at, msg.get("seq", 0), msg.get("view"))
            if name == "phone" and "me" in msg and "me" in self.seen:  # sent together
                self._note("me", at, msg.get("seq", 0), msg["me"])
        return record

    def _note(self, name: str, at: float, seq: int, view: Any) -> None:
        self.seen[name].append((at, seq, view))
        watch = self.watch
        if watch is not None and watch[0] == name and watch[1](seq, view):
            self.hit, self.watch = at, None

    def expect(self, name: str, predicate: Any) -> None:
        """Note the arrival time of the first `name` view that satisfies predicate from
        now on (cheap to poll for 1,000 phones: see `hit`)."""
        self.hit = None
        self.watch = (name, predicate)

    async def connect(self) -> None:
        await self.sio.connect(self.url, auth=self.auth, headers=self.headers,
                               transports=["websocket"], wait_timeout=30)

    async def _on_connect(self) -> None:
        self.connects += 1
        self.online.set()
        # A fresh view first, then the outbox, as live.js does after every connect.
        asyncio.ensure_future(self._after_connect())

    async def _after_connect(self) -> None:
        try:
            reply = await self.sio.call("sync", {"seq": 0}, timeout=30)
        except Exception:
            reply = None
        if isinstance(reply, dict) and reply.get("ok"):
            now = time.time()
            for name in self.seen:
                if name in reply:
                    self._note(name, now, reply["seq"], reply[name])
        for envelope, _future in list(self.pending.values()):
            await self._emit(envelope)

    async def _on_disconnect(self, *_: Any) -> None:
        self.online.clear()

    async def disconnect(self) -> None:
        await self.sio.disconnect()

    async def act(self, op: str, data: dict[str, Any] | None = None,
                  op_id: str | None = None) -> dict[str, Any]:
        """Send an action and wait for its final ack, resending after reconnects."""
        envelope = {"op": op, "op_id": op_id or secrets.token_hex(12), "data": data or {}}
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending[envelope["op_id"]] = (envelope, future)
        if self.online.is_set():
            await self._emit(envelope)
        return await future

    async def _emit(self, envelope: dict[str, Any]) -> None:
        op_id = envelope["op_id"]

        def acked(ack: Any = None, *_: Any) -> None:
            entry = self.pending.get(op_id)
            if entry is None:
                return
            code = ack.get("error", {}).get("code") if isinstance(ack, dict) else None
            if code in RETRY_CODES:
                asyncio.get_running_loop().call_later(0.5, self._retry, op_id)
                return
            del self.pending[op_id]
            if not entry[1].done():
                entry[1].set_result({**ack, "op_id": op_id} if isinstance(ack, dict)
                                    else {"ok": False, "op_id": op_id, "raw": ack})

        try:
            self.sent += 1
            await self.sio.emit("act", envelope, callback=acked)
        except Exception:
            pass  # not connected: the next connect flushes the outbox

    def _retry(self, op_id: str) -> None:
        entry = self.pending.get(op_id)
        if entry is not None and self.online.is_set():
            asyncio.ensure_future(self._emit(entry[0]))

    def first(self, name: str, predicate: Any, after: float = 0.0) -> float | None:
        """Arrival time of the first `name` view after `after` that satisfies predicate."""
        for at, seq, view in self.seen.get(name, ()):
            if at >= after and predicate(seq, view):
                return at
        return None


async def gather_limited(coros: list[Any], limit: int) -> list[Any]:
    """Run coroutines with at most `limit` at a time (a room does not connect in 1 ms)."""
    gate = asyncio.Semaphore(limit)

    async def run(coro: Any) -> Any:
        async with gate:
            return await coro

    return await asyncio.gather(*(run(c) for c in coros), return_exceptions=True)


async def join_phones(session: Any, url: str, code: str, count: int,
                      limit: int = 50) -> list[dict[str, Any]]:
    """Join `count` participants over HTTP (/api/v1/join); returns their tokens."""

    async def join(i: int) -> dict[str, Any]:
        async with session.post(url + "/api/v1/join",
                                json={"code": code, "name": f"Phone {i}"}) as response:
            body = await response.json()
            if response.status != 201:
                raise RuntimeError(f"join {i}: {response.status} {body}")
            return body

    return await gather_limited([join(i) for i in range(count)], limit)


async def wait_until(check: Any, timeout: float, step: float = 0.005) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(step)
    return bool(check())
