"""Issue 12, items 11 and 12: after a workshop closes nothing in the database links an
anonymous dilemma, need, vote or choice to its author (while a resent op_id still gets
its ack); private feedback has a retention; every workshop is purged in time, also one
never closed, and a reopen does not restart the clock."""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from facilitator import auth
from facilitator.activities.intervision.retention import purge
from facilitator.db import iso, utcnow
from facilitator.live.actions import FACILITATOR, PARTICIPANT, Actor
from facilitator.room import participants, workshops
from facilitator.security import hash_token

PEOPLE = 60
LONG = ("Een cliënt met schulden wil geen bewindvoering, maar de woningcorporatie dreigt met "
        "ontruiming. " * 12)[:1000]


@pytest.fixture(autouse=True)
def _in_app(app: Any) -> Any:
    with app.test_request_context():
        yield


def _act(app: Any, actor: Actor, op: str, op_id: str | None = None, **data: Any) -> Any:
    return app.extensions["facilitator.dispatcher"].dispatch(
        actor, {"op": op, "op_id": op_id or os.urandom(8).hex(), "data": data})


def _ok(app: Any, actor: Actor, op: str, **data: Any) -> Any:
    ack = _act(app, actor, op, **data)
    assert ack["ok"], (op, ack)
    return ack["result"]


def _room(app: Any, store: Any) -> dict[str, Any]:
    user = auth.add_user(store, "fac@example.nl", "correct horse battery", "facilitator")
    ws = workshops.create_workshop(store, user.id, "Werkconferentie Wijkteams", agenda="dilemmas")
    fac = Actor(FACILITATOR, ws["id"], user_id=user.id)
    item = store.one("SELECT id FROM agenda_items WHERE workshop_id = ? AND kind ="
                     " 'dilemma_collect'", (ws["id"],))["id"]
    _ok(app, fac, "workshop.open")
    _ok(app, fac, "agenda.goto", item_id=item)
    _ok(app, fac, "dilemma_collect.settings", item_id=item, open=True, show_texts=True,
        approval=False)
    phones = []
    dispatcher = app.extensions["facilitator.dispatcher"]
    for n in range(PEOPLE):
        name = f"Medewerker {n:02d} Sociaal Wijkteam Noord"
        token, ack = participants.join_phone(dispatcher, ws, f"join-{n:06d}", name, False)
        assert ack["ok"], ack
        phones.append(Actor(PARTICIPANT, ws["id"], participant_id=ack["result"]["participant_id"],
                            token_hash=hash_token(token)))
    return {"ws": ws, "fac": fac, "item": item, "phones": phones}


def test_after_closing_nothing_links_an_anonymous_contribution_to_its_author(
    app: Any, store: Any
) -> None:
    room = _room(app, store)
    ws, fac, phones = room["ws"], room["fac"], room["phones"]
    wid = ws["id"]
    submitted: dict[int, str] = {}  # dilemma id -> its op_id
    for n in range(40):
        phone = phones[n]
        op_id = f"submit-{n:06d}"
        ack = _act(app, phone, "dilemma.submit", op_id=op_id,
                   situation=LONG if n % 4 == 0 else f"Dilemma {n}: bellen of wachten?",
                   options=["Bellen", "Wachten"], values="", show_name=n >= 35)
        assert ack["ok"], ack
        submitted[ack["result"]["dilemma_id"]] = op_id
    dilemmas = sorted(submitted)
    # Votes, choices, needs and arguments as the later steps write them.
    rnd = store.run(
        "INSERT INTO dilemma_rounds (workshop_id, item_id, dilemma_id, number, kind, mode,"
        " created_at) VALUES (?, ?, ?, 1, 'first', 'choice', '')",
        (wid, room["item"], dilemmas[0])).lastrowid
    for n, phone in enumerate(phones):
        pid = phone.participant_id
        store.run("INSERT INTO dilemma_votes (item_id, participant_id, dilemma_id, dots)"
                  " VALUES (?, ?, ?, ?)", (room["item"], pid, dilemmas[n % 7], 1 + n % 3))
        store.run("INSERT INTO dilemma_choices (round_id, participant_id, option)"
                  " VALUES (?, ?, ?)", (rnd, pid, n % 2))
        store.run("INSERT INTO dilemma_needs (workshop_id, dilemma_id, participant_id, text,"
                  " created_at) VALUES (?, ?, ?, 'Ruimte om af te wijken', '')",
                  (wid, dilemmas[0], pid))
    votes_before = [dict(r) for r in store.all(
        "SELECT participant_id, dilemma_id, dots FROM dilemma_votes")]

    _ok(app, fac, "workshop.close")

    # Anonymous dilemmas have no author; named ones keep the name the author chose to show.
    rows = [dict(r) for r in store.all("SELECT * FROM dilemmas WHERE workshop_id = ?", (wid,))]
    assert len(rows) == 40
    assert all(r["author_id"] is None for r in rows if r["author_name"] is None)
    assert sum(r["author_name"] is not None for r in rows) == 5
    assert store.scalar("SELECT COUNT(*) FROM dilemma_needs WHERE participant_id IS NOT NULL"
                        ) == 0
    # The one SQL join that named every anonymous author finds nothing any more.
    assert store.all(
        "SELECT d.id FROM dilemmas d JOIN events e ON e.workshop_id = d.workshop_id"
        " AND e.op = 'dilemma.submit' AND e.actor LIKE 'p:%'") == []
    assert store.scalar("SELECT COUNT(*) FROM events WHERE actor LIKE 'p:%'") == 0
    joins = [dict(r) for r in store.all("SELECT * FROM events WHERE op = 'participant.join'")]
    assert len(joins) == PEOPLE
    assert not any("Medewerker" in j["data"] for j in joins)
    # Votes and choices keep their counts (the report's figures), not their authors.
    votes_after = [dict(r) for r in store.all(
        "SELECT participant_id, dilemma_id, dots FROM dilemma_votes")]
    summary = Counter((v["dilemma_id"], v["dots"]) for v in votes_before)
    assert Counter((v["dilemma_id"], v["dots"]) for v in votes_after) == summary
    assert len({v["participant_id"] for v in votes_after}) == PEOPLE
    assert sorted(map(tuple, (v.values() for v in votes_after))) != sorted(
        map(tuple, (v.values() for v in votes_before)))  # 1 in 60! that nothing moved
    assert Counter(r["option"] for r in store.all("SELECT option FROM dilemma_choices")) == {
        0: PEOPLE // 2, 1: PEOPLE // 2}
    # A phone's outbox that resends after the close still gets its ack.
    first = dilemmas[0]
    again = _act(app, phones[0], "dilemma.submit", op_id=submitted[first], situation="x",
                 options=["a", "b"], values="", show_name=False)
    assert again["ok"] and again["duplicate"] and again["result"]["dilemma_id"] == first
    # ... and a new action is refused: the workshop is closed.
    late = _act(app, phones[0], "dilemma.submit", situation="Te laat", options=["a", "b"],
                values="", show_name=False)
    assert late["ok"] is False and late["error"]["code"] == "closed"


def _feedback(app: Any, store: Any) -> dict[str, Any]:
    user = auth.add_user(store, "fac@example.nl", "correct horse battery", "facilitator")
    ws = workshops.create_workshop(store, user.id, "Aanspreken", agenda="team_agreements")
    fac = Actor(FACILITATOR, ws["id"], user_id=user.id)
    item = store.one("SELECT id FROM agenda_items WHERE workshop_id = ? AND kind = 'feedback'",
                     (ws["id"],))
    _ok(app, fac, "workshop.open")
    _ok(app, fac, "agenda.goto", item_id=item["id"])
    dispatcher = app.extensions["facilitator.dispatcher"]
    phones = []
    for name in ("Ann", "Bob"):
        token, ack = participants.join_phone(dispatcher, ws, f"join-{name}-0001", name, False)
        phones.append(Actor(PARTICIPANT, ws["id"], participant_id=ack["result"]["participant_id"],
                            token_hash=hash_token(token)))
    ann, bob = phones
    given = _ok(app, ann, "feedback.give", to_id=bob.participant_id,
                behaviour="PRIVATEBEHAVIOUR", feeling="", effect="PRIVATEEFFECT",
                wish="PRIVATEWISH")
    _ok(app, bob, "feedback.reply", feedback_id=given["feedback_id"], kind="heard",
        text="PRIVATEREPLY")
    _ok(app, ann, "feedback.give", to_id=0, behaviour="Teamgedrag", feeling="",
        effect="Teamgevolg", wish="Teamwens")
    return {"ws": ws, "fac": fac}


def _dump(store: Any) -> str:
    return repr([tuple(r.values()) for t in ("feedback", "events")
                 for r in store.all(f"SELECT * FROM {t}")])


def test_private_feedback_and_its_answer_are_deleted_after_the_retention_period(
    app: Any, store: Any
) -> None:
    room = _feedback(app, store)
    _ok(app, room["fac"], "workshop.close")
    assert "PRIVATEBEHAVIOUR" in _dump(store) and "PRIVATEREPLY" in _dump(store)
    assert purge(store, utcnow() + timedelta(days=29), days=30)["feedback"] == 0
    counts = purge(store, utcnow() + timedelta(days=31), days=30)
    assert counts["feedback"] == 1
    for secret in ("PRIVATEBEHAVIOUR", "PRIVATEEFFECT", "PRIVATEWISH", "PRIVATEREPLY"):
        assert secret not in _dump(store), secret  # the event log's copies too
    # Team feedback (no addressee, no author any more) stays for the report.
    assert [r["behaviour"] for r in store.all("SELECT behaviour FROM feedback")] == [
        "Teamgedrag"]


def test_a_workshop_never_closed_is_purged_after_its_last_activity(app: Any,
                                                                   store: Any) -> None:
    room = _feedback(app, store)
    wid = room["ws"]["id"]
    assert app.config["RETENTION_IDLE_DAYS"] == 90
    assert purge(store, utcnow() + timedelta(days=89), days=30, idle_days=90)["idle"] == 0
    assert "PRIVATEBEHAVIOUR" in _dump(store)
    counts = purge(store, utcnow() + timedelta(days=91), days=30, idle_days=90)
    assert counts["idle"] == 1 and counts["feedback"] == 1
    assert "PRIVATEBEHAVIOUR" not in _dump(store) and "PRIVATEREPLY" not in _dump(store)
    row = store.one("SELECT status FROM workshops WHERE id = ?", (wid,))
    assert row["status"] == "closed"
    assert store.scalar("SELECT COUNT(*) FROM events WHERE actor LIKE 'p:%'") == 0


def test_an_action_restarts_the_idle_clock(app: Any, store: Any) -> None:
    room = _feedback(app, store)
    wid = room["ws"]["id"]
    # The last action was 80 days ago ...
    old = iso(utcnow() - timedelta(days=80))
    store.run("UPDATE events SET at = ? WHERE workshop_id = ?", (old, wid))
    assert purge(store, utcnow() + timedelta(days=11), days=30, idle_days=90)["idle"] == 1


def test_reopening_does_not_restart_the_clock_for_content_past_it(app: Any,
                                                                  store: Any) -> None:
    room = _feedback(app, store)
    wid, fac = room["ws"]["id"], room["fac"]
    _ok(app, fac, "workshop.close")
    closed = store.one("SELECT closed_at FROM workshops WHERE id = ?", (wid,))["closed_at"]
    # Twenty days later the facilitator reopens it (and closes it again after a while).
    _ok(app, fac, "workshop.open")
    _ok(app, fac, "workshop.close")
    row = store.one("SELECT retention_from FROM workshops WHERE id = ?", (wid,))
    assert row["retention_from"] == closed
    _ok(app, fac, "workshop.open")
    # Thirty-one days after the first close the feedback written before it is gone, even
    # though the workshop is open again.
    assert purge(store, utcnow() + timedelta(days=31), days=30)["feedback"] == 1
    assert "PRIVATEBEHAVIOUR" not in _dump(store)
    # The clock starts again at the next close.
    _ok(app, fac, "workshop.close")
    again = store.one("SELECT retention_from, closed_at FROM workshops WHERE id = ?", (wid,))
    assert again["retention_from"] == again["closed_at"] != closed


def test_a_database_from_before_keeps_purging_closed_workshops(app: Any, store: Any) -> None:
    room = _feedback(app, store)
    wid = room["ws"]["id"]
    store.run("UPDATE workshops SET status = 'closed', closed_at = ?, retention_from = NULL"
              " WHERE id = ?", (iso(utcnow() - timedelta(days=40)), wid))
    assert purge(store, utcnow(), days=30)["feedback"] == 1
    assert json.loads(store.one("SELECT data FROM events WHERE op = 'feedback.reply'")["data"]
                      ) == {}
