"""Intervision groups and roles: making groups, moving people, taking roles.

Also the checks every group action shares: is this a group of this workshop, is the
actor in it, in which role, and which screens must hear about a change.
"""

from __future__ import annotations

import math
import random
from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.activities.intervision import phases
from facilitator.activities.intervision import store as st
from facilitator.db import dumps
from facilitator.errors import ActionError
from facilitator.live.actions import FACILITATOR, PARTICIPANT, ActionSet, Context
from facilitator.room import table_screens
from facilitator.room.items import item_of, save_config
from facilitator.schema import Choice, Int

ITEM_KIND = "intervision"  # activity.KIND; activity imports this module, not the reverse
actions = ActionSet()

MAX_GROUPS = 40


def kind_item(ctx: Context, item_id: int) -> dict[str, Any]:
    return item_of(ctx, item_id, ITEM_KIND)


def item_method(ctx: Context, item: dict[str, Any]) -> dict[str, Any]:
    """The method new groups of this item get: the adjusted copy, or the library one."""
    config = item["config"]
    if config.get("method_data"):
        return config["method_data"]
    method = st.resolve_method(ctx, config.get("method", "incident"), ctx.workshop["owner_id"])
    if method is None:
        raise ActionError("invalid", _l("That is not one of the choices."))
    return method


def load_group(ctx: Context, group_id: int) -> dict[str, Any]:
    """A group of this workshop, caught up with auto-advance; refused otherwise."""
    group = st.group_row(ctx, group_id)
    if group is None or group["workshop_id"] != ctx.workshop["id"]:
        raise ActionError("not_found", _l("That group does not exist."))
    if ctx.actor.kind == PARTICIPANT:
        # Phones act only in the activity the room is on.
        current = ctx.current_item(ITEM_KIND)
        if current["id"] != group["item_id"]:
            raise ActionError("not_now", _l("This activity is not running now."))
    auto = st.settings(ctx.workshop)["auto_advance"]
    caught_up = phases.effective(group, ctx.now, auto)
    save_phase(ctx, group, phases.changed(group, caught_up))
    return group


def save_phase(ctx: Context, group: dict[str, Any], updates: dict[str, Any]) -> None:
    if not updates:
        return
    sets = ", ".join(f"{column} = ?" for column in updates)
    ctx.execute(
        f"UPDATE intervision_groups SET {sets} WHERE id = ?", (*updates.values(), group["id"])
    )
    group.update(updates)


def role_in(ctx: Context, group: dict[str, Any]) -> str:
    """The actor's role in the group ("facilitator" for the facilitator); refused if outside."""
    if ctx.actor.kind == FACILITATOR:
        return "facilitator"
    pid = ctx.actor.participant_id
    if pid not in st.member_ids(ctx, group["id"]):
        raise ActionError("not_in_group", _l("You are not in this group."))
    return st.role_of(group, pid)


def require_guide(ctx: Context, group: dict[str, Any]) -> str:
    role = role_in(ctx, group)
    if role not in ("facilitator", "process_guide"):
        raise ActionError("not_guide", _l("Only the process guide of this group can do that."))
    return role


def touch(ctx: Context, group: dict[str, Any], content: bool, board: bool = False) -> None:
    """Refresh the screens that show this group: its members' own views, always; the
    control view for content only when the facilitator may read it; the board for
    phases, times and membership, never for content. Table screens follow the board's
    changes, but also show roles and how many contributions a phase has: with one
    connected, every change to a group marks the board (its push is skipped when its
    view did not change)."""
    for pid in st.member_ids(ctx, group["id"]):
        ctx.changes.add_personal(pid)
    if not content or st.settings(ctx.workshop)["content_visible"]:
        ctx.changes.control = True
    if board or table_screens.any_connected(ctx, ctx.workshop["id"]):
        ctx.changes.board = True


def _started(ctx: Context, item_id: int) -> bool:
    row = ctx.one(
        "SELECT 1 FROM intervision_groups g WHERE g.item_id = ? AND (g.state != 'ready'"
        " OR g.phase_index > 0 OR EXISTS (SELECT 1 FROM intervision_contributions c"
        " WHERE c.group_id = g.id))",
        (item_id,),
    )
    return row is not None


def _group_started(ctx: Context, group: dict[str, Any]) -> bool:
    row = ctx.one("SELECT 1 FROM intervision_contributions WHERE group_id = ?", (group["id"],))
    return group["state"] != "ready" or group["phase_index"] > 0 or row is not None


def new_group(ctx: Context, item: dict[str, Any], number: int) -> int:
    cur = ctx.execute(
        "INSERT INTO intervision_groups (workshop_id, item_id, number, method, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (ctx.workshop["id"], item["id"], number, dumps(item_method(ctx, item)), ctx.now_iso),
    )
    return cur.lastrowid


def _add_member(
    ctx: Context, group_id: int, item_id: int, participant_id: int, since: str | None = None
) -> None:
    """`since`: the moment someone joins a group that has started; they see what is
    written from then on, not the group's history (issue 12, item 10)."""
    ctx.execute(
        "INSERT INTO intervision_members (group_id, item_id, participant_id, visible_from)"
        " VALUES (?, ?, ?, ?)",
        (group_id, item_id, participant_id, since),
    )
    # The first member guides until someone else takes the role; a guide may rotate.
    ctx.execute(
        "UPDATE intervision_groups SET guide_id = ? WHERE id = ? AND guide_id IS NULL",
        (participant_id, group_id),
    )


def _leave(ctx: Context, item_id: int, participant_id: int) -> None:
    """Take someone out of their group in this item, and out of its roles."""
    row = ctx.one(
        "SELECT group_id FROM intervision_members WHERE item_id = ? AND participant_id = ?",
        (item_id, participant_id),
    )
    if row is None:
        return
    group = st.group_row(ctx, row["group_id"])
    touch(ctx, group, content=False, board=True)
    ctx.execute(
        "DELETE FROM intervision_members WHERE item_id = ? AND participant_id = ?",
        (item_id, participant_id),
    )
    for column in st.ROLE_COLUMNS.values():
        ctx.execute(
            f"UPDATE intervision_groups SET {column} = NULL WHERE id = ? AND {column} = ?",
            (group["id"], participant_id),
        )
    ctx.changes.add_personal(participant_id)


def _participant(ctx: Context, participant_id: int) -> dict[str, Any]:
    row = ctx.one(
        "SELECT * FROM participants WHERE id = ? AND workshop_id = ?",
        (participant_id, ctx.workshop["id"]),
    )
    if row is None:
        raise ActionError("not_found", _l("That participant is not in this workshop."))
    return row


@actions(
    "intervision.groups_make",
    roles=(FACILITATOR,),
    schema={"item_id": Int(min=1), "size": Int(min=2, max=12)},
)
def groups_make(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Split everyone who joined into groups of at most `size`, as even as possible."""
    item = kind_item(ctx, data["item_id"])
    if _started(ctx, item["id"]):
        raise ActionError("started", _l("A group has started already; move people by hand."))
    people = [
        r["id"]
        for r in ctx.all(
            "SELECT id FROM participants WHERE workshop_id = ? ORDER BY id", (ctx.workshop["id"],)
        )
    ]
    if not people:
        raise ActionError("nobody", _l("Nobody has joined yet."))
    random.SystemRandom().shuffle(people)
    count = min(MAX_GROUPS, math.ceil(len(people) / data["size"]))
    # The size the groups were made with is the item's group size from now on: the
    # control page's field shows it, and "make groups" again makes the same.
    save_config(ctx, item, {"group_size": data["size"]})
    for old in st.groups_of(ctx, item["id"]):
        touch(ctx, old, content=False)
    ctx.execute("DELETE FROM intervision_groups WHERE item_id = ?", (item["id"],))
    ids = [new_group(ctx, item, n + 1) for n in range(count)]
    for index, pid in enumerate(people):
        _add_member(ctx, ids[index % count], item["id"], pid)
        ctx.changes.add_personal(pid)
    ctx.changes.board = ctx.changes.control = ctx.changes.phones = True
    # What came of it, so the control page can say why: 9 people in groups of at most 4
    # are 3 groups of 3.
    sizes = sorted((len(people[n::count]) for n in range(count)), reverse=True)
    return {"groups": ids, "people": len(people), "sizes": sizes}


@actions("intervision.group_add", roles=(FACILITATOR,), schema={"item_id": Int(min=1)})
def group_add(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    item = kind_item(ctx, data["item_id"])
    groups = st.groups_of(ctx, item["id"])
    if len(groups) >= MAX_GROUPS:
        raise ActionError("invalid", _l("At most %(max)s items."), max=MAX_GROUPS)
    number = max((g["number"] for g in groups), default=0) + 1
    group_id = new_group(ctx, item, number)
    ctx.changes.board = ctx.changes.control = ctx.changes.phones = True
    return {"group_id": group_id}


@actions("intervision.group_remove", roles=(FACILITATOR,), schema={"group_id": Int(min=1)})
def group_remove(ctx: Context, data: dict[str, Any]) -> None:
    group = load_group(ctx, data["group_id"])
    if _group_started(ctx, group):
        raise ActionError("started", _l("This group has started; it cannot be removed now."))
    touch(ctx, group, content=False, board=True)
    ctx.execute("DELETE FROM intervision_groups WHERE id = ?", (group["id"],))
    ctx.changes.phones = True


@actions(
    "intervision.assign",
    roles=(FACILITATOR,),
    schema={"item_id": Int(min=1), "participant_id": Int(min=1), "group_id": Int(min=0)},
)
def assign(ctx: Context, data: dict[str, Any]) -> None:
    """Move someone by hand; group_id 0 takes them out of every group."""
    item = kind_item(ctx, data["item_id"])
    _participant(ctx, data["participant_id"])
    target = None
    if data["group_id"]:
        target = load_group(ctx, data["group_id"])
        if target["item_id"] != item["id"]:
            raise ActionError("not_found", _l("That group does not exist."))
    _leave(ctx, item["id"], data["participant_id"])
    if target is not None:
        # Moved into a round under way (a latecomer; or the facilitator, joined as a
        # participant, putting themselves in): what the group said before stays with the
        # people who were there. Refusing the move would leave a latecomer outside.
        since = ctx.now_iso if _group_started(ctx, target) else None
        _add_member(ctx, target["id"], item["id"], data["participant_id"], since)
        touch(ctx, target, content=False, board=True)
    ctx.changes.phones = True


@actions("intervision.pick", roles=(PARTICIPANT,), schema={"group_id": Int(min=1)})
def pick(ctx: Context, data: dict[str, Any]) -> None:
    """A participant picks a group, when the facilitator lets people choose."""
    group = load_group(ctx, data["group_id"])
    item = kind_item(ctx, group["item_id"])
    if item["config"].get("grouping") != "choose":
        raise ActionError("forbidden", _l("The facilitator makes the groups in this activity."))
    if _group_started(ctx, group):
        raise ActionError("started", _l("This group has started; pick another one."))
    _leave(ctx, item["id"], ctx.actor.participant_id)
    _add_member(ctx, group["id"], item["id"], ctx.actor.participant_id)
    touch(ctx, group, content=False, board=True)
    ctx.changes.phones = True


@actions(
    "intervision.role",
    roles=(FACILITATOR, PARTICIPANT),
    schema={
        "group_id": Int(min=1),
        "role": Choice(tuple(st.ROLE_COLUMNS)),
        "participant_id": Int(min=0),
    },
)
def set_role(ctx: Context, data: dict[str, Any]) -> None:
    """Give a role to a member (0: nobody). The facilitator and the process guide may give
    any role; a member may take a free process guide or note-taker role for themselves."""
    group = load_group(ctx, data["group_id"])
    actor_role = role_in(ctx, group)
    target = data["participant_id"]
    column = st.ROLE_COLUMNS[data["role"]]
    if actor_role not in ("facilitator", "process_guide"):
        takes_free = (
            target == ctx.actor.participant_id
            and data["role"] in ("process_guide", "note_taker")
            and group[column] is None
        )
        if not takes_free:
            raise ActionError("not_guide", _l("Only the process guide of this group can do that."))
    members = st.member_ids(ctx, group["id"])
    if target and target not in members:
        raise ActionError("not_in_group", _l("That person is not in this group."))
    if data["role"] == "process_guide" and not target and group["case_id"] is not None:
        raise ActionError(
            "needs_guide", _l("A group needs a process guide: give the role to someone else.")
        )
    updates: dict[str, Any] = {column: target or None}
    if target:
        # One role each: whoever takes a role leaves the one they had.
        for other, other_column in st.ROLE_COLUMNS.items():
            if other != data["role"] and group[other_column] == target:
                updates[other_column] = None
        if data["role"] == "case_holder" and group["guide_id"] == target:
            # The case-holder can't guide their own case: the guide role moves on.
            updates["guide_id"] = _next_guide(members, target, group["note_taker_id"])
    if data["role"] == "case_holder" and target != group["case_holder_id"]:
        updates["case_id"] = None
    sets = ", ".join(f"{c} = ?" for c in updates)
    ctx.execute(
        f"UPDATE intervision_groups SET {sets} WHERE id = ?", (*updates.values(), group["id"])
    )
    touch(ctx, group, content=False)


def _next_guide(members: list[int], case_holder: int, note_taker: int | None) -> int | None:
    """Who guides when the guide becomes the case-holder: the first other member,
    passing over the note-taker while someone else is free."""
    others = [p for p in members if p != case_holder]
    free = [p for p in others if p != note_taker]
    return (free or others or [None])[0]


def choose_case(ctx: Context, group: dict[str, Any], case: dict[str, Any]) -> None:
    """The proposer of the chosen case becomes the case-holder; a guide who proposed it
    hands the guide role to the next member."""
    author = case["author_id"]
    updates = {"case_id": case["id"], "case_holder_id": author}
    if group["guide_id"] == author:
        updates["guide_id"] = _next_guide(
            st.member_ids(ctx, group["id"]), author, group["note_taker_id"]
        )
    if group["note_taker_id"] in (author, updates.get("guide_id")):
        updates["note_taker_id"] = None
    sets = ", ".join(f"{c} = ?" for c in updates)
    ctx.execute(
        f"UPDATE intervision_groups SET {sets} WHERE id = ?", (*updates.values(), group["id"])
    )
    group.update(updates)
