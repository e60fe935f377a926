"""Issue 12, item 2: logging out (or a new password) ends that login session on the
sockets already open too: the control pages open under it are disconnected and nothing
pushed afterwards reaches them."""

from __future__ import annotations

import re
import time
from typing import Any

import requests
from support.login import login_session
from support.server import Server

EMAIL = "fac@example.nl"


def wait(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def _cookie(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def _control(clients: Any, server: Server, code: str, session: requests.Session) -> Any:
    return clients(server.url, {"kind": "facilitator", "code": code},
                   headers={"Cookie": _cookie(session)})


def _logout(server: Server, session: requests.Session) -> None:
    page = session.get(server.url + "/workshops", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = session.post(server.url + "/logout", data={"csrf_token": token},
                            timeout=10, allow_redirects=False)
    assert response.status_code == 302


def test_logging_out_disconnects_the_control_pages_open_under_that_session(
    server: Server, facilitator_token: str, clients: Any
) -> None:
    code = server.create_workshop(facilitator_token, title="Werkconferentie Wijkteams")["code"]
    laptop = login_session(server, EMAIL)
    tablet = login_session(server, EMAIL)  # a second login, on another device
    # The laptop's control page twice (two tabs), and a copy of its cookie elsewhere.
    ended = [_control(clients, server, code, laptop) for _ in range(3)]
    kept = _control(clients, server, code, tablet)
    for screen in (*ended, kept):
        assert screen.sync()["ok"]

    _logout(server, laptop)
    wait(lambda: not any(c.sio.connected for c in ended))
    assert kept.sio.connected
    assert server.db_rows("SELECT COUNT(*) AS n FROM presence WHERE audience = 'facilitator'"
                          ) == [{"n": 1}]

    # The room goes on: the kept screen gets the push, the ended ones get nothing.
    seen = len(kept.pushes)
    ack = kept.act("agenda.add", {"kind": "dilemma_collect", "title": "Dilemma's ophalen"})
    assert ack["ok"], ack
    kept.wait_seq(ack["seq"])
    assert len(kept.pushes) > seen
    assert all(msg.get("seq", 0) < ack["seq"] for c in ended for _, msg in c.pushes)
    # Connecting again with the old cookie is refused.
    refused = requests.get(server.url + "/workshops", timeout=10, allow_redirects=False,
                           headers={"Cookie": _cookie(laptop)})
    assert refused.status_code == 302


def test_a_new_password_from_the_command_line_ends_the_open_sockets_at_their_next_step(
    server: Server, facilitator_token: str, clients: Any
) -> None:
    code = server.create_workshop(facilitator_token)["code"]
    screen = _control(clients, server, code, login_session(server, EMAIL))
    assert screen.sync()["ok"]
    # Another process (run.py) cannot disconnect the server's sockets; the server checks
    # the login session on every act and sync.
    server.cli("user", "password", EMAIL, stdin="another good password\n")
    ack = screen.act("agenda.add", {"kind": "dilemma_collect", "title": "Dilemma's"})
    assert ack["ok"] is False and ack["error"]["code"] == "login", ack
    wait(lambda: not screen.sio.connected)
    assert server.db_rows("SELECT COUNT(*) AS n FROM agenda_items WHERE title = ?",
                          ("Dilemma's",)) == [{"n": 0}]


def test_a_new_password_in_the_server_disconnects_every_session_of_the_account(
    app: Any, store: Any
) -> None:
    from facilitator import auth, socketio

    user = auth.add_user(store, EMAIL, "correct horse battery", "facilitator")
    from facilitator.room import workshops

    code = workshops.create_workshop(store, user.id, "Sessie")["code"]
    browser = app.test_client()
    browser.post("/login", data={"email": EMAIL, "password": "correct horse battery"})
    screen = socketio.test_client(app, flask_test_client=browser,
                                  auth={"kind": "facilitator", "code": code})
    assert screen.is_connected()
    with app.test_request_context():
        auth.set_password(store, user.id, "another good password")
    assert not screen.is_connected()
    assert store.scalar("SELECT COUNT(*) FROM presence") == 0


def test_deactivating_an_account_disconnects_its_open_control_pages_at_once(
    app: Any, store: Any
) -> None:
    """Issue 15: a deactivated account's sockets, browser and API token alike, get
    nothing more; another facilitator's control page of the same workshop stays."""
    from facilitator import accounts, auth, socketio
    from facilitator.room import workshops

    leaver = auth.add_user(store, "leaver@gemeente.nl", "correct horse battery", "facilitator")
    auth.add_user(store, "admin@gemeente.nl", "correct horse battery", "admin")
    code = workshops.create_workshop(store, leaver.id, "Sessie")["code"]
    browser = app.test_client()
    browser.post("/login", data={"email": "leaver@gemeente.nl",
                                 "password": "correct horse battery"})
    page = socketio.test_client(app, flask_test_client=browser,
                                auth={"kind": "facilitator", "code": code})
    token = auth.new_api_token(store, "leaver@gemeente.nl")
    api = socketio.test_client(app, auth={"kind": "facilitator", "code": code, "token": token})
    other = app.test_client()
    other.post("/login", data={"email": "admin@gemeente.nl", "password": "correct horse battery"})
    kept = socketio.test_client(app, flask_test_client=other,
                                auth={"kind": "facilitator", "code": code})
    assert page.is_connected() and api.is_connected() and kept.is_connected()
    assert store.scalar("SELECT COUNT(*) FROM presence WHERE user_id = ?", (leaver.id,)) == 2

    with app.test_request_context():
        accounts.deactivate(store, leaver.id)
    assert not page.is_connected() and not api.is_connected()
    assert kept.is_connected()
    assert store.scalar("SELECT COUNT(*) FROM presence WHERE user_id = ?", (leaver.id,)) == 0
