"""Table screens over the real protocol: one group's phase, time and roles on a tablet at
its table, following the group; refused with a wrong link; never acting; never content."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests
import socketio
from hardening_support import fingerprint
from intervision_support import Room, table_token
from support import settle


# One server for the module (each test makes its own workshop).
@pytest.fixture(scope="module")
def server(module_server):
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token):
    return module_facilitator_token


@pytest.fixture
def room(server, facilitator_token, clients):
    return Room(server, facilitator_token, clients)


def table(room: Room, clients: Any, number: int, code: str | None = None) -> Any:
    token = table_token(room.server, code or room.code, number)
    if code is None:  # one of the room's screens: checked against its sync after every action
        return room.table(token, number)
    return clients(room.server.url, {"kind": "table", "token": token})


def group_view(client: Any) -> dict[str, Any] | None:
    reply = client.sync()
    assert reply["ok"], reply
    assert set(reply) == {"ok", "seq", "now", "table"}, reply.keys()
    return reply["table"]["view"]["group"]


def wait_table(client: Any, predicate: Any) -> dict[str, Any]:
    return client.wait_for(
        "table", lambda v: bool(v["view"] and v["view"]["group"]) and predicate(v["view"]["group"])
    )["view"]["view"]["group"]


def role_names(group: dict[str, Any]) -> dict[str, list[Any]]:
    return {r["role"]: r["names"] for r in group["roles"]}


def test_a_table_screen_shows_and_follows_its_group(room: Room, clients: Any) -> None:
    g1, g2 = room.make_groups(size=3)
    t1, t2, t3 = (table(room, clients, n) for n in (1, 2, 3))

    # Each table shows the group of its number: method, phase, time and who holds which role.
    shown = group_view(t2)
    assert shown["number"] == 2 and shown["id"] == g2["id"]
    assert shown["phase"]["index"] == 0 and shown["timer"]["state"] == "ready"
    assert [p["state"] for p in shown["phases"]][:2] == ["current", "todo"]
    members = {m["role"]: m["name"] for m in g2["members"] if m["role"] != "member"}
    names = role_names(shown)
    assert names["process_guide"] == [members["process_guide"]]
    assert sorted(names["member"]) == sorted(m["name"] for m in g2["members"]
                                             if m["role"] == "member")
    assert "note_taker" not in names  # shown only once someone takes it
    assert all(r["instruction"] for r in shown["roles"])
    assert group_view(t1)["id"] == g1["id"]
    assert t3.sync()["table"]["view"] == {"group": None}  # "No group at this table yet"

    # The guide of group 1 starts: table 1 gets a push with the same ends_at as the phones.
    guide = room.guide_of(g1)
    room.ok(room.phones[guide], "intervision.start", group_id=g1["id"])
    running = wait_table(t1, lambda g: g["timer"]["state"] == "running")
    assert running["timer"]["ends_at"] == room.me(guide)["group"]["timer"]["ends_at"]
    # Cases are proposed in this phase: the table counts them, without their texts.
    member = next(m["id"] for m in g1["members"] if m["role"] == "member")
    room.ok(room.phones[member], "intervision.contribute", group_id=g1["id"],
            text="Een cliënt die niet opendoet")
    counted = wait_table(t1, lambda g: g["counts"] == [{"kind": "case", "n": 1}])
    assert "cliënt" not in json.dumps(counted)
    ack = room.ok(room.phones[guide], "intervision.choose_case", group_id=g1["id"],
                  contribution_id=0)
    holder = ack["result"]["case_holder_id"]
    holder_name = next(m["name"] for m in g1["members"] if m["id"] == holder)
    wait_table(t1, lambda g: role_names(g)["case_holder"] == [holder_name])
    guide = room.guide_of(next(g for g in room.groups() if g["id"] == g1["id"]))

    # The guide advances: the table follows to the next phase, its time running anew.
    room.ok(room.phones[guide], "intervision.advance", group_id=g1["id"], from_phase=0)
    moved = wait_table(t1, lambda g: g["phase"]["index"] == 1)
    assert moved["timer"]["state"] == "running"
    assert [p["state"] for p in moved["phases"]][:3] == ["done", "current", "todo"]
    assert moved["phase"]["title"] == room.me(guide)["group"]["phase"]["title"]

    # A role given by the facilitator reaches the table too.
    other = next(m for m in g1["members"] if m["id"] not in (guide, holder))
    room.ok(room.fac, "intervision.role", group_id=g1["id"], role="note_taker",
            participant_id=other["id"])
    wait_table(t1, lambda g: role_names(g).get("note_taker") == [other["name"]])

    # Table 2 stayed where it was.
    seen = [p[1]["view"]["view"]["group"] for p in t2.pushes if p[0] == "table"]
    assert seen and all(g["id"] == g2["id"] and g["timer"]["state"] == "ready" for g in seen)
    assert group_view(t2)["timer"]["state"] == "ready"


def test_a_table_follows_regrouping_and_other_items(room: Room, clients: Any) -> None:
    t2 = table(room, clients, 2)
    assert t2.sync()["table"]["view"] == {"group": None}
    room.make_groups(size=3)
    assert wait_table(t2, lambda g: g["number"] == 2)["size"] == 3
    # An item without a table view: the screen follows the main screen.
    welcome = next(i["id"] for i in room.fac.sync()["control"]["agenda"] if i["kind"] == "welcome")
    room.ok(room.fac, "agenda.goto", item_id=welcome)
    follow = t2.wait_for("table", lambda v: v["item"]["id"] == welcome)["view"]
    assert follow["view"] is None and follow["number"] == 2
    assert t2.sync()["table"]["view"] is None


def test_wrong_links_are_refused(room: Room, server: Any, facilitator_token: str,
                                 clients: Any) -> None:
    other = server.create_workshop(facilitator_token, title="Andere sessie")
    good = table_token(server, room.code, 1)
    code, number, mac = good.split("-", 2)
    elsewhere_mac = table_token(server, other["code"], 1).split("-", 2)[2]
    bad = [
        f"{code}-2-{mac}",  # table 1's mac does not open table 2
        f"{other['code']}-1-{mac}",  # nor another workshop's table 1
        f"{code}-1-{elsewhere_mac}",  # nor does another workshop's mac open this one
        f"{code}-1-{mac[:-1]}", f"{code}-0-{mac}", f"{code}-41-{mac}", "nope", "", None, 7,
        "x" * 500,
    ]
    for token in bad:
        errors: list[Any] = []
        sio = socketio.Client(reconnection=False)
        sio.on("connect_error", errors.append)
        with pytest.raises(socketio.exceptions.ConnectionError):
            sio.connect(server.url, auth={"kind": "table", "token": token},
                        transports=["websocket"], wait_timeout=10)
        assert errors and errors[0]["data"] == {"code": "bad_auth"}, (token, errors)
        # In the workshop's language (Dutch by default).
        assert errors[0]["message"] == "Deze link voor een tafelscherm klopt niet.", errors
    # A table screen of an English workshop says it in English (issue 18): the page
    # tells the server its language, which the server can't know for a wrong link.
    errors = []
    sio = socketio.Client(reconnection=False)
    sio.on("connect_error", errors.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(server.url, auth={"kind": "table", "token": f"{code}-2-{mac}", "lang": "en"},
                    transports=["websocket"], wait_timeout=10)
    assert errors[0]["message"] == "This table screen link is not valid.", errors
    # The page of a wrong link is a friendly, translated 404; the right one opens.
    response = requests.get(f"{server.url}/table/{code}-2-{mac}", timeout=10)
    assert response.status_code == 404
    assert "Deze link voor een tafelscherm klopt niet" in response.text
    assert "Traceback" not in response.text
    page = requests.get(f"{server.url}/table/{good}", timeout=10)
    assert page.status_code == 200 and 'lang="nl"' in page.text
    assert "<script>" not in page.text  # CSP: module scripts only
    assert table(room, clients, 1).sync()["ok"]


def test_the_control_page_links_each_table(room: Room, server: Any) -> None:
    from support import login_cookie

    g1, g2 = room.make_groups(size=3)
    for g in (g1, g2):
        assert g["table_path"] == "/table/" + table_token(server, room.code, g["number"])
    qr = f"{server.url}/w/{room.code}/table/2/qr.svg"
    anonymous = requests.get(qr, timeout=10, allow_redirects=False)
    assert anonymous.status_code in (302, 401)
    owner = requests.get(qr, timeout=10, headers={"Cookie": login_cookie(server,
                                                                        "fac@example.nl")})
    assert owner.status_code == 200 and owner.headers["Content-Type"].startswith("image/svg")
    assert re.search(r"<svg", owner.text)


def test_a_table_screen_cannot_act(room: Room, server: Any, clients: Any) -> None:
    from hardening_support import actions as registry

    g1, _ = room.make_groups(size=3)
    screen = table(room, clients, 1)
    db = server.data_dir / "facilitator.db"
    before = fingerprint(db)
    for name in sorted(registry()):
        data = {"group_id": g1["id"], "item_id": room.item_id, "text": "van de tafel"}
        ack = screen.act(name, data)
        assert ack["ok"] is False, (name, ack)
        assert ack["error"]["code"] == "forbidden", (name, ack)
        assert ack["error"]["message"] == "Dat mag je hier niet doen.", ack
    assert fingerprint(db) == before


SECRETS = ("GEHEIM1", "GEHEIM2")


def test_no_content_ever_reaches_a_table_screen(room: Room, clients: Any) -> None:
    """Marker texts in cases, questions, advice, notes and takeaways of both groups appear in
    no push and no sync of any table screen, even with the facilitator reading content."""
    room.ok(room.fac, "intervision.settings", content_visible=True, auto_advance=False)
    groups = room.make_groups(size=3)
    screens = [table(room, clients, n) for n in (1, 2, 3)]
    for group, secret in zip(groups, SECRETS, strict=True):
        for pid in (m["id"] for m in group["members"]):
            room.ok(room.phones[pid], "intervision.note", group_id=group["id"],
                    text=f"{secret} private note of {pid}")
        room.run_round(group, secret)
    # The control page (content setting on) did get the content: the markers are real.
    control = json.dumps(room.control())
    assert all(secret in control for secret in SECRETS)
    # The tables saw the rounds (many pushes, to the end) and nothing anyone wrote.
    for n, screen in enumerate(screens[:2], start=1):
        done = wait_table(screen, lambda g: g["timer"]["state"] == "done")
        assert done["number"] == n
        assert len([p for p in screen.pushes if p[0] == "table"]) >= 5
    # The round's last push is in at the control page; a sync on each table then comes
    # after anything sent to it in the same flush.
    settle(room.fac, room.seq(), *screens)
    for screen in screens:
        travelled = screen.raw() + json.dumps(screen.sync(), ensure_ascii=False)
        for secret in SECRETS:
            assert secret not in travelled
        assert not [p for p in screen.pushes if p[0] != "table"]
