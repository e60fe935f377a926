"""Intervision rounds: groups run a method's phases at their own pace (DOMAIN, Activity 2).

This module is the activity: its config, the facilitator's method and settings actions,
and the views. The work is split by job, in this package:
    store.py      tables (migrations) and row helpers
    groups.py     making groups, moving people, roles, shared checks
    round.py      phases and timers, contributions, votes, ratings, takeaway
    phases.py     the phase/timer arithmetic (lazy auto-advance)
    views.py      what each screen sees (content only for the group)
    agreement.py  a case-holder's takeaway kept as an agreement
    retention.py  deleting content after the workshop closed
    methods/      the method files
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.activities.intervision import again, views
from facilitator.activities.intervision import groups as groups_mod
from facilitator.activities.intervision import methods as method_library
from facilitator.activities.intervision import round as round_mod
from facilitator.activities.intervision import store as st
from facilitator.activities.intervision.views import (  # noqa: F401  (the activity's views)
    board,
    export,
    phone,
    table,
)
from facilitator.db import dumps
from facilitator.errors import ActionError
from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.room.items import item_of, save_config
from facilitator.schema import Bool, Choice, Int, ListOf, Obj, Text

KIND = "intervision"
TITLE = _l("Intervision")
migrations = st.migrations

actions = ActionSet()
actions.include(groups_mod.actions)
actions.include(round_mod.actions)
actions.include(again.actions)

AGENDAS = {
    "intervision_incident": (
        _l("Intervision (incident method)"),
        [("welcome", None), (KIND, _l("Intervision: incident method"), {"method": "incident"})],
    ),
    "intervision_gossip": (
        _l("Intervision (gossip method)"),
        [("welcome", None), (KIND, _l("Intervision: gossip method"), {"method": "gossip"})],
    ),
}

CLIENT_STRINGS = {
    # Every phone says whether the facilitator may read what the groups share.
    "reads_on": _l("The facilitator may read what your group shares (never private notes)."),
    "reads_off": _l("The facilitator does not read what your group writes."),
    "joined_late": _l(
        "You joined this group during the round: you see what is written from now on."
    ),
    "case_holder": _l("Case-holder"),
    "process_guide": _l("Process guide"),
    "note_taker": _l("Note-taker"),
    "member": _l("Member"),
    "phase_of": _l("Phase %(n)s of %(total)s"),
    "group_n": _l("Group %(n)s"),
    "people_n": _l("%(n)s people"),
    "people_n.one": _l("%(n)s person"),
    "ready": _l("not started"),
    "running": _l("running"),
    "paused": _l("paused"),
    "done": _l("finished"),
    "over": _l("over time"),
    "cold": _l("cold"),
    "lukewarm": _l("lukewarm"),
    "warm": _l("warm"),
    "appeals": _l("appeals to me"),
    "appealing": _l("appeals to the case-holder"),
    "votes_n": _l("%(n)s votes"),
    "votes_n.one": _l("%(n)s vote"),
    "voters_n": _l("%(n)s of %(total)s have voted"),
    "voters_n.one": _l("%(n)s of %(total)s has voted"),
    "vote": _l("Vote"),
    "voted": _l("Your vote"),
    "choose_this": _l("Choose this case"),
    "private": _l("only you see this for now"),
    "you": _l("you"),
    "next": _l("Next: %(title)s"),
    "finish": _l("Finish the round"),
    "minutes_n": _l("%(n)s min"),
    "kind_case": _l("Propose a case"),
    "kind_question": _l("Your question"),
    "kind_association": _l("Your association"),
    "kind_analysis": _l("Your analysis"),
    "kind_advice": _l("Your advice"),
    "kind_core_statement": _l("Your core statement"),
    "kind_value": _l("A value you see"),
    "kind_insight": _l("Your insight"),
    "nobody": _l("nobody"),
    "take_role": _l("Take this role"),
    "saved": _l("Saved"),
    "stuck": _l("over time: %(m)s min"),
    "size_small": _l("Small for this method (from %(min)s people); you can start anyway."),
    "size_large": _l("Large for this method (up to %(max)s people); you can start anyway."),
    "groups_made": _l("%(people)s people, at most %(size)s per group: groups of %(sizes)s."),
    "rate_question": _l("How warm is this question for you?"),
    "do_start": _l("Start"),
    "do_pause": _l("Pause"),
    "do_resume": _l("Resume"),
    "do_extend": _l("+2 min"),
    "do_advance": _l("Next phase"),
    # every group at once (a room that works in step)
    "advance_all": _l("Every group in phase %(phase)s to its next phase (%(count)s)"),
    "started_all": _l("%(n)s groups started."),
    "started_all.one": _l("%(n)s group started."),
    "moved_all": _l("%(n)s groups moved on."),
    "moved_all.one": _l("%(n)s group moved on."),
    "waiting_case": _l("%(n)s groups have not chosen their case yet: they stay in this phase."),
    "waiting_case.one": _l("%(n)s group has not chosen its case yet: it stays in this phase."),
    # table screens: how many contributions a phase has so far, and the phase list
    "count_case": _l("Cases proposed"),
    "count_question": _l("Questions"),
    "count_association": _l("Associations"),
    "count_analysis": _l("Analyses"),
    "count_advice": _l("Advice"),
    "count_core_statement": _l("Core statements"),
    "count_value": _l("Values"),
    "count_insight": _l("Insights"),
    "phase_now": _l("now"),
    "phase_done": _l("finished"),
    "table_screen": _l("Table screen"),
    "table_qr": _l("QR code of table %(n)s"),
    # groups that meet again (again.py)
    "kind_checkin": _l("How did it go?"),
    "count_checkin": _l("Check-ins"),
    "check_by": _l("check by %(date)s"),
    "again_kept": _l("Kept for the programme: %(kept)s of %(total)s groups."),
    "again_none": _l("No groups were kept in this programme yet."),
    "again_from": _l("Last time's members of group %(n)s"),
    "again_here": _l("here"),
    "again_absent": _l("not here"),
    "again_is": _l("is"),
    "again_match": _l("This is them"),
    "again_recognised": _l("%(name)s has come: put in this group"),
    "again_made": _l(
        "%(groups)s groups made again; %(matched)s people recognised by their personal link."
    ),
}


def control(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """The control view, with the groups that meet again across the programme."""
    return {**views.control(v, item), "again": again.control_part(v, item)}


def personal(v: Any, item: dict[str, Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each phone's own part; a group meeting again adds its check-in for the member."""
    out = views.personal(v, item, ids)
    # As the views see them (auto-advance caught up), read again only when someone has a group.
    groups = {g["id"]: g for g in views._groups(v, item)} if out else {}
    checkins: dict[int, Any] = {}
    for pid, view in out.items():
        mine = view.get("group")
        if mine and mine["id"] in groups:
            if mine["id"] not in checkins:
                checkins[mine["id"]] = again.checkin_of(v, groups[mine["id"]])
            mine["checkin"] = again.checkin_part(checkins[mine["id"]], pid)
    return out


def default_config() -> dict[str, Any]:
    return {"method": "incident", "method_data": None, "group_size": 4, "grouping": "auto"}


def _item(ctx: Context, item_id: int) -> dict[str, Any]:
    return item_of(ctx, item_id, KIND)


def _apply_to_waiting_groups(ctx: Context, item: dict[str, Any], method: dict[str, Any]) -> None:
    """Groups that have not started follow the item's method; started ones keep theirs."""
    for group in st.groups_of(ctx, item["id"]):
        if group["state"] == "ready" and group["phase_index"] == 0:
            # A group meeting again keeps its check-in before the new method's phases.
            kept = again.with_checkin(method) if again.has_checkin(group) else method
            ctx.execute(
                "UPDATE intervision_groups SET method = ? WHERE id = ?",
                (dumps(kept), group["id"]),
            )
            groups_mod.touch(ctx, group, content=False, board=True)


def _resolve(ctx: Context, ref: str) -> dict[str, Any]:
    method = st.resolve_method(ctx, ref, ctx.actor.user_id)
    if method is None:
        raise ActionError("invalid", _l("That is not one of the choices."))
    return method


@actions(
    "intervision.configure",
    roles=(FACILITATOR,),
    schema={
        "item_id": Int(min=1),
        "group_size": Int(min=2, max=12),
        "grouping": Choice(("auto", "choose")),
    },
)
def configure(ctx: Context, data: dict[str, Any]) -> None:
    """Group size for automatic groups, and whether participants may pick their group."""
    item = _item(ctx, data["item_id"])
    save_config(ctx, item, {"group_size": data["group_size"], "grouping": data["grouping"]})
    ctx.changes.control = ctx.changes.phones = True


@actions(
    "intervision.method_use",
    roles=(FACILITATOR,),
    schema={"item_id": Int(min=1), "method": Text(max_len=40)},
)
def method_use(ctx: Context, data: dict[str, Any]) -> None:
    """Use a library method ("incident") or one of your own ("own:ID") for this item."""
    item = _item(ctx, data["item_id"])
    method = _resolve(ctx, data["method"])
    own = data["method"].startswith("own:")
    save_config(ctx, item, {"method": data["method"], "method_data": method if own else None})
    _apply_to_waiting_groups(ctx, item, method)
    ctx.changes.control = True


STEP = Obj(
    {
        "key": Text(max_len=40, required=False),
        "minutes": Int(min=1, max=method_library.MAX_MINUTES),
        "title": Text(max_len=120, required=False),
        "instruction": Text(max_len=method_library.TEXT_MAX, required=False, multiline=True),
        "contribution": Choice(method_library.KINDS, required=False),
    }
)


@actions(
    "intervision.method_adjust",
    roles=(FACILITATOR,),
    schema={
        "item_id": Int(min=1),
        "steps": ListOf(STEP, max_items=method_library.MAX_PHASES, min_items=1),
    },
)
def method_adjust(ctx: Context, data: dict[str, Any]) -> None:
    """Change minutes, skip phases (leave them out) or add a phase, for this workshop."""
    item = _item(ctx, data["item_id"])
    for step in data["steps"]:
        if not step["key"] and not step["title"]:
            raise ActionError("invalid", _l("A new phase needs a title."))
    current = groups_mod.item_method(ctx, item)
    try:
        method = method_library.adjust(current, data["steps"], ctx.workshop["language"])
    except method_library.MethodError:
        raise ActionError("invalid", _l("That is not one of the choices.")) from None
    save_config(ctx, item, {"method_data": method})
    _apply_to_waiting_groups(ctx, item, method)
    ctx.changes.control = True


@actions(
    "intervision.method_save",
    roles=(FACILITATOR,),
    schema={"item_id": Int(min=1), "name": Text(max_len=80)},
)
def method_save(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Keep this item's (adjusted) method as your own, to use in later workshops."""
    item = _item(ctx, data["item_id"])
    method = groups_mod.item_method(ctx, item)
    count = ctx.one(
        "SELECT COUNT(*) AS n FROM intervision_methods WHERE user_id = ?", (ctx.actor.user_id,)
    )["n"]
    if count >= 50:
        raise ActionError("too_many", _l("At most %(max)s items."), max=50)
    cur = ctx.execute(
        "INSERT INTO intervision_methods (user_id, name, data, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, name)"
        " DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
        (ctx.actor.user_id, data["name"], dumps(method), ctx.now_iso, ctx.now_iso),
    )
    row = ctx.one(
        "SELECT id FROM intervision_methods WHERE user_id = ? AND name = ?",
        (ctx.actor.user_id, data["name"]),
    )
    ctx.changes.control = True
    return {"method": f"own:{row['id'] if row else cur.lastrowid}"}


@actions(
    "intervision.group_method",
    roles=(FACILITATOR,),
    schema={"group_id": Int(min=1), "method": Text(max_len=40)},
)
def group_method(ctx: Context, data: dict[str, Any]) -> None:
    """A different method for one group, before it starts."""
    group = groups_mod.load_group(ctx, data["group_id"])
    if group["state"] != "ready" or group["phase_index"] > 0:
        raise ActionError("started", _l("This group has started; its method stays."))
    method = _resolve(ctx, data["method"])
    ctx.execute(
        "UPDATE intervision_groups SET method = ? WHERE id = ?",
        (dumps(again.with_checkin(method) if again.has_checkin(group) else method), group["id"]),
    )
    groups_mod.touch(ctx, group, content=False, board=True)


@actions(
    "intervision.settings",
    roles=(FACILITATOR,),
    schema={"content_visible": Bool(), "auto_advance": Bool()},
)
def settings(ctx: Context, data: dict[str, Any]) -> None:
    """Whether the facilitator may read the groups' content, and whether phases move on
    by themselves when their time is up. Both off by default."""
    current = json.loads(ctx.workshop["settings"] or "{}")
    before = st.settings(ctx.workshop)
    # Turning reading on applies from this moment: what the groups wrote before stays
    # theirs (issue 12, item 10). Turned off and on again, the moment moves on.
    since = before["content_since"] if before["content_visible"] else ctx.now_iso
    current["intervision"] = {
        "content_visible": data["content_visible"],
        "auto_advance": data["auto_advance"],
    }
    if data["content_visible"]:
        current["intervision"]["content_since"] = since
    ctx.execute(
        "UPDATE workshops SET settings = ? WHERE id = ?", (dumps(current), ctx.workshop["id"])
    )
    ctx.workshop["settings"] = dumps(current)
    ctx.changes.everything()
