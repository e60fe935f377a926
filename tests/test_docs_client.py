"""A facilitator's client without a browser, written from docs/api.md and docs/protocol.md.

Everything here uses only what those two documents say: a token from `run.py token`,
`POST /api/v1/workshops`, the handshake `auth: {kind: "facilitator", code, token}`, `act`
envelopes and their acks, the pushes, `POST /api/v1/join` for a phone, and the report as
Markdown through the API. No login form, no CSRF token, no cookie."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import socketio

from tests.conftest import Server, login_cookie

FAC = "fac@example.nl"
OTHER = "other@example.nl"
MANAGER = "manager@example.nl"
ADMIN = "admin@example.nl"

# docs/protocol.md, "Ready-made agendas": the work conference on dilemmas.
DILEMMAS_AGENDA = ["welcome", "dilemma_collect", "dilemma_sort", "dilemma_vote",
                   "dilemma_game", "dilemma_game", "dilemma_game", "dilemma_harvest"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Iterator[Server]:
    shared = Server(tmp_path_factory.mktemp("docs_client"))
    shared.start()
    for email, role in ((FAC, "facilitator"), (OTHER, "facilitator"), (MANAGER, "manager"),
                        (ADMIN, "admin")):
        shared.add_user(email, role)
    yield shared
    shared.stop()


@pytest.fixture(scope="module")
def tokens(server: Server) -> dict[str, str]:
    return {email: server.token(email) for email in (FAC, OTHER, MANAGER, ADMIN)}


class Screen:
    """One Socket.IO connection as docs/protocol.md describes it."""

    def __init__(self, url: str, auth: dict[str, Any]):
        self.pushes: list[tuple[str, dict[str, Any]]] = []
        self.sio = socketio.Client(reconnection=False)
        for event in ("board", "control", "phone", "me"):
            self.sio.on(event, lambda msg, event=event: self._pushed(event, msg))
        self.sio.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)

    def _pushed(self, event: str, msg: dict[str, Any]) -> None:
        self.pushes.append((event, msg))
        if event == "phone" and "me" in msg:  # after a phase change: the own part with it
            self.pushes.append(("me", {"seq": msg["seq"], "view": msg["me"]}))

    def act(self, op: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        # op_id: 8 to 64 characters, unique per workshop (32 hex digits, as the browser).
        return self.sio.call("act", {"op": op, "op_id": os.urandom(16).hex(),
                                     "data": data or {}}, timeout=10)

    def sync(self) -> dict[str, Any]:
        return self.sio.call("sync", {"seq": 0}, timeout=10)

    def push(self, event: str, predicate: Any, timeout: float = 5,
             since: int = 0) -> dict[str, Any]:
        """The first `event` push from seq `since` on whose view matches (an earlier push
        may match already when pushes were not coalesced)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, msg in list(self.pushes):
                if name == event and msg.get("seq", 0) >= since and predicate(msg["view"]):
                    return msg
            time.sleep(0.02)
        raise AssertionError(f"no matching {event} push: {self.pushes!r}")

    def close(self) -> None:
        self.sio.disconnect()


@pytest.fixture
def screens() -> Iterator[Any]:
    made: list[Screen] = []

    def make(url: str, auth: dict[str, Any]) -> Screen:
        screen = Screen(url, auth)
        made.append(screen)
        return screen

    yield make
    for screen in made:
        screen.close()


def _create(server: Server, token: str, **body: Any) -> dict[str, Any]:
    response = requests.post(server.url + "/api/v1/workshops", json=body, timeout=10,
                             headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    return response.json()


def _refusal(server: Server, auth: dict[str, Any], headers: dict[str, str] | None = None
             ) -> dict[str, Any]:
    errors: list[Any] = []
    sio = socketio.Client(reconnection=False)
    sio.on("connect_error", errors.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(server.url, auth=auth, headers=headers or {}, transports=["websocket"],
                    wait_timeout=10)
    assert errors, auth
    return errors[0]


def test_a_client_creates_runs_and_reports_a_workshop_with_a_token(
    server: Server, tokens: dict[str, str], screens: Any
) -> None:
    token = tokens[FAC]
    ws = _create(server, token, title="Werkconferentie Zorg", agenda="dilemmas")
    code = ws["code"]
    fac = screens(server.url, {"kind": "facilitator", "code": code, "token": token})

    # A new workshop starts at seq 1, on its first item, with the documented agenda.
    first = fac.sync()
    assert first["ok"] and first["seq"] == 1, first
    control = first["control"]
    assert [item["kind"] for item in control["agenda"]] == DILEMMAS_AGENDA
    assert control["item"]["id"] == control["agenda"][0]["id"]
    assert control["workshop"]["status"] == "draft"

    board = screens(server.url, {"kind": "board", "token": ws["board_url"].rsplit("/", 1)[1]})
    opened = fac.act("workshop.open")
    assert opened["ok"] and opened["seq"] == 2, opened  # every applied action: seq + 1
    board.push("board", lambda v: v["workshop"]["status"] == "open")

    joined = requests.post(server.url + "/api/v1/join", json={"code": code, "name": "Ann"},
                           timeout=10)
    assert joined.status_code == 201, joined.text
    phone = screens(server.url, {"kind": "participant", "code": code,
                                 "token": joined.json()["token"]})

    moved = fac.act("agenda.next")
    collect_id = control["agenda"][1]["id"]
    assert moved["ok"] and moved["result"] == {"item_id": collect_id}, moved
    for screen, event in ((board, "board"), (phone, "phone"), (fac, "control")):
        msg = screen.push(event, lambda v: (v["item"] or {}).get("kind") == "dilemma_collect")
        assert msg["seq"] >= moved["seq"]

    submitted = phone.act("dilemma.submit", {"situation": "Melden of niet?",
                                             "options": ["Melden", "Zwijgen"],
                                             "show_name": False})
    assert submitted["ok"], submitted
    dilemma_id = submitted["result"]["dilemma_id"]
    # The facilitator's control view lists it with its number in the workshop (#1).
    msg = fac.push("control", lambda v: any(d["id"] == dilemma_id
                                             for d in v["item"]["view"].get("dilemmas", [])))
    shown = next(d for d in msg["view"]["item"]["view"]["dilemmas"] if d["id"] == dilemma_id)
    assert shown["number"] == 1 and shown["situation"] == "Melden of niet?"
    assert "author" not in shown  # anonymous: the author's name never travels
    board.push("board", lambda v: v["item"]["view"].get("count") == 1)

    # The report, as Markdown, with the same token.
    report = requests.get(f"{server.url}/api/v1/workshops/{code}/report.md", timeout=10,
                          headers={"Authorization": f"Bearer {token}"})
    assert report.status_code == 200, report.text
    assert report.headers["Content-Type"].startswith("text/markdown")
    assert "Werkconferentie Zorg" in report.text and "Melden of niet?" in report.text


def test_the_token_opens_only_workshops_its_user_may_run(
    server: Server, tokens: dict[str, str], screens: Any
) -> None:
    code = _create(server, tokens[FAC], title="Alleen voor Fatima")["code"]
    refused = [
        ({"kind": "facilitator", "code": code}, None),  # neither token nor login
        ({"kind": "facilitator", "code": code, "token": "fac_not-a-token"}, None),
        ({"kind": "facilitator", "code": code, "token": tokens[OTHER]}, None),
        ({"kind": "facilitator", "code": code, "token": tokens[MANAGER]}, None),
        ({"kind": "facilitator", "code": code, "token": {"a": 1}}, None),
        ({"kind": "facilitator", "code": code, "token": ""}, None),
        # A bad token decides alone: the owner's session cookie beside it does not help.
        ({"kind": "facilitator", "code": code, "token": "fac_wrong"},
         {"Cookie": login_cookie(server, FAC)}),
    ]
    for auth, headers in refused:
        error = _refusal(server, auth, headers)
        assert error["data"] == {"code": "login"}, (auth, error)
        assert error["message"] and "Traceback" not in error["message"]
    # An admin may run any workshop, with their own token.
    admin = screens(server.url, {"kind": "facilitator", "code": code, "token": tokens[ADMIN]})
    assert admin.act("workshop.rename", {"title": "Door de beheerder"})["ok"]
    # Someone else's report is not there for another facilitator's token.
    other = requests.get(f"{server.url}/api/v1/workshops/{code}/report.md", timeout=10,
                         headers={"Authorization": f"Bearer {tokens[OTHER]}"})
    assert other.status_code == 404 and other.json()["error"]["code"] == "not_found"
    assert "Traceback" not in server.log.read_text()


def test_a_replaced_token_stops_opening_the_socket(server: Server, screens: Any) -> None:
    server.add_user("short@example.nl", "facilitator")
    old = server.token("short@example.nl")
    code = _create(server, old, title="Kort")["code"]
    screens(server.url, {"kind": "facilitator", "code": code, "token": old}).close()
    new = server.token("short@example.nl")  # a new token replaces the old one at once
    assert _refusal(server, {"kind": "facilitator", "code": code, "token": old}
                    )["data"] == {"code": "login"}
    assert screens(server.url, {"kind": "facilitator", "code": code, "token": new}
                   ).sync()["ok"]


def _open_room(server: Server, token: str, screens: Any, agenda: str
               ) -> tuple[dict[str, Any], Screen, list[dict[str, Any]]]:
    ws = _create(server, token, title="Kamer", agenda=agenda)
    fac = screens(server.url, {"kind": "facilitator", "code": ws["code"], "token": token})
    assert fac.act("workshop.open")["ok"]
    return ws, fac, fac.sync()["control"]["agenda"]


def _phone(server: Server, screens: Any, code: str, name: str) -> Screen:
    joined = requests.post(server.url + "/api/v1/join", json={"code": code, "name": name},
                           timeout=10)
    assert joined.status_code == 201, joined.text
    return screens(server.url, {"kind": "participant", "code": code,
                                "token": joined.json()["token"]})


def test_dots_and_voters_count_what_protocol_md_says(
    server: Server, tokens: dict[str, str], screens: Any
) -> None:
    ws, fac, agenda = _open_room(server, tokens[FAC], screens, "dilemmas")
    ann, bob = (_phone(server, screens, ws["code"], name) for name in ("Ann", "Bob"))
    collect, vote = agenda[1]["id"], agenda[3]["id"]
    assert fac.act("agenda.goto", {"item_id": collect})["ok"]
    first = ann.act("dilemma.submit", {"situation": "Een", "options": ["a", "b"],
                                       "show_name": False})["result"]["dilemma_id"]
    second = bob.act("dilemma.submit", {"situation": "Twee", "options": ["a", "b"],
                                        "show_name": False})["result"]["dilemma_id"]
    assert fac.act("agenda.goto", {"item_id": vote})["ok"]
    assert fac.act("dilemma_vote.open", {"item_id": vote})["ok"]

    # {dots}: this phone's own dots on that dilemma, after the action.
    assert ann.act("dilemma_vote.add", {"dilemma_id": first})["result"] == {"dots": 1}
    assert ann.act("dilemma_vote.add", {"dilemma_id": first})["result"] == {"dots": 2}
    bobs_first = bob.act("dilemma_vote.add", {"dilemma_id": first})
    assert bobs_first["result"] == {"dots": 1}
    assert bob.act("dilemma_vote.add", {"dilemma_id": second})["result"] == {"dots": 1}
    # voters: participants with at least one dot (not dots, not dilemmas). Two from Bob's
    # first dot on; his second changes no count, so no push need follow it (an unchanged
    # view is not sent again, pusher._fresh): look from his first.
    fac.push("control", lambda v: v["item"]["view"].get("voters") == 2,
             since=bobs_first["seq"])
    # `me` is {item_id, view}; dot keys are strings; the budget is 3 unless configured.
    mine = ann.push("me", lambda v: v["view"].get("used") == 2)["view"]
    assert mine == {"item_id": vote, "view": {"dots": {str(first): 2}, "used": 2, "left": 1}}
    assert bob.act("dilemma_vote.remove", {"dilemma_id": second})["result"] == {"dots": 0}
    assert bob.act("dilemma_vote.remove", {"dilemma_id": first})["result"] == {"dots": 0}
    fac.push("control", lambda v: v["item"]["view"].get("voters") == 1)  # Bob took all back

    assert fac.act("dilemma_vote.reveal", {"item_id": vote})["ok"]
    results = fac.push("control", lambda v: v["item"]["view"].get("revealed"))["view"][
        "item"]["view"]["results"]
    assert [(d["id"], d["dots"], d["voters"], d["rank"]) for d in results] == [
        (first, 2, 1, 1), (second, 0, 0, 2)]


def test_the_intervision_phone_view_is_choose_and_groups(
    server: Server, tokens: dict[str, str], screens: Any
) -> None:
    ws, fac, agenda = _open_room(server, tokens[FAC], screens, "intervision_incident")
    assert [item["kind"] for item in agenda] == ["welcome", "intervision"]
    phones = [_phone(server, screens, ws["code"], name) for name in ("Ann", "Bob", "Cor")]
    item = agenda[1]["id"]
    assert fac.act("agenda.next")["result"] == {"item_id": item}
    assert fac.act("intervision.configure", {"item_id": item, "group_size": 2,
                                             "grouping": "choose"})["ok"]
    made = fac.act("intervision.groups_make", {"item_id": item, "size": 2})
    assert made["ok"], made
    view = phones[0].push("phone", lambda v: (v["item"] or {}).get("kind") == "intervision"
                          and len(v["item"]["view"]["groups"]) == 2)["view"]["item"]["view"]
    assert set(view) == {"choose", "facilitator_reads", "groups"} and view["choose"] is True
    assert [set(g) for g in view["groups"]] == [{"id", "number", "size", "open"}] * 2
    assert sorted(g["size"] for g in view["groups"]) == [1, 2]
    assert all(g["open"] for g in view["groups"])  # not started: open to pick
    control = fac.push("control", lambda v: len(v["item"]["view"].get("groups", [])) == 2)
    cview = control["view"]["item"]["view"]
    assert {"settings", "config", "method", "library", "own", "groups", "unassigned"} <= set(cview)
    assert cview["config"]["method"] == "incident" and cview["config"]["grouping"] == "choose"
    assert all({"members", "table_path", "method_key", "timer", "phase"} <= set(g)
               for g in cview["groups"])


def test_the_join_form_takes_the_documented_fields(server: Server, tokens: dict[str, str]
                                                   ) -> None:
    import re

    code = _create(server, tokens[FAC], title="Formulier")["code"]
    fac_screen = Screen(server.url, {"kind": "facilitator", "code": code, "token": tokens[FAC]})
    try:
        assert fac_screen.act("workshop.open")["ok"]
    finally:
        fac_screen.close()
    browser = requests.Session()
    page = browser.get(f"{server.url}/j/{code}", timeout=10).text
    fields = dict(re.findall(r'name="(csrf_token|op_id)" value="([^"]+)"', page))
    assert set(fields) == {"csrf_token", "op_id"} and re.fullmatch(r"[0-9a-f]{24}",
                                                                     fields["op_id"])
    answer = browser.post(f"{server.url}/j/{code}", data={**fields, "anonymous": "1"},
                          timeout=10, allow_redirects=False)
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"/w/{code}/phone")
    cookie = answer.headers["Set-Cookie"]
    assert cookie.startswith(f"ftok_{code}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # The same form again (a double tap): no second participant.
    again = requests.post(f"{server.url}/j/{code}", data={**fields, "anonymous": "1"},
                          cookies={"session": browser.cookies.get("session", "")},
                          timeout=10, allow_redirects=False)
    assert again.status_code == 302
    rows = server.db_rows("SELECT p.name FROM participants p JOIN workshops w"
                          " ON w.id = p.workshop_id WHERE w.code = ?", (code,))
    assert rows == [{"name": None}]
    # A name over 40 characters: 400 with the form and the message.
    fresh = requests.Session()
    form = fresh.get(f"{server.url}/j/{code}", timeout=10).text
    fields = dict(re.findall(r'name="(csrf_token|op_id)" value="([^"]+)"', form))
    long_name = fresh.post(f"{server.url}/j/{code}", data={**fields, "name": "x" * 41},
                           timeout=10, allow_redirects=False)
    assert long_name.status_code == 400 and "40" in long_name.text


def test_the_example_in_protocol_md_runs(server: Server, tokens: dict[str, str]) -> None:
    """The Python example of "A facilitator's client without a browser", as printed."""
    import subprocess
    import sys
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "protocol.md").read_text(
        encoding="utf-8")
    section = text[text.index("### A facilitator's client without a browser"):]
    start = section.index("```python\n") + len("```python\n")
    code = section[start:section.index("\n```", start)]
    assert "http://127.0.0.1:5000" in code
    out = subprocess.run(
        [sys.executable, "-c", code.replace("http://127.0.0.1:5000", server.url)],
        env={**os.environ, "FACILITATOR_TOKEN": tokens[FAC]},
        capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    # Pushes print from the client's own thread: their lines may come between the others.
    lines = out.stdout.splitlines()
    acks = [line for line in lines if line.startswith("{")]
    assert "1" in lines, lines  # the sync of a new workshop: seq 1
    assert acks[0].startswith("{'ok': True, 'seq': 2"), lines
    assert acks[1].startswith("{'ok': True, 'seq': 3, 'result': {'item_id': "), lines
    assert any(line.startswith("3 ") for line in lines), lines  # the control push of seq 3
