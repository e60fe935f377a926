"""Issue 12, item 7: the feedback and agreements phone views no longer carry every named
participant in every push (O(N^2) bytes per push over a room); a phone asks for the names
(`people`) when `people_rev` says they changed, and only while its activity offers them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from support.room import Room
from support.server import Server

from facilitator import auth
from facilitator.live.screens import Views
from facilitator.room import workshops


def _phone_view_bytes(app: Any, store: Any, people: int, kind: str) -> int:
    with app.test_request_context():
        user = auth.add_user(store, f"fac{people}{kind}@example.nl", "correct horse battery",
                             "facilitator")
        ws = workshops.create_workshop(store, user.id, "Teamdag", agenda="team_agreements")
        with store.write() as db:
            for n in range(people):
                db.execute("INSERT INTO participants (workshop_id, token_hash, name, joined_at,"
                           " last_seen_at) VALUES (?, ?, ?, '', '')",
                           (ws["id"], f"t-{ws['id']}-{n}", f"Medewerker {n:04d} Wijkteam Noord"))
        item = store.one("SELECT id FROM agenda_items WHERE workshop_id = ? AND kind = ?",
                         (ws["id"], kind))
        store.run("UPDATE workshops SET status = 'open', current_item_id = ? WHERE id = ?",
                  (item["id"], ws["id"]))
        view = Views(store, dict(store.one("SELECT * FROM workshops WHERE id = ?",
                                           (ws["id"],)))).phone()
    text = json.dumps(view, ensure_ascii=False)
    assert "Medewerker" not in text
    return len(text.encode())


@pytest.mark.parametrize("kind", ["feedback", "agreements"])
def test_the_phone_view_does_not_grow_with_the_room(app: Any, store: Any, kind: str) -> None:
    small = _phone_view_bytes(app, store, 60, kind)
    large = _phone_view_bytes(app, store, 1000, kind)
    # Only the digits of people_rev differ (bench/phone_bytes.py reports the figures).
    assert large - small <= 8, (small, large)


def _names(reply: dict[str, Any]) -> list[str]:
    assert reply["ok"], reply
    return [p["name"] for p in reply["people"]]


def test_a_phone_asks_for_the_names_when_they_changed(server: Server, facilitator_token: str,
                                                      clients: Any) -> None:
    room = Room(server, facilitator_token, clients=clients, agenda="team_agreements")
    ann, bob = room.phone("Ann"), room.phone("Bob")
    room.phone(None)  # anonymous: never in the list
    room.goto("feedback")
    rev = ann.sync()["phone"]["item"]["view"]["people_rev"]
    assert _names(ann.sio.call("people", {}, timeout=10)) == ["Ann", "Bob"]
    # Someone joins: the rev changes (a small push), and the names follow when asked.
    cem = room.phone("Cem")
    pushed = bob.wait_for("phone", lambda v: v["item"]["view"]["people_rev"] != rev)["view"]
    assert "Cem" not in json.dumps(pushed)
    reply = bob.sio.call("people", {}, timeout=10)
    assert _names(reply) == ["Ann", "Bob", "Cem"]
    assert reply["rev"] == pushed["item"]["view"]["people_rev"]
    # A removal changes it too (here back to what it was: the same two names).
    removed = room.ok(room.fac, "participant.remove", participant_id=cem.participant_id)
    ann.wait_seq(removed["seq"])
    assert ann.views["phone"]["item"]["view"]["people_rev"] == rev != reply["rev"]
    assert _names(ann.sio.call("people", {}, timeout=10)) == ["Ann", "Bob"]
    room.goto("agreements")
    assert "people_rev" in ann.sync()["phone"]["item"]["view"]
    assert _names(ann.sio.call("people", {}, timeout=10)) == ["Ann", "Bob"]


def test_the_names_are_only_for_phones_whose_activity_offers_them(
    server: Server, facilitator_token: str, clients: Any
) -> None:
    room = Room(server, facilitator_token, clients=clients, agenda="team_agreements")
    ann = room.phone("Ann")
    room.goto("open_agreements")
    refused = ann.sio.call("people", {}, timeout=10)
    assert refused["ok"] is False and refused["error"]["code"] == "forbidden"
    board = room.board()
    assert board.sio.call("people", {}, timeout=10)["error"]["code"] == "bad_auth"
    assert room.fac.sio.call("people", {}, timeout=10)["error"]["code"] == "bad_auth"
