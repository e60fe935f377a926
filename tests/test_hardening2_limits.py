"""Issue 12, items 5-8: one server per data folder and port; no binary Socket.IO
packets; `sync` limited per connection and participants capped per workshop; JSON
nested too deep is bad input on the API and on the socket, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
import websocket

from conftest import ROOT, Server, free_port

DEEP = "[" * 5000 + "]" * 5000


def second_server(server: Server, data: str, port: int) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, str(ROOT / "run.py"), "--data", data, "--port", str(port)],
            capture_output=True, text=True, env=server.env, cwd=ROOT, timeout=20)
    except subprocess.TimeoutExpired as err:  # it kept serving: that is the bug
        raise AssertionError(f"a second server started: {err.stdout!r}") from None


def test_a_second_server_on_the_same_data_folder_refuses_to_start(server: Server) -> None:
    out = second_server(server, str(server.data_dir), free_port())
    assert out.returncode != 0
    assert "already using the data folder" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
    assert requests.get(server.url + "/healthz", timeout=5).ok  # the first one still serves


def test_a_second_server_on_the_same_port_refuses_to_start(server: Server, tmp_path: Any
                                                           ) -> None:
    other = tmp_path / "other"
    other.mkdir()
    out = second_server(server, str(other), server.port)
    assert out.returncode != 0
    assert f"port {server.port}" in out.stderr and "already in use" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


# --- the socket, spoken raw --------------------------------------------------------------


class Raw:
    """A Socket.IO connection over a bare websocket: for packets no client library sends."""

    def __init__(self, server: Server, auth: dict[str, Any]):
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket", timeout=5)
        assert self.ws.recv().startswith("0")  # Engine.IO open
        self.ws.send("40" + json.dumps(auth))
        assert self.next(lambda m: m.startswith("40") or m.startswith("44")).startswith("40")

    def next(self, wanted: Any, timeout: float = 5) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                message = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                break
            if message == "2":
                self.ws.send("3")  # ping, pong
            elif wanted(message):
                return message
        raise AssertionError("no such message")

    def ack(self, ack_id: int, timeout: float = 5) -> Any:
        prefix = f"43{ack_id}"
        return json.loads(self.next(lambda m: m.startswith(prefix), timeout)[len(prefix):])[0]


def phone_auth(server: Server, code: str) -> dict[str, Any]:
    return {"kind": "participant", "code": code, "token": server.join(code, "Ann")["token"]}


def rss_kb(server: Server) -> int:
    assert server.proc is not None
    status = Path(f"/proc/{server.proc.pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1])


def test_a_binary_packet_is_refused(server: Server, facilitator_token: str) -> None:
    code = server.create_workshop(facilitator_token)["code"]
    raw = Raw(server, phone_auth(server, code))
    # A header announcing 9,999,999,999 binary frames: the server buffered them all.
    raw.ws.send('459999999999-1["act",{"_placeholder":true,"num":0}]')
    ack = raw.ack(1)
    assert ack["ok"] is False and ack["error"]["code"] == "malformed", ack
    before = rss_kb(server)
    for _ in range(200):  # 12 MB of binary frames: dropped as they come
        raw.ws.send_binary(b"\x00" * 60_000)
    raw.ws.send('422["sync",{}]')  # an ordinary packet again, not attachment 201
    assert raw.ack(2)["ok"] is True
    assert rss_kb(server) - before < 6_000
    assert "Traceback" not in server.log.read_text()


def test_json_nested_too_deep_is_a_malformed_ack_and_a_400(server: Server,
                                                          facilitator_token: str) -> None:
    code = server.create_workshop(facilitator_token)["code"]
    raw = Raw(server, phone_auth(server, code))
    raw.ws.send('421["act",' + DEEP + "]")
    ack = raw.ack(1)
    assert ack["ok"] is False and ack["error"]["code"] == "malformed", ack
    raw.ws.send('422["act",{"op":"x.y","op_id":"12345678","data":{"a":' + DEEP + "}}]")
    assert raw.ack(2)["error"]["code"] == "malformed"
    response = requests.post(server.url + "/api/v1/join", data='{"code":' + DEEP + "}",
                             headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert "Traceback" not in server.log.read_text()
    assert "RecursionError" not in server.log.read_text()


def test_sync_is_rate_limited_per_connection(server_factory: Any, clients: Any) -> None:
    server = server_factory({"FACILITATOR_SYNC_RATE": "30/10second"})
    server.add_user("sync@example.nl", "facilitator")
    facilitator_token = server.token("sync@example.nl")
    code = server.create_workshop(facilitator_token)["code"]
    auth = phone_auth(server, code)
    phone = clients(server.url, auth)
    answers = [phone.sync() for _ in range(40)]
    refused = [a for a in answers if not a["ok"]]
    assert refused and refused[0]["error"]["code"] == "rate_limited", answers[-1]
    assert sum(a["ok"] for a in answers) == 30
    # Per connection: another screen of the same person syncs.
    assert clients(server.url, auth).sync()["ok"] is True


def test_participants_per_workshop_are_capped(server_factory: Any) -> None:
    server = server_factory({"FACILITATOR_MAX_PARTICIPANTS": "3",
                             "FACILITATOR_RATELIMIT_ENABLED": "false"})
    server.add_user("fac@example.nl")
    code = server.create_workshop(server.token("fac@example.nl"))["code"]
    for n in range(3):
        server.join(code, f"P{n}")
    response = requests.post(server.url + "/api/v1/join", json={"code": code, "name": "Vier"},
                             timeout=10)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "full" and "vol" in error["message"], error
    assert len(server.db_rows("SELECT id FROM participants")) == 3


def test_the_participant_cap_defaults_to_two_thousand() -> None:
    from facilitator.room import participants

    assert participants.MAX_PARTICIPANTS == 2000


def test_the_handshake_counts_wrong_codes_in_the_join_limit(server_factory: Any) -> None:
    # Issue 12, item 14: bad_code vs gone told codes apart without any limit.
    import socketio

    server = server_factory({"FACILITATOR_RATELIMIT_JOIN": "3/minute"})

    def handshake(code: str) -> Any:
        errors: list[Any] = []
        sio = socketio.Client(reconnection=False)
        sio.on("connect_error", errors.append)
        with pytest.raises(socketio.exceptions.ConnectionError):
            sio.connect(server.url, auth={"kind": "participant", "code": code, "token": "x"},
                        transports=["websocket"], wait_timeout=10)
        return errors[0]["data"]["code"]

    assert [handshake(f"ZZZZZ{n}") for n in range(3)] == ["bad_code"] * 3
    assert handshake("ZZZZZ9") == "rate_limited"
    # The same count as the pages: the address is over the limit there too.
    assert requests.get(server.url + "/j/ZZZZZ8", timeout=10).status_code == 429
