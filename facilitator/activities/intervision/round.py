"""A group's round: phases and timer, contributions, votes on cases, ratings, notes
and the case-holder's takeaway. Every action checks that the actor is in the group
and in a role that may do it; a refusal changes nothing."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.activities.intervision import phases
from facilitator.activities.intervision import store as st
from facilitator.activities.intervision.agreement import keep_as_agreement
from facilitator.activities.intervision.groups import (
    choose_case,
    kind_item,
    load_group,
    require_guide,
    role_in,
    touch,
)
from facilitator.activities.intervision.views import visible_to
from facilitator.agreements.store import DueDate
from facilitator.errors import ActionError
from facilitator.live.actions import FACILITATOR, PARTICIPANT, ActionSet, Context
from facilitator.schema import Bool, Choice, Int, Text

actions = ActionSet()

CONTRIBUTION_MAX = 1000
CASE_MAX = 500
NOTES_MAX = 4000
PER_PHASE_MAX = 20
GUIDE = (FACILITATOR, PARTICIPANT)


def _case_index(group: dict[str, Any]) -> int:
    for index, phase in enumerate(group["method"]["phases"]):
        if phase["contribution"] == "case":
            return index
    return -1


def _needs_case_holder(group: dict[str, Any], index: int) -> None:
    if index > _case_index(group) and group["case_holder_id"] is None:
        raise ActionError("no_case", _l("Choose the case (and so the case-holder) first."))


def _phase_changed(ctx: Context, group: dict[str, Any], updates: dict[str, Any]) -> None:
    from facilitator.activities.intervision.groups import save_phase

    save_phase(ctx, group, updates)
    touch(ctx, group, content=False, board=True)


@actions("intervision.start", roles=GUIDE, schema={"group_id": Int(min=1)})
def start(ctx: Context, data: dict[str, Any]) -> None:
    group = load_group(ctx, data["group_id"])
    require_guide(ctx, group)
    if group["state"] != "ready":
        raise ActionError("not_ready", _l("This phase has started already."))
    _needs_case_holder(group, group["phase_index"])
    _phase_changed(ctx, group, phases.start(group, ctx.now))


@actions("intervision.pause", roles=GUIDE, schema={"group_id": Int(min=1)})
def pause(ctx: Context, data: dict[str, Any]) -> None:
    group = load_group(ctx, data["group_id"])
    require_guide(ctx, group)
    if group["state"] != "running":
        raise ActionError("not_running", _l("The timer is not running."))
    _phase_changed(ctx, group, phases.pause(group, ctx.now))


@actions("intervision.resume", roles=GUIDE, schema={"group_id": Int(min=1)})
def resume(ctx: Context, data: dict[str, Any]) -> None:
    group = load_group(ctx, data["group_id"])
    require_guide(ctx, group)
    if group["state"] != "paused":
        raise ActionError("not_paused", _l("The timer is not paused."))
    _phase_changed(ctx, group, phases.resume(group, ctx.now))


@actions(
    "intervision.extend",
    roles=GUIDE,
    schema={"group_id": Int(min=1), "seconds": Int(min=10, max=1800)},
)
def extend(ctx: Context, data: dict[str, Any]) -> None:
    group = load_group(ctx, data["group_id"])
    require_guide(ctx, group)
    if group["state"] not in ("running", "paused"):
        raise ActionError("not_running", _l("The timer is not running."))
    _phase_changed(ctx, group, phases.extend(group, ctx.now, data["seconds"]))


@actions(
    "intervision.advance",
    roles=GUIDE,
    # The phase the screen showed: a double tap must not skip a phase.
    schema={"group_id": Int(min=1), "from_phase": Int(min=0, max=100)},
)
def advance(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    group = load_group(ctx, data["group_id"])
    require_guide(ctx, group)
    if group["state"] == "done":
        raise ActionError("done", _l("This round is finished."))
    if data["from_phase"] != group["phase_index"]:
        raise ActionError("moved_on", _l("The group has moved on already."))
    nxt = group["phase_index"] + 1
    if nxt < len(group["method"]["phases"]):
        _needs_case_holder(group, nxt)
    _phase_changed(ctx, group, phases.advance(group, ctx.now))
    return {"phase_index": group["phase_index"], "state": group["state"]}


def _groups_of_item(ctx: Context, item_id: int) -> list[dict[str, Any]]:
    """The item's groups, each caught up with auto-advance (as load_group does)."""
    item = kind_item(ctx, item_id)
    return [load_group(ctx, g["id"]) for g in st.groups_of(ctx, item["id"])]


def _next_index(group: dict[str, Any]) -> int | None:
    nxt = group["phase_index"] + 1
    return nxt if nxt < len(group["method"]["phases"]) else None  # None: the round ends


def _in_step(ctx: Context, groups: list[dict[str, Any]], index: Any, step: Any) -> tuple[int, int]:
    """Step every group (`step`: phases.start or .advance) whose phase `index(group)` needs
    no case or has one; returns (stepped, waiting for a case). Refused if none could."""
    stepped, no_case = 0, 0
    for group in groups:
        target = index(group)
        if target is not None and target > _case_index(group) and group["case_holder_id"] is None:
            no_case += 1
            continue
        _phase_changed(ctx, group, step(group, ctx.now))
        stepped += 1
    if not stepped:
        raise ActionError("no_case", _l("Choose the case (and so the case-holder) first."))
    return stepped, no_case


@actions("intervision.start_all", roles=(FACILITATOR,), schema={"item_id": Int(min=1)})
def start_all(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Every waiting group starts its phase: in a room of forty groups one tap, not forty."""
    waiting = [g for g in _groups_of_item(ctx, data["item_id"]) if g["state"] == "ready"]
    if not waiting:
        raise ActionError("not_ready", _l("No group is waiting to start."))
    started, no_case = _in_step(ctx, waiting, lambda g: g["phase_index"], phases.start)
    return {"started": started, "no_case": no_case}


@actions(
    "intervision.advance_all",
    roles=(FACILITATOR,),
    # The phase the control page showed: groups already past it stay where they are, so
    # a double tap or a second facilitator's tap moves nobody twice.
    schema={"item_id": Int(min=1), "from_phase": Int(min=0, max=100)},
)
def advance_all(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Every group in phase `from_phase` moves to its next one, for a room that works in
    step. A group that has not chosen its case stays before the phases that need one,
    and is counted, so the control page can say which wait."""
    due = [g for g in _groups_of_item(ctx, data["item_id"])
           if g["state"] != "done" and g["phase_index"] == data["from_phase"]]
    if not due:
        raise ActionError("moved_on", _l("The groups have moved on already."))
    moved, no_case = _in_step(ctx, due, _next_index, phases.advance)
    return {"moved": moved, "no_case": no_case}


@actions(
    "intervision.contribute",
    roles=(PARTICIPANT,),
    schema={"group_id": Int(min=1), "text": Text(max_len=CONTRIBUTION_MAX, multiline=True)},
)
def contribute(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """A question, an advice, a case... whatever the current phase asks for."""
    group = load_group(ctx, data["group_id"])
    role = role_in(ctx, group)
    phase = phases.phase_of(group)
    if group["state"] not in ("running", "paused"):
        raise ActionError("not_running", _l("This phase has not started yet."))
    kind = phase["contribution"]
    if kind == "none":
        raise ActionError("no_contributions", _l("This phase takes no contributions."))
    if (phase["by"] == "members" and role == "case_holder") or (
        phase["by"] == "case_holder" and role != "case_holder"
    ):
        raise ActionError("wrong_role", _l("In this phase your role does not contribute."))
    if kind == "case" and len(data["text"]) > CASE_MAX:
        raise ActionError("invalid", _l("Too long: at most %(max)s characters."), max=CASE_MAX)
    count = ctx.one(
        "SELECT COUNT(*) AS n FROM intervision_contributions WHERE group_id = ?"
        " AND phase_index = ? AND author_id = ?",
        (group["id"], group["phase_index"], ctx.actor.participant_id),
    )["n"]
    if count >= PER_PHASE_MAX:
        raise ActionError("too_many", _l("At most %(max)s items."), max=PER_PHASE_MAX)
    cur = ctx.execute(
        "INSERT INTO intervision_contributions (group_id, phase_index, phase_key, kind,"
        " author_id, text, visibility, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            group["id"],
            group["phase_index"],
            phase["key"],
            kind,
            ctx.actor.participant_id,
            data["text"],
            phase["visibility"],
            ctx.now_iso,
        ),
    )
    touch(ctx, group, content=True)
    return {"contribution_id": cur.lastrowid}


def _case_phase(group: dict[str, Any]) -> None:
    if phases.phase_of(group)["contribution"] != "case" or group["state"] == "done":
        raise ActionError("not_now", _l("The case is not being chosen now."))


def _case(ctx: Context, group: dict[str, Any], contribution_id: int) -> dict[str, Any]:
    row = ctx.one(
        "SELECT * FROM intervision_contributions WHERE id = ? AND group_id = ? AND kind = 'case'",
        (contribution_id, group["id"]),
    )
    if row is None:
        raise ActionError("not_found", _l("That case does not exist."))
    return row


@actions(
    "intervision.vote",
    roles=(PARTICIPANT,),
    schema={"group_id": Int(min=1), "contribution_id": Int(min=1)},
)
def vote(ctx: Context, data: dict[str, Any]) -> None:
    group = load_group(ctx, data["group_id"])
    role_in(ctx, group)
    _case_phase(group)
    case = _case(ctx, group, data["contribution_id"])
    ctx.execute(
        "INSERT INTO intervision_votes (group_id, participant_id, contribution_id)"
        " VALUES (?, ?, ?) ON CONFLICT (group_id, participant_id)"
        " DO UPDATE SET contribution_id = excluded.contribution_id",
        (group["id"], ctx.actor.participant_id, case["id"]),
    )
    touch(ctx, group, content=True)


@actions(
    "intervision.choose_case",
    roles=GUIDE,
    schema={"group_id": Int(min=1), "contribution_id": Int(min=0)},
)
def choose(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """The guide picks a case; 0 takes the one with the most votes (the earliest on a tie)."""
    group = load_group(ctx, data["group_id"])
    require_guide(ctx, group)
    _case_phase(group)
    if data["contribution_id"]:
        case = _case(ctx, group, data["contribution_id"])
    else:
        case = ctx.one(
            "SELECT c.* FROM intervision_contributions c LEFT JOIN intervision_votes v"
            " ON v.contribution_id = c.id WHERE c.group_id = ? AND c.kind = 'case'"
            " GROUP BY c.id ORDER BY COUNT(v.participant_id) DESC, c.id LIMIT 1",
            (group["id"],),
        )
        if case is None:
            raise ActionError("not_found", _l("Nobody has proposed a case yet."))
    if case["author_id"] is None:
        raise ActionError("not_found", _l("That case does not exist."))
    choose_case(ctx, group, case)
    touch(ctx, group, content=False)
    return {"case_holder_id": group["case_holder_id"]}


def _judged(ctx: Context, contribution_id: int, kind: str) -> tuple[dict[str, Any], dict]:
    row = ctx.one("SELECT * FROM intervision_contributions WHERE id = ?", (contribution_id,))
    group = load_group(ctx, row["group_id"]) if row else None
    if row is None or row["kind"] != kind:
        raise ActionError("not_found", _l("That contribution does not exist."))
    if role_in(ctx, group) != "case_holder":
        raise ActionError("not_case_holder", _l("Only the case-holder can do that."))
    if not visible_to(row, ctx.actor.participant_id, group):
        raise ActionError("not_found", _l("That contribution does not exist."))
    return row, group


@actions(
    "intervision.rate",
    roles=(PARTICIPANT,),
    schema={
        "contribution_id": Int(min=1),
        "rating": Choice(("cold", "lukewarm", "warm", "none")),
    },
)
def rate(ctx: Context, data: dict[str, Any]) -> None:
    row, group = _judged(ctx, data["contribution_id"], "question")
    rating = None if data["rating"] == "none" else data["rating"]
    ctx.execute("UPDATE intervision_contributions SET rating = ? WHERE id = ?", (rating, row["id"]))
    touch(ctx, group, content=True)


@actions(
    "intervision.appeal",
    roles=(PARTICIPANT,),
    schema={"contribution_id": Int(min=1), "appeals": Bool()},
)
def appeal(ctx: Context, data: dict[str, Any]) -> None:
    row, group = _judged(ctx, data["contribution_id"], "advice")
    ctx.execute(
        "UPDATE intervision_contributions SET appeals = ? WHERE id = ?",
        (int(data["appeals"]), row["id"]),
    )
    touch(ctx, group, content=True)


@actions(
    "intervision.note",
    roles=(PARTICIPANT,),
    schema={
        "group_id": Int(min=1),
        "text": Text(max_len=NOTES_MAX, required=False, multiline=True),
    },
)
def note(ctx: Context, data: dict[str, Any]) -> None:
    """Private notes: only their author ever sees them (not the group, not the facilitator)."""
    group = load_group(ctx, data["group_id"])
    role_in(ctx, group)
    ctx.execute(
        "INSERT INTO intervision_notes (group_id, participant_id, text, updated_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (group_id, participant_id)"
        " DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
        (group["id"], ctx.actor.participant_id, data["text"] or "", ctx.now_iso),
    )
    ctx.changes.add_personal(ctx.actor.participant_id)


@actions(
    "intervision.takeaway",
    roles=(PARTICIPANT,),
    schema={
        "group_id": Int(min=1),
        "text": Text(max_len=CONTRIBUTION_MAX, multiline=True),
        "kept": Bool(),
        "manager_visible": Bool(),
        "due_date": DueDate(required=False),
    },
)
def takeaway(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """The case-holder's "what I will do"; kept, it survives retention as an agreement,
    and a manager may see it only when the case-holder says so (off by default)."""
    group = load_group(ctx, data["group_id"])
    if role_in(ctx, group) != "case_holder":
        raise ActionError("not_case_holder", _l("Only the case-holder can do that."))
    if not (phases.phase_of(group)["takeaway"] and group["state"] != "ready") and (
        group["state"] != "done"
    ):
        raise ActionError("not_now", _l("The takeaway comes in the closing phase."))
    pid = ctx.actor.participant_id
    name = ctx.one("SELECT name FROM participants WHERE id = ?", (pid,))["name"]
    existing = ctx.one(
        "SELECT id, agreement_id FROM intervision_takeaways"
        " WHERE group_id = ? AND participant_id = ?",
        (group["id"], pid),
    )
    values = (data["text"], int(data["kept"]), int(data["manager_visible"]), ctx.now_iso)
    if existing:
        ctx.execute(
            "UPDATE intervision_takeaways SET text = ?, kept = ?, manager_visible = ?,"
            " updated_at = ? WHERE id = ?",
            (*values, existing["id"]),
        )
        takeaway_id = existing["id"]
    else:
        takeaway_id = ctx.execute(
            "INSERT INTO intervision_takeaways (workshop_id, group_id, participant_id,"
            " author_name, text, kept, manager_visible, updated_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ctx.workshop["id"], group["id"], pid, name, *values, ctx.now_iso),
        ).lastrowid
    agreement_id = keep_as_agreement(ctx, existing or {}, {"id": pid, "name": name}, data)
    ctx.execute(
        "UPDATE intervision_takeaways SET agreement_id = ? WHERE id = ?",
        (agreement_id, takeaway_id),
    )
    touch(ctx, group, content=True)
    return {"takeaway_id": takeaway_id, "agreement_id": agreement_id}
