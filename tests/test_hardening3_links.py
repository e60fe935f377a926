"""Issue 12, items 18 and 17: links and QR codes carry the server's own address, never
the request's Host header; board and table links can be renewed, and a closed
workshop's board and table screens show no names."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests
import socketio
from intervision_support import Room
from support.server import Server


def test_links_and_qr_codes_never_follow_the_host_header(server: Server,
                                                         facilitator_token: str) -> None:
    workshop = server.create_workshop(facilitator_token)
    code = workshop["code"]
    own = f"http://127.0.0.1:{server.port}"
    assert workshop["join_url"] == f"{own}/j/{code}"
    evil = {"Host": "evil.example"}
    api = requests.get(f"{server.url}/api/v1/workshops/{code}", timeout=10,
                       headers={**evil, "Authorization": f"Bearer {facilitator_token}"})
    assert api.status_code == 200
    for key in ("join_url", "board_url", "control_url"):
        assert api.json()[key].startswith(own + "/"), (key, api.json()[key])
    board_path = workshop["board_url"][len(own):]
    board = requests.get(server.url + board_path, headers=evil, timeout=10)
    assert board.status_code == 200
    assert f"{own}/j/{code}" in board.text and "evil.example" not in board.text
    # The QR code is the same picture whatever Host the request names.
    plain = requests.get(f"{server.url}/w/{code}/qr.svg", timeout=10)
    forged = requests.get(f"{server.url}/w/{code}/qr.svg", headers=evil, timeout=10)
    assert plain.status_code == forged.status_code == 200
    assert forged.content == plain.content
    other = requests.get(f"{server.url}/w/{code}/qr.svg", timeout=10,
                         headers={"Host": f"127.0.0.1:{server.port + 1}"})
    assert other.content == plain.content



# --- item 17 ---------------------------------------------------------------------------


def _wait(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def _links(server: Server, code: str) -> dict[str, Any]:
    from facilitator.room.table_screens import token_for

    ws = server.db_rows("SELECT id, code, board_token, table_key FROM workshops WHERE code = ?",
                        (code,))[0]
    secret = (server.data_dir / "secret_key").read_text().strip()
    return {"board": ws["board_token"], "table": token_for(secret, ws, 1)}


def _refused(server: Server, auth: dict[str, Any]) -> str:
    errors: list[Any] = []
    sio = socketio.Client(reconnection=False)
    sio.on("connect_error", errors.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=10)
    return errors[0]["data"]["code"]


def test_renewing_the_links_ends_the_old_board_and_table_screens(
    server: Server, facilitator_token: str, clients: Any
) -> None:
    room = Room(server, facilitator_token, clients)
    room.make_groups(size=3)
    old = _links(server, room.code)
    tablet = room.table(old["table"], 1)
    assert tablet.sync()["table"]["view"]["group"] is not None
    phone = next(iter(room.phones.values()))

    room.ok(room.fac, "workshop.renew_links")
    _wait(lambda: not room.board.connected and not tablet.connected)
    assert phone.connected and room.fac.connected  # only the secret links' screens
    new = _links(server, room.code)
    assert new["board"] != old["board"] and new["table"] != old["table"]
    # The old links lead nowhere, on the pages and on the socket.
    assert requests.get(f"{server.url}/board/{old['board']}", timeout=10).status_code == 404
    assert requests.get(f"{server.url}/table/{old['table']}", timeout=10).status_code == 404
    assert _refused(server, {"kind": "board", "token": old["board"]}) == "bad_auth"
    assert _refused(server, {"kind": "table", "token": old["table"]}) == "bad_auth"
    # The new ones work, and the control page shows the new board link.
    assert requests.get(f"{server.url}/board/{new['board']}", timeout=10).status_code == 200
    assert requests.get(f"{server.url}/table/{new['table']}", timeout=10).status_code == 200
    assert room.table(new["table"], 1).sync()["table"]["view"]["group"] is not None
    control = requests.get(f"{server.url}/w/{room.code}/control", timeout=10,
                           headers={"Cookie": room.cookie}).text
    assert new["board"] in control and old["board"] not in control
    # A phone may not renew them.
    room.refused(phone, "workshop.renew_links", "forbidden")


def test_a_closed_workshop_board_and_table_screens_show_no_names(
    server: Server, facilitator_token: str, clients: Any
) -> None:
    room = Room(server, facilitator_token, clients)
    room.make_groups(size=3)
    tablet = room.table(_links(server, room.code)["table"], 1)
    names = [f'"{p["name"]}"' for p in server.db_rows(
        "SELECT name FROM participants WHERE name IS NOT NULL")]

    def shown() -> str:
        return json.dumps([room.board.sync()["board"], tablet.sync()["table"]])

    assert any(name in shown() for name in names)  # the groups' names, while open
    ack = room.ok(room.fac, "workshop.close")
    room.board.wait_seq(ack["seq"])
    tablet.wait_seq(ack["seq"])
    assert room.board.views["board"]["workshop"]["status"] == "closed"
    for name in names:
        assert name not in shown(), name
        assert name not in json.dumps([room.board.views, tablet.views]), name
