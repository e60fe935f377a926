"""One real server for the tests: `python run.py` on a free loopback port with its own
data folder, as a user would start it. People and API tokens are made in-process against
the same database file (two CLI subprocesses per person cost about a second)."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python run.py` as a subprocess; kill and restart it like a crash would."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None):
        self.data_dir = data_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # The room builder's truth check syncs every screen after every action: far more
        # than a phone does. The sync limit itself is tested with its own setting.
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1",
                    "FACILITATOR_SYNC_RATE": "100000/10second", **(env or {})}
        self.proc: subprocess.Popen[bytes] | None = None
        # Run in the child before run.py starts (e.g. a lower file-descriptor limit).
        self.preexec: Callable[[], None] | None = None
        self.log = data_dir / "server.log"
        self._app: Any = None

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """run.py's command line, for the tests of the command line itself."""
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
            preexec_fn=self.preexec,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server died:\n{self.log.read_text()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError(f"server did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as in a crash or a pulled plug."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self._app is not None:
            self._app.extensions["facilitator.store"].close()
            self._app = None
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        self.kill()
        self.start()

    # --- people, in-process --------------------------------------------------------------

    def store(self) -> Any:
        """The server's database through the app's own Store (what run.py's CLI uses)."""
        if self._app is None:
            from facilitator import create_app

            self._app = create_app({"DATA_DIR": str(self.data_dir), "ASYNC_MODE": "threading"})
        return self._app.extensions["facilitator.store"]

    def add_user(self, email: str, role: str = "facilitator", teams: tuple[str, ...] = (),
                 name: str = "") -> None:
        """What `run.py user add` does, without a subprocess."""
        from facilitator import auth

        store = self.store()
        user = auth.add_user(store, email, PASSWORD, role, name)
        for team in teams:
            auth.add_to_team(store, auth.add_team(store, team), user.id)

    def token(self, email: str) -> str:
        from facilitator import auth

        return auth.new_api_token(self.store(), email)

    # --- HTTP conveniences ---------------------------------------------------------------

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
        conn = sqlite3.connect(self.data_dir / "facilitator.db")
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(sql, params).fetchall()]
        finally:
            conn.close()
