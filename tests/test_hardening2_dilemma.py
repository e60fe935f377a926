"""Issue 12, item 13: with approval on, an approved dilemma whose author edits it goes back
for approval, so replaced text never goes straight to the beamer."""

from __future__ import annotations

import pytest
from test_intervision_units import _ok

from facilitator import auth
from facilitator.live.actions import FACILITATOR, PARTICIPANT, Actor
from facilitator.live.screens import Views
from facilitator.room import workshops

TEXT = {"options": ["Bellen", "Wachten"], "values": "", "show_name": False}


@pytest.fixture(autouse=True)
def _in_app(app):
    with app.app_context():
        yield


def _board(store, ws_id: int) -> dict:
    workshop = store.one("SELECT * FROM workshops WHERE id = ?", (ws_id,))
    return Views(store, workshop).board()["item"]["view"]


def test_an_edited_dilemma_waits_for_approval_again(app, store) -> None:
    user = auth.add_user(store, "fac@example.nl", "correct horse battery", "facilitator")
    ws = workshops.create_workshop(store, user.id, "Werkconferentie", agenda="dilemmas")
    fac = Actor(FACILITATOR, ws["id"], user_id=user.id)
    item = store.one("SELECT id FROM agenda_items WHERE workshop_id = ? AND kind ="
                     " 'dilemma_collect'", (ws["id"],))["id"]
    _ok(app, fac, "workshop.open")
    _ok(app, fac, "agenda.goto", item_id=item)
    _ok(app, fac, "dilemma_collect.settings", item_id=item, open=True, show_texts=True,
        approval=True)
    pid = store.run("INSERT INTO participants (workshop_id, token_hash, name, joined_at,"
                    " last_seen_at) VALUES (?, 'h', 'Anna', '', '')", (ws["id"],)).lastrowid
    phone = Actor(PARTICIPANT, ws["id"], participant_id=pid)
    did = _ok(app, phone, "dilemma.submit", situation="Een cliënt weigert hulp.",
              **TEXT)["dilemma_id"]
    assert _board(store, ws["id"])["dilemmas"] == []  # waits for approval
    _ok(app, fac, "dilemma.approve", dilemma_id=did, approved=True)
    assert [d["situation"] for d in _board(store, ws["id"])["dilemmas"]] == [
        "Een cliënt weigert hulp."]
    _ok(app, phone, "dilemma.edit", dilemma_id=did, situation="REPLACED TEXT", **TEXT)
    assert _board(store, ws["id"])["dilemmas"] == []
    assert "REPLACED TEXT" not in str(_board(store, ws["id"]))
    assert store.one("SELECT approved FROM dilemmas WHERE id = ?", (did,))["approved"] == 0
    # Without approval an edit stays on the board as before.
    _ok(app, fac, "dilemma_collect.settings", item_id=item, open=True, show_texts=True,
        approval=False)
    _ok(app, fac, "dilemma.approve", dilemma_id=did, approved=True)
    _ok(app, phone, "dilemma.edit", dilemma_id=did, situation="Tweede versie", **TEXT)
    assert [d["situation"] for d in _board(store, ws["id"])["dilemmas"]] == ["Tweede versie"]
