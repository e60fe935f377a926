"""Open agreements: at the start of a team's next workshop, look back at what was agreed.

Shown: the agreements of the team's earlier workshops that are still to be kept, and
those closed since the team last met (so the room sees what a manager marked done).
The facilitator marks each done, still open, changed or dropped with a note; the
history keeps every step. Agreements from intervision groups never come here.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.agreements import store
from facilitator.agreements.board import BOARD_AGREEMENTS, board_entry
from facilitator.errors import not_found
from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.room.board_state import page, short
from facilitator.schema import Choice, Int, Text

KIND = "open_agreements"
TITLE = _l("Open agreements")
actions = ActionSet()
SHOWN_STATUSES = ("agreed", "open", "changed", "done", "dropped")

CLIENT_STRINGS = {
    "none": _l("No open agreements from earlier workshops of this team."),
    "no_team": _l("This workshop has no team, so there are no earlier agreements to show."),
    "from": _l("from %(title)s, %(date)s"),
    "save": _l("Save"),
    "note": _l("Note (optional)"),
    "status": _l("How is it going?"),
    "reviewed": _l("reviewed here"),
    "last_note": _l("Note: %(note)s"),
}


def default_config() -> dict[str, Any]:
    return {}


def _rows(q: Any, workshop: dict[str, Any]) -> list[dict[str, Any]]:
    """Earlier team agreements still to keep, closed since the team last met, or
    reviewed in this workshop."""
    if workshop["team_id"] is None:
        return []
    previous = q.one(
        "SELECT MAX(created_at) AS at FROM workshops WHERE team_id = ? AND id != ?"
        " AND created_at <= ?",
        (workshop["team_id"], workshop["id"], workshop["created_at"]),
    )
    since = (previous and previous["at"]) or workshop["created_at"]
    marks = ",".join("?" * len(SHOWN_STATUSES))
    rows = q.all(
        "SELECT a.*, w.title AS workshop_title, w.created_at AS workshop_at FROM agreements a"
        " JOIN workshops w ON w.id = a.workshop_id"
        " WHERE a.team_id = ? AND a.workshop_id != ? AND w.created_at <= ?"
        " AND a.source = 'workshop' AND a.merged_into IS NULL"
        f" AND a.status IN ({marks})"
        " AND (a.status IN ('agreed', 'open', 'changed') OR a.updated_at >= ?"
        "      OR EXISTS (SELECT 1 FROM agreement_history h"
        "                 WHERE h.agreement_id = a.id AND h.workshop_id = ?))"
        " ORDER BY a.due_date, a.id",
        (workshop["team_id"], workshop["id"], workshop["created_at"], *SHOWN_STATUSES, since,
         workshop["id"]),
    )
    return store.with_people(q, rows)


def _view(v: Any) -> dict[str, Any]:
    rows = _rows(v, v.workshop)
    notes = store.last_notes(v, [r["id"] for r in rows])
    reviewed = {
        r["agreement_id"]
        for r in v.all(
            "SELECT DISTINCT agreement_id FROM agreement_history WHERE workshop_id = ?",
            (v.workshop["id"],),
        )
    }
    out = []
    for row in rows:
        entry = store.public(row, v.now)
        entry.update(
            workshop_title=row["workshop_title"],
            workshop_date=row["workshop_at"][:10],
            note=notes.get(row["id"], ""),
            reviewed=row["id"] in reviewed,
        )
        out.append(entry)
    choices = [{"value": s, "label": str(store.STATUS_LABELS[s])}
               for s in store.ROOM_REVIEW_STATUSES]
    return {"agreements": out, "has_team": v.workshop["team_id"] is not None,
            "choices": choices}


@actions(
    "open_agreements.review",
    roles=(FACILITATOR,),
    schema={
        "agreement_id": Int(min=1),
        "status": Choice(store.ROOM_REVIEW_STATUSES),
        "note": Text(max_len=store.NOTE_MAX, required=False, multiline=True),
    },
)
def review(ctx: Context, data: dict[str, Any]) -> None:
    ctx.current_item(KIND)
    row = next((r for r in _rows(ctx, ctx.workshop) if r["id"] == data["agreement_id"]), None)
    if row is None:
        raise not_found(_l("That agreement does not exist."))
    store.set_status(ctx, row, data["status"], data["note"] or "", store.actor_name(ctx),
                     ctx.now_iso, user_id=ctx.actor.user_id, workshop_id=ctx.workshop["id"])
    ctx.changes.board = ctx.changes.control = ctx.changes.phones = True


def board(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    view = _view(v)
    entries = [{**board_entry(a), "reviewed": a["reviewed"], "workshop_date": a["workshop_date"],
                "workshop_title": short(a["workshop_title"], 40)} for a in view["agreements"]]
    shown, paging = page(v, entries, BOARD_AGREEMENTS)
    return {**view, "agreements": shown, "paging": paging, "total": len(entries)}


def control(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    return _view(v)


def phone(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    return _view(v)


def personal(v: Any, item: dict[str, Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    return {}


def export(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """The review as it stands: each earlier agreement with its status and last note.
    Agreements managers may not see stay out of what leaves the room."""
    view = _view(v)
    return {
        "agreements": [
            {
                "id": a["id"],
                "owner": a["owner"],
                "what": a["what"],
                "due_date": a["due_date"],
                "status": a["status"],
                "note": a["note"],
                "from_workshop": a["workshop_title"],
                "person": a["owner_id"] is not None,  # an anonymous report names no person
            }
            for a in view["agreements"]
            if a["manager_visible"]
        ]
    }
