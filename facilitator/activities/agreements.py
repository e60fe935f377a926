"""Agreements ("afspreken"): anyone proposes, every named participant confirms.

Who does what, with whom, by when, and how and when it is checked. Proposed becomes
agreed once everyone named has confirmed on their phone; one refusal (with a reason)
makes it declined. The facilitator can edit, merge or withdraw. Agreements are the
team's: they outlive the workshop (see facilitator/agreements/store.py) and come back in the next
workshop's "open agreements" and in the managers' review.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.agreements import store
from facilitator.agreements.board import BOARD_AGREEMENTS, board_entry
from facilitator.errors import ActionError, not_allowed, not_found
from facilitator.live.actions import FACILITATOR, MANAGER, PARTICIPANT, ActionSet, Context
from facilitator.room import participants
from facilitator.room.board_state import page
from facilitator.schema import Bool, Choice, Int, ListOf, Text

KIND = "agreements"
TITLE = _l("New agreements")
actions = ActionSet()
migrations = store.migrations
MAX_PER_WORKSHOP = 200

AGENDAS = {
    "team_agreements": (
        _l("Team agreements (open agreements, feedback, new agreements)"),
        [("open_agreements", None), ("feedback", None), ("agreements", None)],
    ),
}

CLIENT_STRINGS = {
    "confirm": _l("I confirm"),
    "decline": _l("I do not agree"),
    "reason": _l("Why not? (required)"),
    "send_decline": _l("Send"),
    "confirmed": _l("confirmed"),
    "declined": _l("declined"),
    "waiting": _l("not yet answered"),
    "due": _l("by %(date)s"),
    "check": _l("Check: %(how)s"),
    "with": _l("with %(names)s"),
    "count": _l("%(n)s of %(total)s confirmed"),
    "none": _l("No agreements yet."),
    "someone_else": _l("Someone else (type below)"),
    "to_answer": _l("Waiting for your answer"),
    "withdraw": _l("Withdraw"),
    "agree_room": _l("Agreed by the room"),
    "edit": _l("Edit"),
    "merge_into": _l("Merge into"),
    "merge": _l("Merge"),
    "hidden_from_managers": _l("not for managers"),
    "overdue": _l("overdue"),
    "sent": _l("Proposed. Everyone named confirms on their own phone."),
}


def default_config() -> dict[str, Any]:
    return {}


FIELDS = {
    "owner_id": Int(min=0),
    "owner_text": Text(max_len=store.OWNER_MAX, required=False),
    "what": Text(max_len=store.WHAT_MAX, multiline=True),
    "with_ids": ListOf(Int(min=1), max_items=store.WITH_MAX),
    "due_date": store.DueDate(),
    "check_how": Text(max_len=store.CHECK_MAX, required=False),
    "manager_visible": Bool(default=True),
}


def _colleague(ctx: Context, participant_id: int) -> dict[str, Any]:
    """A participant of this workshop who joined with a name."""
    row = ctx.one(
        "SELECT id, name FROM participants WHERE id = ? AND workshop_id = ? AND name IS NOT NULL",
        (participant_id, ctx.workshop["id"]),
    )
    if row is None:
        raise ActionError("invalid", _l("Choose someone who is here and joined with a name."))
    return row


def _parties(ctx: Context, data: dict[str, Any]) -> tuple[dict[str, Any], Any, list[Any]]:
    """Check the fields and resolve the named people; refuse what is incomplete."""
    store.check_not_past(data["due_date"], ctx.now)
    owner = _colleague(ctx, data["owner_id"]) if data["owner_id"] else None
    if owner is None and not data["owner_text"]:
        raise ActionError("invalid", _l("Say who does it."))
    others = [_colleague(ctx, pid) for pid in dict.fromkeys(data["with_ids"])]
    fields = {
        "owner_name": owner["name"] if owner else data["owner_text"],
        "what": data["what"],
        "due_date": data["due_date"],
        "check_how": data["check_how"] or "",
        "manager_visible": data["manager_visible"],
    }
    return fields, owner, others


def _changed(ctx: Context, row: dict[str, Any] | None = None) -> None:
    ctx.changes.board = ctx.changes.control = ctx.changes.phones = True
    if row is not None:
        for person in row["people"]:
            ctx.changes.add_personal(person["participant_id"])


def _own(ctx: Context, agreement_id: int, review: bool = False) -> dict[str, Any]:
    """An agreement of this workshop that the room's actions may change.

    A kept intervision takeaway is the case-holder's alone (issue 12, item 9): only
    their takeaway action changes its text or who may see it, so to the room it does not
    exist. A review may still set the status of one the case-holder shared."""
    row = store.get(ctx, agreement_id)
    if row is None or row["workshop_id"] != ctx.workshop["id"] or row["merged_into"]:
        raise not_found(_l("That agreement does not exist."))
    if row["source"] != "workshop" and not (review and row["manager_visible"]):
        raise not_found(_l("That agreement does not exist."))
    return row


@actions("agreements.propose", roles=(PARTICIPANT, FACILITATOR), schema=FIELDS)
def propose(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    item = ctx.current_item(KIND)
    count = ctx.one(
        "SELECT COUNT(*) AS n FROM agreements WHERE workshop_id = ?", (ctx.workshop["id"],)
    )
    if count["n"] >= MAX_PER_WORKSHOP:
        raise ActionError("invalid", _l("At most %(max)s items."), max=MAX_PER_WORKSHOP)
    fields, owner, others = _parties(ctx, data)
    agreement_id = store.create(
        ctx, ctx.workshop, fields, owner, others, store.actor_name(ctx), ctx.now_iso,
        item_id=item["id"], proposed_by=ctx.actor.participant_id,
    )
    _changed(ctx, store.get(ctx, agreement_id))
    return {"agreement_id": agreement_id}


def _answer(ctx: Context, agreement_id: int, yes: bool, reason: str) -> None:
    row = _own(ctx, agreement_id)
    person = next(
        (p for p in row["people"] if p["participant_id"] == ctx.actor.participant_id), None
    )
    if person is None:
        raise ActionError("not_named", _l("Only the people named in an agreement confirm it."))
    if row["status"] != "proposed":
        raise ActionError("not_now", _l("This agreement is not waiting for answers."))
    who = store.actor_name(ctx)
    store.answer(ctx, row, person["participant_id"], yes, reason, who, ctx.now_iso)
    _changed(ctx, row)


@actions("agreements.confirm", roles=(PARTICIPANT,), schema={"agreement_id": Int(min=1)})
def confirm(ctx: Context, data: dict[str, Any]) -> None:
    _answer(ctx, data["agreement_id"], True, "")


@actions(
    "agreements.decline",
    roles=(PARTICIPANT,),
    schema={"agreement_id": Int(min=1), "reason": Text(max_len=store.REASON_MAX)},
)
def decline(ctx: Context, data: dict[str, Any]) -> None:
    _answer(ctx, data["agreement_id"], False, data["reason"])


@actions("agreements.edit", roles=(FACILITATOR,), schema={"agreement_id": Int(min=1), **FIELDS})
def edit(ctx: Context, data: dict[str, Any]) -> None:
    """Changing an agreement asks everyone named to confirm it again."""
    row = _own(ctx, data["agreement_id"])
    fields, owner, others = _parties(ctx, data)
    ctx.execute(
        "UPDATE agreements SET owner_participant_id = ?, owner_name = ?, what = ?, due_date = ?,"
        " check_how = ?, manager_visible = ?, updated_at = ? WHERE id = ?",
        (owner["id"] if owner else None, fields["owner_name"], fields["what"],
         fields["due_date"], fields["check_how"], int(fields["manager_visible"]), ctx.now_iso,
         row["id"]),
    )
    store.set_people(ctx, row["id"], owner, others)
    store.set_status(ctx, row, "proposed", str(_l("edited")), store.actor_name(ctx), ctx.now_iso,
                     workshop_id=ctx.workshop["id"])
    _changed(ctx, row)
    _changed(ctx, store.get(ctx, row["id"]))


@actions(
    "agreements.merge",
    roles=(FACILITATOR,),
    schema={"agreement_id": Int(min=1), "into_id": Int(min=1)},
)
def merge(ctx: Context, data: dict[str, Any]) -> None:
    """Fold a duplicate into another; new people there must confirm it too."""
    if data["agreement_id"] == data["into_id"]:
        raise ActionError("invalid", _l("Choose another agreement to merge into."))
    source, target = _own(ctx, data["agreement_id"]), _own(ctx, data["into_id"])
    known = {p["participant_id"] for p in target["people"]}
    added = [p for p in source["people"] if p["participant_id"] not in known]
    for person in added:
        ctx.execute(
            "INSERT INTO agreement_people (agreement_id, participant_id, name, role)"
            " VALUES (?, ?, ?, 'with')",
            (target["id"], person["participant_id"], person["name"]),
        )
    who = store.actor_name(ctx)
    ctx.execute("UPDATE agreements SET merged_into = ? WHERE id = ?", (target["id"], source["id"]))
    store.set_status(ctx, source, "dropped", str(_l("merged into #%(id)s") % {"id": target["id"]}),
                     who, ctx.now_iso, workshop_id=ctx.workshop["id"])
    if added and target["status"] == "agreed":
        store.set_status(ctx, target, "proposed", str(_l("merged")), who, ctx.now_iso,
                         workshop_id=ctx.workshop["id"])
    _changed(ctx, source)
    _changed(ctx, store.get(ctx, target["id"]))


@actions(
    "agreements.withdraw",
    roles=(FACILITATOR,),
    schema={"agreement_id": Int(min=1), "note": Text(max_len=store.NOTE_MAX, required=False)},
)
def withdraw(ctx: Context, data: dict[str, Any]) -> None:
    row = _own(ctx, data["agreement_id"])
    note = data["note"] or str(_l("withdrawn"))
    store.set_status(ctx, row, "dropped", note, store.actor_name(ctx), ctx.now_iso,
                     workshop_id=ctx.workshop["id"])
    _changed(ctx, row)


@actions("agreements.agree", roles=(FACILITATOR,), schema={"agreement_id": Int(min=1)})
def agree_for_room(ctx: Context, data: dict[str, Any]) -> None:
    """An agreement that names nobody present is agreed by the room, on the facilitator's word."""
    row = _own(ctx, data["agreement_id"])
    if row["people"]:
        raise not_allowed()
    if row["status"] != "proposed":
        raise ActionError("not_now", _l("This agreement is not waiting for answers."))
    store.set_status(ctx, row, "agreed", "", store.actor_name(ctx), ctx.now_iso,
                     workshop_id=ctx.workshop["id"])
    _changed(ctx, row)


@actions(
    "agreements.review",
    roles=(FACILITATOR, MANAGER),
    schema={
        "agreement_id": Int(min=1),
        "status": Choice(store.REVIEW_STATUSES),
        "note": Text(max_len=store.NOTE_MAX, required=False, multiline=True),
    },
    any_status=True,  # reviews happen after the workshop has closed
)
def review(ctx: Context, data: dict[str, Any]) -> None:
    """A status change from the manager review or the API, kept in the history."""
    row = _own(ctx, data["agreement_id"], review=True)
    # Managers see only what may be shown to them; the workshop's owner also sees the
    # team agreements of their own workshop (agreements/access.py _scope, the same rule).
    if not (
        row["manager_visible"] or (ctx.actor.kind == FACILITATOR and row["source"] == "workshop")
    ):
        raise not_found(_l("That agreement does not exist."))
    user = ctx.one("SELECT name, email FROM users WHERE id = ?", (ctx.actor.user_id,))
    store.set_status(ctx, row, data["status"], data["note"] or "", user["name"] or user["email"],
                     ctx.now_iso, user_id=ctx.actor.user_id, workshop_id=ctx.workshop["id"])
    _changed(ctx, row)


# --- views --------------------------------------------------------------------------------


def _colleagues(v: Any) -> list[dict[str, Any]]:
    return v.all(
        "SELECT id, name FROM participants WHERE workshop_id = ? AND name IS NOT NULL"
        " ORDER BY name COLLATE NOCASE",
        (v.workshop["id"],),
    )


def _list(v: Any, include_dropped: bool = False) -> list[dict[str, Any]]:
    # Only the room's own agreements: a kept intervision takeaway is personal and is
    # never shown on the board, the phones or the control page.
    rows = [r for r in store.of_workshop(v, v.workshop["id"]) if r["source"] == "workshop"]
    if not include_dropped:
        rows = [r for r in rows if r["status"] != "dropped"]
    return [store.public(r, v.now) for r in rows]


def board(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    shown, paging = page(v, [board_entry(a) for a in _list(v)], BOARD_AGREEMENTS)
    return {"agreements": shown, "paging": paging}


def control(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    return {
        "agreements": _list(v, include_dropped=True),
        "colleagues": _colleagues(v),
        "today": store.today(v.now).isoformat(),
    }


def phone(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    # The names to choose from are asked for when `people_rev` changes (as in feedback):
    # every name in every push to every phone was O(N^2) bytes per push.
    return {
        "agreements": _list(v),
        "people_rev": participants.named_rev(v, v.workshop["id"]),
        "today": store.today(v.now).isoformat(),
    }


def personal(v: Any, item: dict[str, Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each phone learns which agreements name it and which still wait for its answer."""
    marks = ",".join("?" * len(ids))
    rows = v.all(
        "SELECT ap.participant_id, ap.agreement_id, ap.answer, a.status FROM agreement_people ap"
        " JOIN agreements a ON a.id = ap.agreement_id"
        " WHERE a.workshop_id = ? AND a.merged_into IS NULL AND a.source = 'workshop'"
        f" AND ap.participant_id IN ({marks})",
        (v.workshop["id"], *ids),
    )
    out: dict[int, dict[str, Any]] = {pid: {"named": [], "to_answer": []} for pid in ids}
    for r in rows:
        out[r["participant_id"]]["named"].append(r["agreement_id"])
        if r["status"] == "proposed" and r["answer"] is None:
            out[r["participant_id"]]["to_answer"].append(r["agreement_id"])
    return out


def export(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """Agreements made under this agenda item that managers may see."""
    rows = [r for r in store.of_workshop(v, v.workshop["id"], visible_only=True)
            if r["item_id"] == item["id"] and r["source"] == "workshop"]
    return {
        "agreements": [
            {
                "id": r["id"],
                "owner": r["owner_name"],
                "what": r["what"],
                "with": r["with_names"],
                "due_date": r["due_date"],
                "check_how": r["check_how"],
                "status": r["status"],
            }
            for r in rows
        ]
    }
