"""Issue 12, item 4: idle and half-finished TCP connections do not knock the server over.

In both async modes, with the soft open-files limit of a default system (1,024): the
server raises it at start and says so, takes 2,000 idle connections (half of them a
request that never completes), closes those after FACILITATOR_HTTP_TIMEOUT but not an
established websocket, and keeps serving a phone that joins and acts. With a hard limit
too low for the flood, the accept loop waits instead of dying (eventlet exited with 1).
Loopback only; every loop is bounded.
"""

from __future__ import annotations

import os
import resource
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from agreements_support import open_room, propose, team_id, tomorrow

from conftest import Server

MODES = ["eventlet", "gevent"]


class LimitedServer(Server):
    """`python run.py` started under a given RLIMIT_NOFILE, as a default system has."""

    def __init__(self, data_dir: Path, limit: tuple[int, int], env: dict[str, str]):
        super().__init__(data_dir, env)
        self.preexec = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, limit)

    def open_fds(self) -> int:
        assert self.proc is not None
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[Any]:
    made: list[LimitedServer] = []

    def make(mode: str, limit: tuple[int, int], timeout: float) -> LimitedServer:
        data = tmp_path / f"s{len(made)}"
        data.mkdir()
        server = LimitedServer(data, limit, {
            "FACILITATOR_ASYNC_MODE": mode, "FACILITATOR_HTTP_TIMEOUT": str(timeout),
            "FACILITATOR_RATELIMIT_ENABLED": "false"})
        made.append(server)
        server.start()
        return server

    yield make
    for server in made:
        server.stop()


def flood(url_port: int, count: int) -> list[socket.socket]:
    """`count` connections to the server; every other one sends half a request."""
    out = []
    for n in range(count):
        try:
            s = socket.create_connection(("127.0.0.1", url_port), timeout=5)
        except OSError:
            break  # refused: the server is gone (checked by the caller)
        if n % 2:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
        out.append(s)
    return out


def wait(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout}s: {what}")


def closed_by_server(s: socket.socket) -> bool:
    """Whether the server closed it (after an error answer, if it sent one)."""
    s.settimeout(0.01)
    try:
        for _ in range(16):
            if s.recv(4096) == b"":
                return True
    except TimeoutError:
        return False
    except OSError:
        return True
    return False


def room_with_phone(server: Server, clients: Any) -> Any:
    server.add_user("fac@example.nl", "facilitator", teams=("Wijkteam Noord",))
    room = open_room(server, clients, "fac@example.nl", server.token("fac@example.nl"),
                     "Groot", team_id(server), names=("Ann",))
    room.goto("agreements")
    return room


def join_and_act(server: Server, room: Any, clients: Any, what: str) -> None:
    joined = server.join(room.workshop["code"], "Laat")
    phone = clients(server.url, {"kind": "participant", "code": room.workshop["code"],
                                 "token": joined["token"]})
    ack = propose(phone, owner_text="Iemand", what=what, due_date=tomorrow())
    assert ack["ok"], ack


@pytest.mark.parametrize("mode", MODES)
def test_two_thousand_idle_connections_then_a_phone_joins_and_acts(
    limited: Any, clients: Any, mode: str
) -> None:
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY and hard < 4096:
        pytest.skip(f"the hard open-files limit here is {hard}")
    server = limited(mode, (1024, hard), timeout=3)
    assert "open files:" in server.log.read_text() and "raised from 1,024" in (
        server.log.read_text())
    room = room_with_phone(server, clients)
    ann = room.phones["Ann"]
    idle = flood(server.port, 2000)
    try:
        assert server.proc.poll() is None, server.log.read_text()
        assert len(idle) == 2000
        wait(lambda: server.open_fds() >= 2000, 30, "the server accepted the flood")
        join_and_act(server, room, clients, "Na de vloed")
        # Requests that never complete are closed after the timeout...
        wait(lambda: all(closed_by_server(s) for s in idle[:50] + idle[-50:]), 30,
             "idle connections closed by the server")
        # ...but not an established websocket that has been quiet for longer than that.
        assert ann.sio.connected and ann.sync()["ok"]
        assert server.proc.poll() is None
    finally:
        for s in idle:
            s.close()


@pytest.mark.parametrize("mode", MODES)
def test_out_of_file_descriptors_the_accept_loop_waits_instead_of_dying(
    limited: Any, clients: Any, mode: str
) -> None:
    server = limited(mode, (256, 256), timeout=2)
    room = room_with_phone(server, clients)
    idle = flood(server.port, 600)
    try:
        wait(lambda: "Too many open files" in server.log.read_text()
             or server.proc.poll() is not None, 20, "the accept loop met EMFILE")
        assert server.proc.poll() is None, server.log.read_text()[-3000:]
    finally:
        for s in idle:
            s.close()
    wait(lambda: server.open_fds() < 100, 20, "the flood's connections closed")
    join_and_act(server, room, clients, "Na EMFILE")
    assert server.proc.poll() is None
