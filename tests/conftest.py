"""Shared fixtures: an app for unit tests, a real server subprocess, Chromium.

Browser tests drive Debian's Chromium (/usr/bin/chromium) through pytest-playwright;
no browser is ever downloaded. The server, its sockets, the room builder and the login
helper live in tests/support/ (re-exported here so `from conftest import ...` works).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support import (  # noqa: F401  (re-exported for the modules that import conftest)
    PASSWORD,
    ROOT,
    Client,
    Server,
    free_port,
    login_cookie,
    screenshot,
)

CHROMIUM = os.environ.get("FACILITATOR_CHROMIUM", "/usr/bin/chromium")


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


# --- a real server (tests/support/server.py) ---------------------------------------------


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


@pytest.fixture(scope="module")
def module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for a module whose tests each make their own workshop: starting one
    costs a second or more. A module opts in by naming it its `server`:

        @pytest.fixture(scope="module")
        def server(module_server): return module_server
    and the same for `facilitator_token` with `module_facilitator_token`."""
    shared = Server(tmp_path_factory.mktemp("shared"),
                    env={"FACILITATOR_RATELIMIT_LOGIN": "1000/minute"})
    shared.start()
    yield shared
    shared.stop()


@pytest.fixture(scope="module")
def module_facilitator_token(module_server: Server) -> str:
    module_server.add_user("fac@example.nl", "facilitator", teams=("Wijkteam Noord",),
                           name="Fatima")
    return module_server.token("fac@example.nl")


@pytest.fixture
def facilitator_token(server: Server) -> str:
    server.add_user("fac@example.nl", "facilitator", teams=("Wijkteam Noord",), name="Fatima")
    return server.token("fac@example.nl")


# --- socket clients (tests/support/client.py) ---------------------------------------------


class _Clients:
    """The `clients` fixture: make a socket (closed after the test) or track one."""

    def __init__(self) -> None:
        self.made: list[Client] = []

    def __call__(self, url: str, auth: dict[str, Any],
                 headers: dict[str, str] | None = None) -> Client:
        return self.track(Client(url, auth, headers))

    def track(self, client: Client) -> Client:
        self.made.append(client)
        return client

    def close(self) -> None:
        for client in self.made:
            try:
                client.close()
            except Exception:
                pass


@pytest.fixture
def clients() -> Iterator[Any]:
    made = _Clients()
    yield made
    made.close()


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


BROWSER_FIXTURES = {"page", "context", "browser", "new_context"}


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Every test that drives Chromium carries the `browser` mark, so `-m "not browser"`
    is the fast subset whether or not its module remembered its `pytestmark`."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
