"""The Socket.IO protocol against a real server: the dispatcher's refusals, idempotency,
sync after a gap, what each audience may see, languages and the server-owned timer.

Every refusal test checks that nothing changed: the workshop's seq, its event rows and
the domain rows are the same before and after.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests
import socketio
import support
from support import Server, login_cookie

FAC = "fac@example.nl"


# One server for the module (each test gets its own workshop): starting one costs seconds.
@pytest.fixture(scope="module")
def server(tmp_path_factory: Any) -> Any:
    shared = Server(tmp_path_factory.mktemp("protocol"),
                    env={"FACILITATOR_RATELIMIT_LOGIN": "1000/minute"})
    shared.start()
    yield shared
    shared.stop()


@pytest.fixture(scope="module")
def facilitator_token(server: Server) -> str:
    server.add_user(FAC, "facilitator", teams=("Wijkteam Noord",), name="Fatima")
    return server.token(FAC)


@pytest.fixture(scope="module")
def cookie(server: Server, facilitator_token: str) -> str:
    return login_cookie(server, FAC)


def parse(ts: str) -> datetime:
    return datetime.fromisoformat(ts.replace("Z", "+00:00"))


def snapshot(server: Server, code: str) -> dict[str, Any]:
    """Everything an action could change, as stored."""
    (workshop,) = server.db_rows("SELECT * FROM workshops WHERE code = ?", (code,))
    wid = workshop["id"]
    return {
        "workshop": workshop,
        "events": server.db_rows("SELECT * FROM events WHERE workshop_id = ? ORDER BY id", (wid,)),
        "participants": server.db_rows(
            "SELECT id, name, token_hash FROM participants WHERE workshop_id = ? ORDER BY id",
            (wid,),
        ),
        "agenda": server.db_rows(
            "SELECT * FROM agenda_items WHERE workshop_id = ? ORDER BY id", (wid,)
        ),
    }


class Room(support.Room):
    """One open workshop with its facilitator connected over Socket.IO (the shared
    builder, whose screens are checked against a fresh sync after every action)."""

    def __init__(self, server: Server, clients: Any, token: str, cookie: str,
                 language: str = "nl"):
        super().__init__(server, token, cookie, clients=clients, title="Werkconferentie",
                         language=language)
        self.clients = clients

    def snapshot(self) -> dict[str, Any]:
        return snapshot(self.server, self.code)

    def add_item(self, title: str = "Tweede stap") -> int:  # type: ignore[override]
        return super().add_item("welcome", title)


@pytest.fixture
def room(server: Server, facilitator_token: str, cookie: str, clients: Any) -> Room:
    return Room(server, clients, facilitator_token, cookie)


def refused(ack: Any, code: str) -> dict[str, Any]:
    assert isinstance(ack, dict), ack
    assert ack["ok"] is False, ack
    # `field` names the payload field a refusal is about (docs/protocol.md).
    assert {"code", "message"} <= set(ack["error"]) <= {"code", "message", "field"}, ack
    assert ack["error"]["code"] == code, ack
    assert ack["error"]["message"] and "Traceback" not in ack["error"]["message"]
    return ack["error"]


# --- refusals change nothing -------------------------------------------------------------


def test_over_long_text_is_refused_and_changes_nothing(room: Room) -> None:
    item_id = room.fac.sync()["control"]["item"]["id"]
    before = room.snapshot()
    error = refused(room.fac.act("welcome.set_text", {"item_id": item_id, "text": "x" * 3000}),
                    "invalid")
    assert "2000" in error["message"]
    assert room.snapshot() == before
    # The same action within bounds is applied: the refusal was about the length only.
    assert room.fac.act("welcome.set_text", {"item_id": item_id, "text": "Welkom allemaal"})["ok"]
    after = room.snapshot()
    assert after["workshop"]["seq"] == before["workshop"]["seq"] + 1
    assert "Welkom allemaal" in after["agenda"][0]["config"]


def test_over_long_participant_name_is_refused_over_http(room: Room) -> None:
    before = room.snapshot()
    response = requests.post(room.server.url + "/api/v1/join",
                             json={"code": room.code, "name": "n" * 41}, timeout=10)
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"]["code"] == "invalid"
    assert "40" in body["error"]["message"]
    assert room.snapshot() == before
    # Exactly 40 characters is fine.
    ok = requests.post(room.server.url + "/api/v1/join",
                       json={"code": room.code, "name": "n" * 40}, timeout=10)
    assert ok.status_code == 201


@pytest.mark.parametrize(
    "envelope",
    [
        "agenda.next",
        ["agenda.next", "abcdefgh12"],
        42,
        None,
        {"op": "agenda.next", "data": {}},  # no op_id
        {"op": "agenda.next", "op_id": "abcdefgh12", "data": {}, "extra": 1},
        {"op": "agenda.next", "op_id": "short", "data": {}},
        {"op": "agenda.next", "op_id": "has spaces in it", "data": {}},
        {"op": "agenda.next", "op_id": "x" * 65, "data": {}},
        {"op": "agenda.next", "op_id": 12345678, "data": {}},
        {"op": ["agenda.next"], "op_id": "abcdefgh12", "data": {}},
    ],
    ids=["string", "list", "number", "null", "no-op_id", "extra-key", "short-op_id",
         "spaces-op_id", "long-op_id", "int-op_id", "list-op"],
)
def test_malformed_envelopes_are_refused(room: Room, envelope: Any) -> None:
    room.add_item()
    before = room.snapshot()
    ack = room.fac.sio.call("act", envelope, timeout=10)
    refused(ack, "malformed")
    assert room.snapshot() == before


def test_bad_data_inside_a_good_envelope(room: Room) -> None:
    before = room.snapshot()
    refused(room.fac.act("timer.start", {"seconds": "sixty"}), "invalid")
    refused(room.fac.act("timer.start", {"seconds": 60, "colour": "red"}), "invalid")
    refused(room.fac.act("timer.start", {"seconds": 10 ** 9}), "invalid")
    refused(room.fac.sio.call("act", {"op": "timer.start", "op_id": "abcdefgh12",
                                      "data": [60]}, timeout=10), "invalid")
    assert room.snapshot() == before


def test_oversized_message_is_dropped_and_the_server_stays_alive(room: Room) -> None:
    item_id = room.fac.sync()["control"]["item"]["id"]
    before = room.snapshot()
    envelope = {"op": "welcome.set_text", "op_id": "abcdefgh-big",
                "data": {"item_id": item_id, "text": "y" * (70 * 1024)}}
    try:
        ack = room.fac.sio.call("act", envelope, timeout=5)
    except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
        ack = None  # the transport dropped the message (and perhaps the connection)
    print("oversized message answered with", ack)
    if ack is not None:
        refused(ack, "too_large")
    assert room.snapshot() == before
    assert room.server.proc.poll() is None
    assert requests.get(room.server.url + "/healthz", timeout=5).ok
    # A fresh connection works and its actions are applied.
    again = room.facilitator()
    assert again.act("welcome.set_text", {"item_id": item_id, "text": "klein"})["ok"]
    assert room.seq() == before["workshop"]["seq"] + 1


def test_unknown_action(room: Room) -> None:
    before = room.snapshot()
    refused(room.fac.act("nothing.here"), "unknown_action")
    refused(room.fac.act("agenda.explode"), "unknown_action")
    refused(room.fac.act("NOT AN OP"), "unknown_action")
    assert room.snapshot() == before


def test_participant_may_not_steer(room: Room) -> None:
    room.add_item()
    phone = room.phone("Ann")
    before = room.snapshot()
    item_id = before["agenda"][0]["id"]
    for op, data in [
        ("agenda.next", {}),
        ("agenda.goto", {"item_id": before["agenda"][1]["id"]}),
        ("timer.start", {"seconds": 60}),
        ("workshop.close", {}),
        ("workshop.lock", {"locked": True}),
        ("welcome.set_text", {"item_id": item_id, "text": "gekaapt"}),
        ("participant.remove", {"participant_id": phone.participant_id}),
        ("participant.join", {"name": "Tweede", "anonymous": False}),
    ]:
        refused(phone.act(op, data), "forbidden")
    assert room.snapshot() == before


def test_board_may_not_do_anything(room: Room) -> None:
    room.add_item()
    board = room.board()
    before = room.snapshot()
    for op, data in [
        ("agenda.next", {}),
        ("workshop.open", {}),
        ("timer.start", {"seconds": 60}),
        ("welcome.set_text", {"item_id": before["agenda"][0]["id"], "text": "x"}),
        ("participant.join", {"name": "Bord", "anonymous": False}),
    ]:
        refused(board.act(op, data), "forbidden")
    assert room.snapshot() == before


def test_another_facilitator_cannot_connect_or_act(room: Room, clients: Any) -> None:
    room.server.add_user("other@example.nl", "facilitator")
    other = login_cookie(room.server, "other@example.nl")
    with pytest.raises(socketio.exceptions.ConnectionError):
        clients(room.server.url, {"kind": "facilitator", "code": room.code},
                headers={"Cookie": other})
    # Without any login at all.
    with pytest.raises(socketio.exceptions.ConnectionError):
        clients(room.server.url, {"kind": "facilitator", "code": room.code})


def test_participant_of_another_workshop_cannot_act_here(
    room: Room, facilitator_token: str, clients: Any
) -> None:
    other = room.server.create_workshop(facilitator_token, title="Andere sessie")
    stranger = room.server.join(other["code"], "Vreemde")
    before = room.snapshot()
    # Their token does not open this workshop.
    with pytest.raises(socketio.exceptions.ConnectionError):
        clients(room.server.url, {"kind": "participant", "code": room.code,
                                  "token": stranger["token"]})
    # Nor does a made-up one, or none.
    for token in ("made-up-token", None):
        with pytest.raises(socketio.exceptions.ConnectionError):
            clients(room.server.url, {"kind": "participant", "code": room.code, "token": token})
    # Connected to their own workshop, they act there and only there.
    own = clients(room.server.url, {"kind": "participant", "code": other["code"],
                                    "token": stranger["token"]})
    assert own.sync()["phone"]["workshop"]["code"] == other["code"]
    assert room.snapshot() == before


def test_removed_participant_is_refused_per_action(room: Room) -> None:
    phone = room.phone("Bo")
    assert room.fac.act("participant.remove", {"participant_id": phone.participant_id})["ok"]
    # The server closes the socket at once (issue 12); authorization per action is
    # covered in test_hardening2_identity.py.
    deadline = datetime.now() + timedelta(seconds=5)
    while phone.sio.connected and datetime.now() < deadline:
        phone.sio.sleep(0.02)
    assert not phone.sio.connected


def test_closed_workshop_refuses_changes(room: Room) -> None:
    assert room.fac.act("workshop.close")["ok"]
    before = room.snapshot()
    refused(room.fac.act("agenda.next"), "closed")
    refused(room.fac.act("timer.start", {"seconds": 60}), "closed")
    assert room.snapshot() == before
    response = requests.post(room.server.url + "/api/v1/join",
                             json={"code": room.code, "name": "Laat"}, timeout=10)
    assert response.status_code == 404 and response.json()["error"]["code"] == "closed"


# --- idempotency, seq and sync -------------------------------------------------------------


def test_same_op_id_is_applied_once(room: Room) -> None:
    room.add_item()
    before = room.snapshot()
    op_id = "op-" + os.urandom(6).hex()
    first = room.fac.act("agenda.next", op_id=op_id)
    second = room.fac.act("agenda.next", op_id=op_id)
    assert first["ok"] and "duplicate" not in first
    assert second["ok"] and second["duplicate"] is True
    assert second["seq"] == first["seq"] == before["workshop"]["seq"] + 1
    assert second["result"] == first["result"]
    rows = room.server.db_rows("SELECT * FROM events WHERE op_id = ?", (op_id,))
    assert len(rows) == 1 and rows[0]["op"] == "agenda.next"
    after = room.snapshot()
    assert after["workshop"]["seq"] == first["seq"]
    assert after["workshop"]["current_item_id"] == before["agenda"][1]["id"]
    # A resend from a new connection (a reloaded page, a restarted server) is a duplicate too.
    again = room.facilitator().act("agenda.next", op_id=op_id)
    assert again["duplicate"] is True
    assert room.snapshot() == after


def test_someone_elses_op_id_gets_no_ack_of_theirs(room: Room) -> None:
    """Resending another participant's op_id neither applies anything nor reveals
    their ack (which would tell the id of, say, their anonymous dilemma)."""
    ack = room.fac.act("agenda.add", {"kind": "dilemma_collect", "title": "Verzamelen"})
    assert room.fac.act("agenda.goto", {"item_id": ack["result"]["item_id"]})["ok"]
    ann, bea = room.phone("Ann"), room.phone(None)
    dilemma = {"situation": "Een cliënt wil...", "options": ["A", "B"], "show_name": False}
    op_id = "op-" + os.urandom(6).hex()
    first = bea.act("dilemma.submit", dilemma, op_id=op_id)
    assert first["ok"], first
    before = room.snapshot()
    stolen = ann.act("dilemma.submit", dilemma, op_id=op_id)
    refused(stolen, "malformed")
    assert "dilemma_id" not in json.dumps(stolen)
    assert room.snapshot() == before
    assert len(room.server.db_rows("SELECT * FROM events WHERE op_id = ?", (op_id,))) == 1
    # Bea's own resend is still answered with her ack.
    assert bea.act("dilemma.submit", dilemma, op_id=op_id)["duplicate"] is True


def test_every_push_carries_the_seq_of_the_change(room: Room) -> None:
    second = room.add_item()
    phone = room.phone("Ann")
    board = room.board()
    ack = room.fac.act("agenda.next")
    assert ack["ok"] and ack["result"] == {"item_id": second}
    for client, name in ((phone, "phone"), (board, "board"), (room.fac, "control")):
        msg = client.wait_for(name, lambda v: v["item"] and v["item"]["id"] == second)
        assert msg["seq"] == ack["seq"]
    assert room.seq() == ack["seq"]


def test_sync_after_a_gap_gives_the_current_view(room: Room) -> None:
    second = room.add_item("Tweede")
    phone = room.phone("Ann")
    first_sync = phone.sync()
    old_seq = first_sync["seq"]
    assert first_sync["phone"]["item"]["id"] != second
    # The phone misses these pushes (it is asleep); only the sync tells it.
    phone.sio.handlers["/"].pop("phone", None)
    room.screens.discard(phone)  # an asleep screen is stale on purpose
    assert room.fac.act("agenda.next")["ok"]
    assert room.fac.act("timer.start", {"seconds": 120})["ok"]
    reply = phone.sync(old_seq)
    assert reply["ok"] is True
    assert reply["seq"] == room.seq() == old_seq + 2
    assert reply["phone"]["item"]["id"] == second
    assert reply["phone"]["item"]["title"] == "Tweede"
    assert reply["phone"]["timer"]["state"] == "running"
    assert reply["me"]["participant_id"] == phone.participant_id
    assert reply["me"]["name"] == "Ann"
    assert parse(reply["now"])  # the server's clock, for the countdown offset
    assert "control" not in reply and "board" not in reply


def test_the_truth_check_fails_for_a_screen_that_missed_a_push(room: Room) -> None:
    """The room's check (run after every action) is not vacuous: a phone that drops its
    pushes shows a stale view, and the check says so."""
    room.add_item("Tweede")
    phone = room.phone("Ann")
    phone.sio.handlers["/"].pop("phone", None)  # this screen no longer takes pushes
    room.screens.checking = False
    assert room.fac.act("agenda.next")["ok"]
    room.screens.timeout = 0.5
    with pytest.raises(AssertionError, match="phone Ann shows a stale phone"):
        room.screens.check("after agenda.next")
    room.screens.discard(phone)
    room.screens.check("without the deaf phone")  # everyone else is up to date


# --- what each audience may see --------------------------------------------------------------


def test_participant_never_sees_control_or_other_names(room: Room) -> None:
    second = room.add_item()
    anon = room.phone(None)
    named = room.phone("Zeynep Vertrouwelijk")
    board = room.board()
    assert room.fac.act("agenda.next")["ok"]
    assert room.fac.act("timer.start", {"seconds": 60})["ok"]
    room.fac.wait_for("control", lambda v: v["timer"] is not None)
    anon.wait_for("phone", lambda v: v["item"]["id"] == second and v["timer"])
    named.wait_for("phone", lambda v: v["item"]["id"] == second and v["timer"])
    board.wait_for("board", lambda v: v["people"]["joined"] == 2)
    # The facilitator sees who is there (the anonymous one without a name).
    people = room.fac.sync()["control"]["people"]
    assert [p["name"] for p in people] == [None, "Zeynep Vertrouwelijk"]
    for phone in (anon, named):
        names = {name for name, _ in phone.pushes}
        assert "control" not in names and "board" not in names
        assert names <= {"phone", "me"}
        reply = phone.sync()
        assert set(reply) == {"ok", "seq", "now", "phone", "me"}
    # No phone sees another's name or participant id; the anonymous one not even its own.
    synced = str(anon.sync())  # first: the sync's reply comes after any push before it
    assert "Zeynep" not in anon.raw() + synced
    assert str(anon.participant_id) in str(anon.sync()["me"])
    for phone in (anon, named):
        for name, msg in phone.pushes:
            assert "people" not in msg["view"], (name, msg)
        assert "people" not in phone.sync()["phone"]
    # The board gets counts, not names.
    synced = str(board.sync())
    assert "Zeynep" not in board.raw() + synced
    assert "people" in board.sync()["board"]
    assert set(board.sync()["board"]["people"]) == {"joined", "online"}
    assert {name for name, _ in board.pushes} == {"board"}


def test_presence_is_counted_for_board_and_listed_for_facilitator(room: Room) -> None:
    board = room.board()
    phone = room.phone("Ann")
    board.wait_for("board", lambda v: v["people"] == {"joined": 1, "online": 1})
    room.fac.wait_for("control", lambda v: [(p["name"], p["online"]) for p in v["people"]]
                      == [("Ann", 1)])
    phone.close()
    board.wait_for("board", lambda v: v["people"] == {"joined": 1, "online": 0})
    room.fac.wait_for("control", lambda v: [(p["name"], p["online"]) for p in v["people"]]
                      == [("Ann", 0)])


# --- languages -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "forbidden", "unknown"),
    [
        ("nl", "Dat mag je hier niet doen.", "Onbekende actie."),
        ("en", "You may not do that here.", "Unknown action."),
    ],
)
def test_messages_follow_the_workshop_language(
    server: Server, facilitator_token: str, cookie: str, clients: Any, language: str,
    forbidden: str, unknown: str,
) -> None:
    room = Room(server, clients, facilitator_token, cookie, language=language)
    phone = room.phone("Ann")
    board = room.board()
    assert refused(phone.act("agenda.next"), "forbidden")["message"] == forbidden
    assert refused(phone.act("what.ever"), "unknown_action")["message"] == unknown
    assert refused(board.act("agenda.next"), "forbidden")["message"] == forbidden
    # Views carry the workshop's language, and server-made titles are in it.
    view = phone.sync()["phone"]
    assert view["workshop"]["language"] == language
    assert view["item"]["title"] == {"nl": "Welkom", "en": "Welcome"}[language]


# --- the timer is the server's ---------------------------------------------------------------


def stored_timer(room: Room) -> dict[str, Any]:
    import json

    return json.loads(room.snapshot()["workshop"]["timer"])


def event_at(room: Room, seq: int) -> datetime:
    (row,) = room.server.db_rows(
        "SELECT at FROM events WHERE seq = ? AND workshop_id = ?",
        (seq, room.snapshot()["workshop"]["id"]),
    )
    return parse(row["at"])


def test_timer_start_pause_resume_extend_stop(room: Room) -> None:
    phone = room.phone("Ann")
    board = room.board()
    refused(room.fac.act("timer.pause"), "not_running")
    refused(room.fac.act("timer.resume"), "not_paused")

    start = room.fac.act("timer.start", {"seconds": 300})
    timer = stored_timer(room)
    assert timer["state"] == "running" and timer["duration"] == 300
    # ends_at is the moment of the action plus the duration, stored on the server.
    assert parse(timer["ends_at"]) - event_at(room, start["seq"]) == timedelta(seconds=300)
    for client, name in ((phone, "phone"), (board, "board"), (room.fac, "control")):
        msg = client.wait_for(name, lambda v: v["timer"] and v["timer"].get("state") == "running")
        assert msg["view"]["timer"]["ends_at"] == timer["ends_at"]

    pause = room.fac.act("timer.pause")
    paused = stored_timer(room)
    assert paused["state"] == "paused" and "ends_at" not in paused
    left = (parse(timer["ends_at"]) - event_at(room, pause["seq"])).total_seconds()
    assert paused["remaining"] == pytest.approx(left, abs=0.002)
    refused(room.fac.act("timer.pause"), "not_running")
    phone.wait_for("phone", lambda v: v["timer"] and v["timer"]["state"] == "paused")

    extend_paused = room.fac.act("timer.extend", {"seconds": 60})
    assert extend_paused["ok"]
    assert stored_timer(room)["remaining"] == pytest.approx(paused["remaining"] + 60, abs=0.002)
    assert stored_timer(room)["duration"] == 360

    resume = room.fac.act("timer.resume")
    running = stored_timer(room)
    assert running["state"] == "running"
    expected = event_at(room, resume["seq"]) + timedelta(seconds=paused["remaining"] + 60)
    assert abs((parse(running["ends_at"]) - expected).total_seconds()) <= 0.002

    extend = room.fac.act("timer.extend", {"seconds": 30})
    assert extend["ok"]
    extended = stored_timer(room)
    delta = (parse(extended["ends_at"]) - parse(running["ends_at"])).total_seconds()
    assert delta == pytest.approx(30, abs=0.002)
    assert extended["duration"] == 390
    board.wait_for("board", lambda v: v["timer"] and v["timer"].get("ends_at")
                   == extended["ends_at"])

    assert room.fac.act("timer.stop")["ok"]
    assert stored_timer(room) == {}
    phone.wait_for("phone", lambda v: v["timer"] is None)
    # Moving the agenda clears the timer too.
    room.add_item()
    assert room.fac.act("timer.start", {"seconds": 60})["ok"]
    assert room.fac.act("agenda.next")["ok"]
    assert stored_timer(room) == {}


# --- both async modes ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["eventlet", "gevent"])
def test_round_trip_in_each_async_mode(server_factory: Any, clients: Any, mode: str) -> None:
    server = server_factory(env={"FACILITATOR_ASYNC_MODE": mode})
    assert f"Facilitator ({mode})" in server.log.read_text()
    server.add_user(FAC, "facilitator")
    room = Room(server, clients, server.token(FAC), login_cookie(server, FAC))
    second = room.add_item("Tweede")
    phone = room.phone("Ann")
    ack = room.fac.act("agenda.next")
    assert ack["ok"]
    msg = phone.wait_for("phone", lambda v: v["item"]["id"] == second)
    assert msg["seq"] == ack["seq"]
    assert room.seq() == ack["seq"]
    assert "Traceback" not in server.log.read_text()


def test_refused_handshakes_say_why(room: Room, clients: Any) -> None:
    phone = room.phone("Bo")
    assert room.fac.act("participant.remove", {"participant_id": phone.participant_id})["ok"]
    cases = [
        ({"kind": "participant", "code": room.code, "token": phone.token}, "gone"),
        ({"kind": "participant", "code": "ZZZZZZ", "token": phone.token}, "bad_code"),
        # Any JSON may arrive as a token: refused, never a half-open connection.
        ({"kind": "participant", "code": room.code, "token": {"a": 1}}, "gone"),
        ({"kind": "participant", "code": room.code, "token": ["x" * 10]}, "gone"),
        ({"kind": "participant", "code": room.code, "token": 12345}, "gone"),
        ({"kind": "board", "token": "not-the-board-token"}, "bad_auth"),
        ({"kind": "emperor", "code": room.code}, "bad_auth"),
        ({"kind": "facilitator", "code": room.code}, "login"),
    ]
    for auth, code in cases:
        errors: list[Any] = []
        sio = socketio.Client(reconnection=False)
        sio.on("connect_error", errors.append)
        with pytest.raises(socketio.exceptions.ConnectionError):
            sio.connect(room.server.url, auth=auth, transports=["websocket"], wait_timeout=10)
        assert errors and errors[0]["data"] == {"code": code}, (auth, errors)
        assert errors[0]["message"] and "Traceback" not in errors[0]["message"]


def test_a_locked_workshop_keeps_its_phones(room: Room, clients: Any) -> None:
    phone = room.phone("Ann")
    phone.close()
    assert room.fac.act("workshop.lock", {"locked": True})["ok"]
    response = requests.post(room.server.url + "/api/v1/join",
                             json={"code": room.code, "name": "Laat"}, timeout=10)
    assert response.status_code == 404 and response.json()["error"]["code"] == "locked"
    # A phone that joined before the lock comes back (reload, sleep) as itself.
    again = clients(room.server.url, {"kind": "participant", "code": room.code,
                                      "token": phone.token})
    reply = again.sync()
    assert reply["ok"] and reply["me"]["participant_id"] == phone.participant_id
    assert reply["phone"]["workshop"]["locked"] is True
    assert len(room.snapshot()["participants"]) == 1


def test_adding_an_agenda_item_updates_step_counts_everywhere(room: Room) -> None:
    phone = room.phone("Ann")
    board = room.board()
    # What it shows (its sync on connect; a push only if the view changed since the last
    # one sent to the board room, which a board connecting does not do).
    assert board.views["board"]["item"]["total"] == 1
    ack = room.fac.act("agenda.add", {"kind": "welcome", "title": "Later"})
    # Board and phones show "step 1 of 2" at once, not only after the next move.
    for client, name in ((board, "board"), (phone, "phone"), (room.fac, "control")):
        msg = client.wait_for(name, lambda v: v["item"]["total"] == 2)
        assert msg["seq"] >= ack["seq"]
