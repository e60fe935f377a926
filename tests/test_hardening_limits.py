"""Rate limits and size limits against a real server: HTTP (Flask-Limiter) on login and
joining, join-code guessing on every way in, socket actions per participant, and a
message size limit. A limit answers clearly, changes nothing, and the server stays
responsive for everyone else.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import requests
import socketio
from hardening_support import OWNER, fingerprint
from support import Server

WRONG = [f"ZZZ{n:03d}" for n in range(40)]


@pytest.fixture
def limited(server_factory: Any) -> Server:
    """A server with the shipped limits (rate limiting on, default rates)."""
    server = server_factory()
    server.add_user(OWNER, "facilitator", name="Fatima")
    return server


def _friendly_429(response: requests.Response, json_api: bool = False) -> None:
    assert response.status_code == 429, response.status_code
    assert "Traceback" not in response.text
    if json_api:
        assert response.json()["error"]["code"]
    else:
        assert response.headers["Content-Type"].startswith("text/html")
        # The error page in Dutch (the default): wait and try again.
        assert "<h1" in response.text and ("minuut" in response.text or "minute" in response.text)


def test_guessing_codes_on_the_join_page_is_stopped_at_the_21st(limited: Server) -> None:
    import re

    session = requests.Session()
    page = session.get(limited.url + "/join", timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for code in WRONG[:20]:
        response = session.post(limited.url + "/join", data={"code": code, "csrf_token": csrf},
                                timeout=10)
        assert response.status_code == 404
    _friendly_429(session.post(limited.url + "/join",
                               data={"code": WRONG[20], "csrf_token": csrf}, timeout=10))


def test_guessing_codes_by_link_is_stopped_at_the_21st(limited: Server) -> None:
    for code in WRONG[:20]:
        assert requests.get(limited.url + f"/j/{code}", timeout=10).status_code == 404
    _friendly_429(requests.get(limited.url + f"/j/{WRONG[20]}", timeout=10))


def test_guessing_codes_through_the_api_is_stopped_at_the_21st(limited: Server) -> None:
    for code in WRONG[:20]:
        response = requests.post(limited.url + "/api/v1/join", json={"code": code, "name": "G"},
                                 timeout=10)
        assert response.status_code == 404
    _friendly_429(requests.post(limited.url + "/api/v1/join",
                                json={"code": WRONG[20], "name": "G"}, timeout=10), True)


def test_a_whole_room_behind_one_address_still_gets_in(limited: Server) -> None:
    """Only failures count: 60 phones sharing a venue's NAT address all join."""
    ws = limited.create_workshop(limited.token(OWNER))
    for i in range(60):
        limited.join(ws["code"], f"Deelnemer {i}")


def test_password_guessing_is_stopped(limited: Server) -> None:
    session = requests.Session()
    page = session.get(limited.url + "/login", timeout=10).text
    import re

    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    statuses = [session.post(limited.url + "/login", timeout=10, data={
        "csrf_token": csrf, "email": OWNER, "password": f"wrong {i}"}).status_code
        for i in range(10)]
    assert statuses == [401] * 10
    _friendly_429(session.post(limited.url + "/login", timeout=10, data={
        "csrf_token": csrf, "email": OWNER, "password": "wrong again"}))


# --- socket actions -----------------------------------------------------------------------


def _participant_action(code: str) -> tuple[str, dict[str, Any]]:
    """Any participant action with a payload its schema accepts (the handler may refuse:
    the rate limit applies before the handler runs)."""
    from hardening_support import actions, payload

    for name, action in sorted(actions().items()):
        if "participant" in action.roles:
            return name, payload(action, "Snel snel", lambda _: 999_999)
    pytest.skip("no participant action registered")


def test_socket_actions_per_participant_are_rate_limited(limited: Server, clients: Any) -> None:
    ws = limited.create_workshop(limited.token(OWNER))
    from support import login_cookie

    fac = clients(limited.url, {"kind": "facilitator", "code": ws["code"]},
                  {"Cookie": login_cookie(limited, OWNER)})
    assert fac.act("workshop.open")["ok"]
    fast = clients(limited.url, {"kind": "participant", "code": ws["code"],
                                 "token": limited.join(ws["code"], "Snel")["token"]})
    calm = clients(limited.url, {"kind": "participant", "code": ws["code"],
                                 "token": limited.join(ws["code"], "Rustig")["token"]})
    name, data = _participant_action(ws["code"])
    op_ids = [f"burst-{i:04d}-{os.urandom(4).hex()}" for i in range(45)]
    acks = [fast.act(name, data, op_id=op_id) for op_id in op_ids]
    codes = [a.get("error", {}).get("code") if not a["ok"] else "ok" for a in acks]
    assert "rate_limited" not in codes[:30], codes
    assert codes[30:] == ["rate_limited"] * 15, codes
    limited_ids = [op for op, c in zip(op_ids, codes, strict=True) if c == "rate_limited"]
    stored = limited.db_rows(
        f"SELECT op_id FROM events WHERE op_id IN ({','.join('?' * len(limited_ids))})",
        tuple(limited_ids))
    assert stored == []
    message = acks[-1]["error"]["message"]
    assert message and "Traceback" not in message
    # Everyone else, and the limited phone's reads, carry on.
    assert fast.sync()["ok"]
    assert calm.act(name, data)["error"]["code"] != "rate_limited"
    assert fac.act("workshop.rename", {"title": "Nog steeds bereikbaar"})["ok"]
    assert requests.get(limited.url + "/healthz", timeout=5).ok


# --- size -------------------------------------------------------------------------------


def test_oversized_socket_message_changes_nothing_and_the_server_carries_on(
        limited: Server, clients: Any) -> None:
    ws = limited.create_workshop(limited.token(OWNER))
    from support import login_cookie

    cookie = login_cookie(limited, OWNER)
    fac = clients(limited.url, {"kind": "facilitator", "code": ws["code"]}, {"Cookie": cookie})
    assert fac.act("workshop.open")["ok"]
    board = clients(limited.url, {"kind": "board", "token": ws["board_url"].rsplit("/", 1)[1]})
    phone_token = limited.join(ws["code"], "Groot")["token"]
    phone = clients(limited.url, {"kind": "participant", "code": ws["code"],
                                  "token": phone_token})
    db = limited.data_dir / "facilitator.db"
    before = fingerprint(db)
    name, data = _participant_action(ws["code"])
    huge = {k: ("x" * (70 * 1024) if isinstance(v, str) else v) for k, v in data.items()}
    if huge == data:
        huge = {**data, "padding": "x" * (70 * 1024)}
    for sender, op, payload in ((phone, name, huge),
                                (fac, "workshop.rename", {"title": "y" * (200 * 1024)})):
        try:
            ack = sender.sio.call("act", {"op": op, "op_id": os.urandom(8).hex(),
                                          "data": payload}, timeout=5)
        except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
            ack = None  # the transport dropped the message and the connection
        assert ack is None or ack["ok"] is False
    assert fingerprint(db) == before
    assert limited.proc.poll() is None
    # The board (which sent nothing) is still connected and still gets pushes.
    fac2 = clients(limited.url, {"kind": "facilitator", "code": ws["code"]}, {"Cookie": cookie})
    assert fac2.act("workshop.rename", {"title": "Daarna"})["ok"]
    board.wait_for("board", lambda v: v["workshop"]["title"] == "Daarna")


def test_oversized_http_body_is_refused_with_json(limited: Server) -> None:
    response = requests.post(limited.url + "/api/v1/join", data=b"{" + b" " * (3 * 2**20),
                             headers={"Content-Type": "application/json"}, timeout=30)
    assert response.status_code == 413
    assert response.json()["error"]["code"]
    response = requests.post(limited.url + "/join", data={"code": "A" * (3 * 2**20)},
                             timeout=30)
    assert response.status_code == 413 and "Traceback" not in response.text
