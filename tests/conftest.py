"""Shared fixtures: an app for unit tests, a real server subprocess, Chromium.

Browser tests drive Debian's Chromium (/usr/bin/chromium) through pytest-playwright;
no browser is ever downloaded. The server runs as `python run.py` on a free
loopback port with its own data folder, as a user would start it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("FACILITATOR_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- unit tests: the Flask app in threading mode ---------------------------------------


@pytest.fixture
def app(tmp_path: Path) -> Any:
    from facilitator import create_app

    app = create_app(
        {"DATA_DIR": str(tmp_path), "ASYNC_MODE": "threading", "TESTING": True,
         "WTF_CSRF_ENABLED": False, "PUSH_DELAY": 0}
    )
    yield app
    app.extensions["facilitator.store"].close()


@pytest.fixture
def store(app: Any) -> Any:
    return app.extensions["facilitator.store"]


# --- a real server ----------------------------------------------------------------------


class Server:
    """`python run.py` as a subprocess; kill and restart it like a crash would."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = data_dir / "server.log"

    def cli(self, *args: str, stdin: str | None = None) -> str:
        out = subprocess.run(
            [sys.executable, str(ROOT / "run.py"), "--data", str(self.data_dir), *args],
            input=stdin, capture_output=True, text=True, env=self.env, cwd=ROOT, timeout=60,
        )
        if out.returncode != 0:
            raise RuntimeError(f"run.py {' '.join(args)} failed: {out.stderr}")
        return out.stdout

    def start(self) -> None:
        log = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "run.py"), "--data", str(self.data_dir),
             "--port", str(self.port)],
            stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=ROOT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server died:\n{self.log.read_text()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as in a crash or a pulled plug."""
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

    def restart(self) -> None:
        self.kill()
        self.start()

    # conveniences
    def add_user(self, email: str, role: str = "facilitator", teams: tuple[str, ...] = (),
                 name: str = "") -> None:
        args = ["user", "add", email, "--role", role]
        if name:
            args += ["--name", name]
        for team in teams:
            args += ["--team", team]
        self.cli(*args, stdin=PASSWORD + "\n")

    def token(self, email: str) -> str:
        return self.cli("token", email).strip()

    def api(self, method: str, path: str, token: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"}
        return requests.request(method, self.url + path, headers=headers, timeout=10, **kwargs)

    def create_workshop(self, token: str, **body: Any) -> dict[str, Any]:
        body.setdefault("title", "Werkconferentie")
        response = self.api("POST", "/api/v1/workshops", token, json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def join(self, code: str, name: str | None = "Deelnemer") -> dict[str, Any]:
        body = {"code": code, "name": name, "anonymous": name is None}
        response = requests.post(self.url + "/api/v1/join", json=body, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()

    def db_rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        import sqlite3

        conn = sqlite3.connect(self.data_dir / "facilitator.db")
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(sql, params).fetchall()]
        finally:
            conn.close()


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator[Any]:
    servers: list[Server] = []

    def make(env: dict[str, str] | None = None, start: bool = True) -> Server:
        data = tmp_path / f"server{len(servers)}"
        data.mkdir()
        server = Server(data, env)
        servers.append(server)
        if start:
            server.start()
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def server(server_factory: Any) -> Server:
    return server_factory()


@pytest.fixture
def facilitator_token(server: Server) -> str:
    server.add_user("fac@example.nl", "facilitator", teams=("Wijkteam Noord",), name="Fatima")
    return server.token("fac@example.nl")


# --- socket clients -----------------------------------------------------------------------


class Client:
    """A python-socketio client that records every push it gets."""

    def __init__(self, url: str, auth: dict[str, Any], headers: dict[str, str] | None = None):
        import socketio

        self.pushes: list[tuple[str, dict[str, Any]]] = []
        self.sio = socketio.Client(reconnection=False)
        for name in ("board", "control", "phone", "me", "table"):
            self.sio.on(name, lambda msg, name=name: self.pushes.append((name, msg)))
        self.sio.connect(url, auth=auth, headers=headers or {}, transports=["websocket"],
                         wait_timeout=10)

    def act(self, op: str, data: dict[str, Any] | None = None, op_id: str | None = None) -> Any:
        envelope = {"op": op, "op_id": op_id or os.urandom(8).hex(), "data": data or {}}
        return self.sio.call("act", envelope, timeout=10)

    def sync(self, seq: int = 0) -> Any:
        return self.sio.call("sync", {"seq": seq}, timeout=10)

    def wait_for(self, name: str, predicate: Any = lambda view: True, timeout: float = 5) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for pushed, msg in reversed(self.pushes):
                if pushed == name and predicate(msg["view"]):
                    return msg
            time.sleep(0.02)
        raise AssertionError(f"no {name} push matching within {timeout}s; got {self.pushes!r}")

    def raw(self) -> str:
        """Everything received, as text: for checks that something never travelled."""
        return json.dumps(self.pushes, ensure_ascii=False)

    def close(self) -> None:
        self.sio.disconnect()


@pytest.fixture
def clients() -> Iterator[Any]:
    made: list[Client] = []

    def make(url: str, auth: dict[str, Any], headers: dict[str, str] | None = None) -> Client:
        client = Client(url, auth, headers)
        made.append(client)
        return client

    yield make
    for client in made:
        try:
            client.close()
        except Exception:
            pass


def login_cookie(server: Server, email: str) -> str:
    """Log in over HTTP like a browser would (CSRF token included); return the Cookie header."""
    import re

    session = requests.Session()
    page = session.get(server.url + "/login", timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = session.post(server.url + "/login", data={
        "csrf_token": csrf, "email": email, "password": PASSWORD}, timeout=10,
        allow_redirects=False)
    assert response.status_code == 302, response.text
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


# --- browsers -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (scripts/test.sh does)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"],
    }


SCREENSHOTS = ROOT / "docs" / "screenshots"


def screenshot(page: Any, name: str) -> None:
    """Save a screenshot for the README (docs/screenshots/NAME.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
