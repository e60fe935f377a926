"""The control page's roster and dilemma list are read again only where their rows changed
(participants.roster, dilemmas/store.py `_public_rows`, the m090 migrations' triggers):
joins, removals and phones connecting or going make a new roster, from any code path and
any process, anything else reuses it; a new or changed dilemma is read alone, the others
are kept; a write undone leaves nothing behind; a deleted workshop nothing in memory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask_babel import force_locale

from facilitator import auth, create_app
from facilitator.db import Store
from facilitator.live.actions import FACILITATOR, Actor
from facilitator.live.screens import Views
from facilitator.room import participants, workshops


@pytest.fixture
def room(tmp_path: Path) -> Iterator[dict[str, Any]]:
    app = create_app({"DATA_DIR": str(tmp_path), "ASYNC_MODE": "threading", "PUSH_DELAY": 0})
    store = app.extensions["facilitator.store"]
    dispatcher = app.extensions["facilitator.dispatcher"]
    with app.app_context():
        user = auth.add_user(store, "fac@example.nl", "correct horse battery", "facilitator")
        made = [workshops.create_workshop(store, user.id, title, items=[("dilemma_collect", None)])
                for title in ("Werkconferentie Noord", "Werkconferentie Zuid")]
        for ws in made:
            ack = dispatcher.dispatch(Actor(FACILITATOR, ws["id"], user_id=user.id),
                                      {"op": "workshop.open", "op_id": os.urandom(8).hex(),
                                       "data": {}})
            assert ack["ok"], ack
            item = store.one("SELECT id FROM agenda_items WHERE workshop_id = ?", (ws["id"],))
            ack = dispatcher.dispatch(Actor(FACILITATOR, ws["id"], user_id=user.id), {
                "op": "dilemma_collect.settings", "op_id": os.urandom(8).hex(),
                "data": {"item_id": item["id"], "open": True, "show_texts": False,
                         "approval": False}})
            assert ack["ok"], ack
        yield {"app": app, "store": store, "dispatcher": dispatcher, "user": user,
               "ids": [ws["id"] for ws in made], "path": tmp_path / "facilitator.db"}
    store.close()


def _control(store: Store, workshop_id: int) -> dict[str, Any]:
    """The control view of this moment, as a push computes it."""
    row = dict(store.one("SELECT * FROM workshops WHERE id = ?", (workshop_id,)))
    with force_locale("nl"):
        return Views(store, row).control()


def _people(store: Store, workshop_id: int) -> list[dict[str, Any]]:
    return _control(store, workshop_id)["people"]


def _join(room: dict[str, Any], workshop_id: int, name: str) -> int:
    workshop = store_workshop(room["store"], workshop_id)
    _, ack = participants.join_phone(room["dispatcher"], workshop, os.urandom(8).hex(), name,
                                     False)
    assert ack["ok"], ack
    return ack["result"]["participant_id"]


def store_workshop(store: Store, workshop_id: int) -> dict[str, Any]:
    return dict(store.one("SELECT * FROM workshops WHERE id = ?", (workshop_id,)))


def test_the_roster_is_rebuilt_when_one_of_its_rows_changed_and_reused_otherwise(
        room: dict[str, Any]) -> None:
    store, noord, zuid = room["store"], *room["ids"]
    ans = _join(room, noord, "Ans de Vries")
    first = _people(store, noord)
    assert first == [{"id": ans, "name": "Ans de Vries", "online": 0}]
    # Nothing of the roster changed: the same list comes back (not read again), while
    # what else changed still shows (the workshop renamed, a join in the other workshop).
    ack = room["dispatcher"].dispatch(
        Actor(FACILITATOR, noord, user_id=room["user"].id),
        {"op": "workshop.rename", "op_id": os.urandom(8).hex(), "data": {"title": "Noord, middag"}})
    assert ack["ok"], ack
    _join(room, zuid, "Bram Jansen")
    view = _control(store, noord)
    assert view["people"] is first and view["workshop"]["title"] == "Noord, middag"

    # A join, a phone connecting and going, a removal: each a new roster, as it is now.
    pim = _join(room, noord, "Pim Bakker-van den Berg")
    joined = _people(store, noord)
    assert [p["name"] for p in joined] == ["Ans de Vries", "Pim Bakker-van den Berg"]
    participants.connected(store, "sid-pim", noord, "participant", pim)
    assert [p["online"] for p in _people(store, noord)] == [0, 1]
    participants.connected(store, "sid-board", noord, "board", None)  # not a person
    before = _people(store, noord)
    assert _people(store, noord) is before
    participants.disconnected(store, "sid-pim")
    assert [p["online"] for p in _people(store, noord)] == [0, 0]
    ack = room["dispatcher"].dispatch(
        Actor(FACILITATOR, noord, user_id=room["user"].id),
        {"op": "participant.remove", "op_id": os.urandom(8).hex(), "data": {"participant_id": ans}})
    assert ack["ok"], ack
    assert [p["name"] for p in _people(store, noord)] == ["Pim Bakker-van den Berg"]
    # And the other workshop's roster is its own.
    assert [p["name"] for p in _people(store, zuid)] == ["Bram Jansen"]


def test_a_write_undone_never_leaves_its_roster_behind(room: dict[str, Any]) -> None:
    """A failed write rolls its revision back; the next change then reaches the same
    revision number with other rows, and must not get the roster kept for the undone one."""
    store, noord = room["store"], room["ids"][0]
    before = _people(store, noord)
    with pytest.raises(RuntimeError), store.write() as db:
        db.execute("INSERT INTO participants (workshop_id, token_hash, name, joined_at,"
                   " last_seen_at) VALUES (?, 'undone', 'Nooit Gekomen', '', '')", (noord,))
        # Read while the write is open (as nothing in the server does): kept under the
        # revision the rollback takes back.
        assert [p["name"] for p in _people(store, noord)] == ["Nooit Gekomen"]
        raise RuntimeError("the handler failed")
    assert before == []
    _join(room, noord, "Cor Visser")  # the same revision number as the undone write's
    assert [p["name"] for p in _people(store, noord)] == ["Cor Visser"]


def test_a_change_written_by_another_process_makes_a_new_roster(room: dict[str, Any]) -> None:
    """Several processes share the database (FACILITATOR_MESSAGE_QUEUE): a phone that
    connected to the other one counts in this one's roster at its next push."""
    store, noord = room["store"], room["ids"][0]
    dirk = _join(room, noord, "Dirk Smit")
    first = _people(store, noord)
    assert _people(store, noord) is first
    other = Store(str(room["path"]), shared=True)
    try:
        participants.connected(other, "sid-elsewhere", noord, "participant", dirk)
    finally:
        other.close()
    assert _people(store, noord) == [{"id": dirk, "name": "Dirk Smit", "online": 1}]


def test_a_deleted_workshops_names_are_not_kept_in_memory(room: dict[str, Any]) -> None:
    from facilitator.room import archive

    store, noord = room["store"], room["ids"][0]
    _join(room, noord, "Eva Mulder")
    assert [p["name"] for p in _people(store, noord)] == ["Eva Mulder"]
    _submit(room, noord, _join(room, noord, "Frank Bos"), "Mijn collega zegt niets meer.")
    assert [d["situation"] for d in _control(store, noord)["item"]["view"]["dilemmas"]] == [
        "Mijn collega zegt niets meer."]
    assert ("roster", noord) in store.memo and ("dilemmas", noord) in store.memo
    ack = room["dispatcher"].dispatch(
        Actor(FACILITATOR, noord, user_id=room["user"].id),
        {"op": "workshop.close", "op_id": os.urandom(8).hex(), "data": {}})
    assert ack["ok"], ack
    archive.delete_workshop(store, noord)
    assert ("roster", noord) not in store.memo
    assert "Eva Mulder" not in repr(store.memo)
    assert "zegt niets meer" not in repr(store.memo)


def _act(room: dict[str, Any], actor: Actor, op: str, **data: Any) -> Any:
    ack = room["dispatcher"].dispatch(actor, {"op": op, "op_id": os.urandom(8).hex(),
                                              "data": data})
    assert ack["ok"], ack
    return ack.get("result")


def _submit(room: dict[str, Any], workshop_id: int, pid: int, situation: str) -> int:
    from facilitator.live.actions import PARTICIPANT

    result = _act(room, Actor(PARTICIPANT, workshop_id, participant_id=pid), "dilemma.submit",
                  situation=situation, options=["Aanspreken", "Laten"], values="",
                  show_name=False)
    return result["dilemma_id"]


def _listed(store: Store, workshop_id: int) -> list[dict[str, Any]]:
    return _control(store, workshop_id)["item"]["view"]["dilemmas"]


def _as_read_now(store: Store, workshop_id: int) -> list[dict[str, Any]]:
    """The list read whole, as before anything was kept (an action's read path)."""
    from facilitator.activities.dilemmas import store as dilemmas

    return dilemmas.all_dilemmas(store, workshop_id, approved_only=False)


def test_one_new_or_changed_dilemma_is_read_alone_and_the_others_are_kept(
        room: dict[str, Any]) -> None:
    from facilitator.activities.dilemmas import store as dilemmas
    from facilitator.live.screens import ViewContext

    store, noord = room["store"], room["ids"][0]
    fac = Actor(FACILITATOR, noord, user_id=room["user"].id)
    authors = [_join(room, noord, f"Deelnemer met een lange naam {n}") for n in range(3)]
    ids = [_submit(room, noord, pid, ("Een cliënt weigert hulp. " * 40)[:990] + str(n))
           for n, pid in enumerate(authors)]
    assert _listed(store, noord) == _as_read_now(store, noord)

    def rows() -> dict[int, Any]:
        view = ViewContext(store, store_workshop(store, noord), None)  # type: ignore[arg-type]
        return {r["id"]: r for r in dilemmas._public_rows(view, noord)}

    first = rows()
    again = rows()
    assert all(again[i] is first[i] for i in ids)  # nothing changed: nothing read again

    # Changed by an action, by a merge, and by a write of any other code path: only those
    # rows are new, and the list is what a whole read gives.
    _act(room, fac, "dilemma.approve", dilemma_id=ids[0], approved=False)
    after = rows()
    assert after[ids[0]] is not first[ids[0]] and after[ids[0]]["approved"] is False
    assert after[ids[1]] is first[ids[1]] and after[ids[2]] is first[ids[2]]
    _act(room, fac, "dilemma.merge", dilemma_id=ids[2], into_id=ids[1])
    listed = _listed(store, noord)
    assert listed == _as_read_now(store, noord)
    assert [d["id"] for d in listed] == ids[:2] and listed[1]["merged"][0]["id"] == ids[2]
    store.run("UPDATE dilemmas SET situation = 'Anders verwoord' WHERE id = ?", (ids[1],))
    assert _listed(store, noord)[1]["situation"] == "Anders verwoord"
    # A new dilemma and a deleted one.
    newest = _submit(room, noord, authors[0], "Spreek ik mijn leidinggevende aan?")
    _act(room, fac, "dilemma.delete", dilemma_id=ids[0])
    listed = _listed(store, noord)
    assert listed == _as_read_now(store, noord)
    assert [d["id"] for d in listed] == [ids[1], newest]
    assert set(store.memo[("dilemmas", noord)][1]) == {ids[1], ids[2], newest}

    # What a caller adds to the list it got stays out of what is kept.
    ranked = dilemmas.ranked(ViewContext(store, store_workshop(store, noord), None),  # type: ignore[arg-type]
                             noord)
    ranked[0]["situation"] = "changed by a caller"
    ranked[0]["merged"].append({"id": 0})
    assert _listed(store, noord) == _as_read_now(store, noord)


def test_a_dilemma_write_undone_never_leaves_its_row_behind(room: dict[str, Any]) -> None:
    store, noord = room["store"], room["ids"][0]
    did = _submit(room, noord, _join(room, noord, "Gert Kok"), "Eerste versie")
    assert _listed(store, noord)[0]["situation"] == "Eerste versie"
    with pytest.raises(RuntimeError), store.write() as db:
        db.execute("UPDATE dilemmas SET situation = 'Nooit bewaard' WHERE id = ?", (did,))
        assert _listed(store, noord)[0]["situation"] == "Nooit bewaard"  # kept, then undone
        raise RuntimeError("the handler failed")
    # The next change takes the row to the revision the undone write had.
    store.run("UPDATE dilemmas SET situation = 'Tweede versie' WHERE id = ?", (did,))
    assert _listed(store, noord)[0]["situation"] == "Tweede versie"
