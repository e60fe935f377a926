"""Issue 21, point 5: the intervision member views of a push cost one query per table,
however many members the groups have (they cost three or four queries per member)."""

from __future__ import annotations

import threading
from typing import Any

from test_intervision_units import _ok, _setup

from facilitator.live.screens import Views


def _room(app: Any, store: Any, people: int, email: str) -> tuple[dict, list[Any]]:
    """Groups of four, every round started, a case chosen in the first group, notes and
    case votes written: each of the member view's own parts has rows to find."""
    ws, fac, item, actors = _setup(app, store, people=people, email=email)
    groups = _ok(app, fac, "intervision.groups_make", item_id=item, size=4)["groups"]
    for gid in groups:
        _ok(app, fac, "intervision.start", group_id=gid)
    members = {r["participant_id"]: r["group_id"] for r in store.all(
        "SELECT participant_id, group_id FROM intervision_members WHERE item_id = ?", (item,))}
    for actor in actors:
        gid = members[actor.participant_id]
        _ok(app, actor, "intervision.note", group_id=gid,
            text=f"notitie van {actor.participant_id}")
    first = [a for a in actors if members[a.participant_id] == groups[0]]
    case = _ok(app, first[0], "intervision.contribute", group_id=groups[0], text="Mijn casus")
    for actor in first[1:]:
        _ok(app, actor, "intervision.vote", group_id=groups[0],
            contribution_id=case["contribution_id"])
    return store.one("SELECT * FROM workshops WHERE id = ?", (ws["id"],)), actors


def _queries_for_every_member(store: Any, workshop: dict, actors: list[Any]) -> tuple[int, dict]:
    views = Views(store, workshop)
    seen: list[str] = []
    # Only this thread's statements: the pusher's background flush of the actions before
    # shares the connection and, on a slow machine, runs inside this window.
    me = threading.get_ident()
    store.db.conn.set_trace_callback(
        lambda sql: seen.append(sql) if threading.get_ident() == me else None)
    try:
        out = views.personal([a.participant_id for a in actors])
    finally:
        store.db.conn.set_trace_callback(None)
    return len(seen), out


def test_member_views_cost_the_same_queries_for_8_and_for_40_members(app: Any, store: Any
                                                                     ) -> None:
    small, small_actors = _room(app, store, 8, "a@example.nl")
    large, large_actors = _room(app, store, 40, "b@example.nl")
    few, _ = _queries_for_every_member(store, small, small_actors)
    many, views = _queries_for_every_member(store, large, large_actors)
    assert few == many, (few, many)
    assert many <= 12  # one per table read, not per member

    # And the views are each member's own: their note, their vote, nobody else's.
    for actor in large_actors:
        group = views[actor.participant_id]["view"]["group"]
        assert group["notes"] == f"notitie van {actor.participant_id}"
        assert group["me"] == actor.participant_id
    voted = [a for a in large_actors
             if views[a.participant_id]["view"]["group"]["my_vote"] is not None]
    assert len(voted) == 3  # the first group's other three members
