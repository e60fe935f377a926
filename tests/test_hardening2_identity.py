"""Issue 12, item 1: a participant's identity cannot be taken over.

A removed participant's sockets are closed at once and receive nothing more; ids are
never handed out again (not even the highest, which SQLite reuses without
AUTOINCREMENT); every action re-checks the token, not only the id; personal rooms are
per workshop; rows naming a participant have foreign keys with a delete rule, also in a
database made before this change.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from agreements_support import open_room, propose, team_id, tomorrow

from conftest import Server


def wait(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_removing_a_participant_closes_all_their_sockets_and_their_id_is_never_reused(
    server: Server, facilitator_token: str, clients: Any
) -> None:
    room = open_room(server, clients, "fac@example.nl", facilitator_token, "Sessie",
                     team_id(server), names=("Ann", "Bob"))
    room.goto("agreements")
    # Zoe joins last (the highest id, the one SQLite reused) and has two phones open.
    token = server.join(room.workshop["code"], "Zoe")["token"]
    zoe = [clients(server.url, {"kind": "participant", "code": room.workshop["code"],
                                "token": token}) for _ in range(2)]
    zoe_id = max(r["id"] for r in server.db_rows("SELECT id FROM participants"))
    ack = propose(room.phones["Ann"], owner_id=room.ids["Ann"], what="Samen lunchen",
                  with_ids=[zoe_id], due_date=tomorrow(7))
    assert ack["ok"], ack

    removed = room.fac.act("participant.remove", {"participant_id": zoe_id})
    assert removed["ok"], removed
    wait(lambda: not any(c.sio.connected for c in zoe))
    assert server.db_rows("SELECT * FROM presence WHERE participant_id = ?", (zoe_id,)) == []
    # The pending confirmation went with her (foreign key, ON DELETE CASCADE).
    assert server.db_rows("SELECT * FROM agreement_people WHERE participant_id = ?",
                          (zoe_id,)) == []

    newcomer = server.join(room.workshop["code"], "Nieuw")
    assert newcomer["participant_id"] > zoe_id
    phone = clients(server.url, {"kind": "participant", "code": room.workshop["code"],
                                 "token": newcomer["token"]})
    assert phone.sync()["me"]["participant_id"] == newcomer["participant_id"]
    # The newcomer inherits no pending confirmation.
    assert server.db_rows("SELECT * FROM agreement_people WHERE participant_id = ?",
                          (newcomer["participant_id"],)) == []


def test_a_socket_whose_token_no_longer_matches_cannot_act_or_sync(app: Any) -> None:
    from facilitator.live.actions import PARTICIPANT, Actor
    from facilitator.live.sockets import sync_payload
    from facilitator.room.participants import hash_token

    store = app.extensions["facilitator.store"]
    with store.write() as db:
        db.execute("INSERT INTO users (email, role, password_hash, created_at)"
                   " VALUES ('f@x.nl', 'facilitator', 'x', 'now')")
        db.execute("INSERT INTO workshops (code, title, owner_id, board_token, status,"
                   " created_at) VALUES ('ABC123', 'W', 1, 'bt', 'open', 'now')")
        pid = db.execute("INSERT INTO participants (workshop_id, token_hash, name, joined_at,"
                         " last_seen_at) VALUES (1, ?, 'Ann', 'now', 'now')",
                         (hash_token("new-token"),)).lastrowid
    dispatcher = app.extensions["facilitator.dispatcher"]
    stale = Actor(PARTICIPANT, 1, participant_id=pid, token_hash=hash_token("old-token"))
    with app.test_request_context():
        ack = dispatcher.dispatch(stale, {"op": "timer.pause", "op_id": "op-12345678",
                                          "data": {}})
        assert ack["ok"] is False and ack["error"]["code"] == "forbidden", ack
        assert sync_payload(store, stale)["ok"] is False
        fresh = Actor(PARTICIPANT, 1, participant_id=pid, token_hash=hash_token("new-token"))
        assert sync_payload(store, fresh)["ok"] is True


def test_personal_rooms_are_per_workshop(app: Any) -> None:
    from facilitator import socketio
    from facilitator.room.participants import hash_token

    store = app.extensions["facilitator.store"]
    with store.write() as db:
        db.execute("INSERT INTO users (email, role, password_hash, created_at)"
                   " VALUES ('f@x.nl', 'facilitator', 'x', 'now')")
        db.execute("INSERT INTO workshops (code, title, owner_id, board_token, status,"
                   " created_at) VALUES ('ABC123', 'W', 1, 'bt', 'open', 'now')")
        pid = db.execute("INSERT INTO participants (workshop_id, token_hash, name, joined_at,"
                         " last_seen_at) VALUES (1, ?, 'Ann', 'now', 'now')",
                         (hash_token("tok"),)).lastrowid
    client = socketio.test_client(
        app, auth={"kind": "participant", "code": "ABC123", "token": "tok"})
    assert client.is_connected()
    rooms = socketio.server.manager.rooms["/"]
    assert f"w1:p{pid}" in rooms and f"p{pid}" not in rooms
    client.disconnect()


def _old_database(path: Path) -> None:
    """A database as the code before this change left it: participants without
    AUTOINCREMENT, agreements naming participants without foreign keys; the highest
    participant removed, a stale id left in an agreement."""
    from facilitator.activities import ACTIVITIES
    from facilitator.db import Store
    from facilitator.migrations import migrations

    store = Store(str(path))
    migrations.apply(store.db, stop_before="m003_participant_ids_never_reused")
    for activity in ACTIVITIES:
        if activity.migrations is not None:
            stop = ("m002_participant_foreign_keys"
                    if activity.migrations.name == "agreements" else None)
            activity.migrations.apply(store.db, stop_before=stop)
    db = store.db.conn
    db.execute("INSERT INTO users (email, role, password_hash, created_at)"
               " VALUES ('f@x.nl', 'facilitator', 'x', 'now')")
    db.execute("INSERT INTO workshops (code, title, owner_id, board_token, status, created_at)"
               " VALUES ('ABC123', 'W', 1, 'bt', 'open', 'now')")
    for n in (1, 2, 3):
        db.execute("INSERT INTO participants (id, workshop_id, token_hash, name, joined_at,"
                   " last_seen_at) VALUES (?, 1, ?, ?, 'now', 'now')", (n, f"h{n}", f"P{n}"))
    db.execute("INSERT INTO agreements (workshop_id, owner_participant_id, owner_name, what,"
               " due_date, proposed_by, created_at, updated_at)"
               " VALUES (1, 3, 'P3', 'Iets', '2030-01-01', 2, 'now', 'now')")
    for n in (2, 3):
        db.execute("INSERT INTO agreement_people (agreement_id, participant_id, name, role)"
                   " VALUES (1, ?, ?, 'with')", (n, f"P{n}"))
    db.execute("DELETE FROM participants WHERE id = 3")
    assert "AUTOINCREMENT" not in db.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'participants'").fetchone()[0]
    store.close()


def test_an_old_database_is_migrated_keeping_its_rows_and_never_reusing_ids(
    tmp_path: Path
) -> None:
    from facilitator import create_app

    _old_database(tmp_path / "facilitator.db")
    app = create_app({"DATA_DIR": str(tmp_path), "ASYNC_MODE": "threading", "TESTING": True})
    store = app.extensions["facilitator.store"]
    try:
        assert [tuple(r.values()) for r in store.all("SELECT id, name FROM participants")] == [
            (1, "P1"), (2, "P2")]
        new = store.run("INSERT INTO participants (workshop_id, token_hash, name, joined_at,"
                        " last_seen_at) VALUES (1, 'h4', 'P4', 'now', 'now')").lastrowid
        assert new == 4  # not 3, which a stale row named
        row = store.one("SELECT owner_participant_id, proposed_by, owner_name FROM agreements")
        assert tuple(row.values()) == (None, 2, "P3")  # the stale id cleared, the name kept
        people = store.all("SELECT participant_id FROM agreement_people")
        assert [r["participant_id"] for r in people] == [2]
        rules = {
            (t, r["from"]): r["on_delete"]
            for t in ("agreements", "agreement_people")
            for r in store.all(f"PRAGMA foreign_key_list({t})")
            if r["table"] == "participants"
        }
        assert rules == {
            ("agreements", "owner_participant_id"): "SET NULL",
            ("agreements", "proposed_by"): "SET NULL",
            ("agreement_people", "participant_id"): "CASCADE",
        }
        store.run("DELETE FROM participants WHERE id = 2")
        assert store.one("SELECT proposed_by FROM agreements")["proposed_by"] is None
        assert store.all("SELECT * FROM agreement_people") == []
        assert store.all("PRAGMA foreign_key_check") == []
    finally:
        store.close()

