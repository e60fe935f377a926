"""A kept takeaway becomes the case-holder's agreement; managers see it only when allowed."""

from __future__ import annotations

import os

from test_intervision_retention import _act, _round

from facilitator import auth
from facilitator.agreements import access as agreements_access
from facilitator.live.actions import PARTICIPANT, Actor


def _manager_sees(store, manager) -> list[dict]:
    return agreements_access.search(store, manager, agreements_access.Filters())


def _setup(app, store):
    ws, fac, people, group = _round(app, store)
    team = auth.add_team(store, "Wijkteam Zuid")
    store.run("UPDATE workshops SET team_id = ? WHERE id = ?", (team, ws["id"]))
    manager = auth.add_user(store, "boss@example.nl", "correct horse battery", "manager")
    auth.add_to_team(store, team, manager.id)
    return ws, people, group, manager


def test_kept_takeaway_becomes_agreement_visible_only_when_allowed(app, store):
    ws, people, group, manager = _setup(app, store)
    case_holder = people[1]
    result = _act(app, case_holder, "intervision.takeaway", group_id=group,
                  text="Ik bel de familie", kept=True, manager_visible=False)
    agreement = store.one("SELECT * FROM agreements WHERE id = ?", (result["agreement_id"],))
    assert agreement["source"] == "intervision" and agreement["status"] == "agreed"
    assert agreement["what"] == "Ik bel de familie" and agreement["manager_visible"] == 0
    assert agreement["owner_participant_id"] == case_holder.participant_id
    # Off by default: the manager does not see it.
    assert _manager_sees(store, manager) == []
    # The case-holder allows it, with a date of their own: now the manager sees it, and
    # only the takeaway's text (no other group content).
    _act(app, case_holder, "intervision.takeaway", group_id=group, text="Ik bel de familie",
         kept=True, manager_visible=True, due_date="2099-01-31")
    seen = _manager_sees(store, manager)
    assert [a["what"] for a in seen] == ["Ik bel de familie"]
    assert seen[0]["due_date"] == "2099-01-31"
    assert "SECRET" not in repr(seen)
    assert store.scalar("SELECT COUNT(*) FROM agreements") == 1  # updated, not duplicated
    # Not kept any more: deleted (issue 12, item 9).
    _act(app, case_holder, "intervision.takeaway", group_id=group, text="Ik bel de familie",
         kept=False, manager_visible=True)
    assert store.one("SELECT status FROM agreements") is None
    assert _manager_sees(store, manager) == []


def test_takeaway_agreement_refusals_change_nothing(app, store):
    ws, people, group, manager = _setup(app, store)
    dispatcher = app.extensions["facilitator.dispatcher"]
    before = store.scalar("SELECT seq FROM workshops WHERE id = ?", (ws["id"],))

    def refused(actor: Actor, **data) -> str:
        ack = dispatcher.dispatch(actor, {"op": "intervision.takeaway",
                                          "op_id": os.urandom(8).hex(), "data": data})
        assert ack["ok"] is False, ack
        return ack["error"]["code"]

    good = {"group_id": group, "text": "Ik bel de familie", "kept": True}
    assert refused(people[1], **good, due_date="2001-01-01") == "invalid"  # in the past
    assert refused(people[1], **good, due_date="31 januari") == "invalid"
    assert refused(people[0], **good) == "not_case_holder"
    stranger = Actor(PARTICIPANT, ws["id"], participant_id=9999)
    assert refused(stranger, **good) == "forbidden"
    assert store.scalar("SELECT COUNT(*) FROM agreements") == 0
    assert store.scalar("SELECT seq FROM workshops WHERE id = ?", (ws["id"],)) == before


def test_an_anonymous_case_holder_keeps_a_takeaway(app, store):
    """A case-holder who joined without a name keeps "wat ik ga doen" like anyone: the
    agreement names nobody (it failed with an internal error on agreement_people.name)."""
    ws, people, group, manager = _setup(app, store)
    case_holder = people[1]
    store.run("UPDATE participants SET name = NULL WHERE id = ?", (case_holder.participant_id,))
    result = _act(app, case_holder, "intervision.takeaway", group_id=group,
                  text="Ik bel de familie", kept=True, manager_visible=True)
    agreement = store.one("SELECT * FROM agreements WHERE id = ?", (result["agreement_id"],))
    assert agreement["status"] == "agreed" and agreement["owner_name"] == ""
    people_rows = store.all("SELECT name, role, answer FROM agreement_people")
    assert [(p["name"], p["role"], p["answer"]) for p in people_rows] == [
        ("", "owner", "confirmed")]
    assert [a["what"] for a in _manager_sees(store, manager)] == ["Ik bel de familie"]
