"""Issue 12, item 9: a kept intervision takeaway is the case-holder's alone.

It never appears in the agreements activity (board, phones, control page, personal
parts, export), nobody else can change it or who may see it (not the facilitator, not
a manager), and a takeaway that is no longer kept is deleted, not merely dropped.
"""

from __future__ import annotations

import json
import os
from typing import Any

from test_intervision_agreement import _setup
from test_intervision_retention import _act

from facilitator.agreements import access as agreements_access
from facilitator.live.actions import FACILITATOR, MANAGER, Actor
from facilitator.live.screens import Views

SECRET = "Ik bel mijn zus over de zorg"


def _dispatch(app: Any, actor: Actor, op: str, **data: Any) -> dict[str, Any]:
    return app.extensions["facilitator.dispatcher"].dispatch(
        actor, {"op": op, "op_id": os.urandom(8).hex(), "data": data})


def test_a_kept_takeaway_never_shows_in_the_agreements_activity(app: Any, store: Any) -> None:
    ws, people, group, manager = _setup(app, store)
    owner_id = store.scalar("SELECT owner_id FROM workshops WHERE id = ?", (ws["id"],))
    fac = Actor(FACILITATOR, ws["id"], user_id=owner_id)
    case_holder = people[1]
    agreement = _act(app, case_holder, "intervision.takeaway", group_id=group, text=SECRET,
                     kept=True, manager_visible=False)["agreement_id"]
    item = _act(app, fac, "agenda.add", kind="agreements")["item_id"]
    _act(app, fac, "agenda.goto", item_id=item)
    workshop = dict(store.one("SELECT * FROM workshops WHERE id = ?", (ws["id"],)))
    views = Views(store, workshop)
    assert views.item["kind"] == "agreements"
    shown = json.dumps([views.board(), views.phone(), views.control(),
                        views.personal([p.participant_id for p in people])],
                       ensure_ascii=False, default=str)
    assert SECRET not in shown
    assert views.board()["item"]["view"]["agreements"] == []
    assert views.control()["item"]["view"]["agreements"] == []
    from facilitator.activities import agreements as activity

    item_row = {"id": item, "config": {}}
    assert activity.export(views.v, item_row) == {"agreements": []}

    # Nobody but the case-holder changes it or who may see it.
    edit = {"agreement_id": agreement, "owner_id": case_holder.participant_id, "owner_text": "",
            "what": SECRET, "with_ids": [], "due_date": "2099-01-01", "check_how": "",
            "manager_visible": True}
    for op, data in (("agreements.edit", edit),
                     ("agreements.withdraw", {"agreement_id": agreement, "note": ""}),
                     ("agreements.agree", {"agreement_id": agreement}),
                     ("agreements.review", {"agreement_id": agreement, "status": "done",
                                            "note": ""})):
        ack = _dispatch(app, fac, op, **data)
        assert ack["ok"] is False and ack["error"]["code"] == "not_found", (op, ack)
    row = store.one("SELECT * FROM agreements WHERE id = ?", (agreement,))
    assert row["manager_visible"] == 0 and row["status"] == "agreed" and row["what"] == SECRET
    assert agreements_access.search(store, manager, agreements_access.Filters()) == []
    boss = Actor(MANAGER, ws["id"], user_id=manager.id)
    ack = _dispatch(app, boss, "agreements.review", agreement_id=agreement, status="dropped",
                    note="")
    assert ack["ok"] is False


def test_a_takeaway_no_longer_kept_is_deleted(app: Any, store: Any) -> None:
    ws, people, group, manager = _setup(app, store)
    case_holder = people[1]
    agreement = _act(app, case_holder, "intervision.takeaway", group_id=group, text=SECRET,
                     kept=True, manager_visible=True)["agreement_id"]
    assert store.one("SELECT id FROM agreements WHERE id = ?", (agreement,)) is not None
    result = _act(app, case_holder, "intervision.takeaway", group_id=group, text=SECRET,
                  kept=False, manager_visible=True)
    assert result["agreement_id"] is None
    assert store.all("SELECT * FROM agreements") == []
    assert store.all("SELECT * FROM agreement_history") == []
    assert store.all("SELECT * FROM agreement_people") == []
    # Kept again: a new agreement, agreed by keeping it.
    again = _act(app, case_holder, "intervision.takeaway", group_id=group, text=SECRET,
                 kept=True, manager_visible=False)["agreement_id"]
    assert store.one("SELECT status FROM agreements WHERE id = ?", (again,))["status"] == "agreed"
