"""What the board shows besides the activity: the join slide, a spotlight, the page of a
long list and its pace, and whether the facilitator's harvest notes are projected.

This is room state (issue 14): the facilitator changes it with `board.*` actions, it is
stored in `board_state` (one row per workshop), so a reloaded or restarted board shows
the same. Only the board view and the control page read it; phones never get it.

Paging is done on the server: an activity's board view hands its long list to `page()`
and sends only the entries of the page on the board ("the board view sends what the
board shows"). With a pace set, pages turn by themselves: the page is computed from the
time the facilitator last turned one, and the board syncs when the next turn is due.
"""

from __future__ import annotations

import json
import math
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.db import iso, parse_iso
from facilitator.errors import ActionError, not_found
from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.schema import Bool, Choice, Int

actions = ActionSet()

# What the facilitator may put in the spotlight (each resolved below, as the board may see it).
SPOTLIGHT_KINDS = ("dilemma", "argument", "need", "recommendation", "agreement", "feedback")
PACES = (0, 10, 15, 20, 30, 45, 60)  # seconds a page stays; 0: the facilitator turns them


def short(text: str | None, limit: int) -> str:
    """A text cut at a word to at most `limit` characters, with an ellipsis when cut:
    the board shows short texts, the spotlight the whole one."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:") + "…"


def chunks(text: str, limit: int) -> list[str]:
    """A long text in parts of at most `limit` characters, cut between lines or words:
    the board pages through it instead of shrinking it."""
    parts: list[str] = []
    current = ""
    for line in (text or "").splitlines():
        for word in line.split(" "):
            word = word[:limit]
            if current and len(current) + 1 + len(word) > limit:
                parts.append(current.strip())
                current = ""
            current += (" " if current and not current.endswith("\n") else "") + word
        current += "\n"
        if current.count("\n") >= 6:  # many short lines are as tall as a long text
            parts.append(current.strip())
            current = ""
    if current.strip():
        parts.append(current.strip())
    return parts


# --- stored state ------------------------------------------------------------------------


def _row(q: Any, workshop_id: int) -> dict[str, Any]:
    row = q.one("SELECT * FROM board_state WHERE workshop_id = ?", (workshop_id,))
    return row or {"workshop_id": workshop_id, "join_shown": None, "join_item_id": None,
                   "spotlight": None, "page": 0, "page_item_id": None, "pace": 0,
                   "paged_at": None, "notes": 0}


def _save(ctx: Context, **values: Any) -> None:
    row = {**_row(ctx, ctx.workshop["id"]), **values}
    ctx.execute(
        "INSERT OR REPLACE INTO board_state (workshop_id, join_shown, join_item_id, spotlight,"
        " page, page_item_id, pace, paged_at, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ctx.workshop["id"], row["join_shown"], row["join_item_id"], row["spotlight"],
         row["page"], row["page_item_id"], row["pace"], row["paged_at"], row["notes"]),
    )
    # The board is recomputed after every action; the control page shows the state.
    ctx.changes.board = ctx.changes.control = True


def _first_item(q: Any, workshop_id: int) -> int | None:
    row = q.one("SELECT id FROM agenda_items WHERE workshop_id = ? ORDER BY position, id"
                " LIMIT 1", (workshop_id,))
    return row["id"] if row else None


def join_shown(q: Any, workshop: dict[str, Any], row: dict[str, Any] | None = None) -> bool:
    """The join slide: at the start (on the first agenda item, until the facilitator hides
    it) and whenever the facilitator calls it up, for as long as the room stays on that item."""
    if workshop["status"] == "closed":
        return False
    row = row or _row(q, workshop["id"])
    current = workshop["current_item_id"]
    if row["join_shown"] is None:
        return current is None or current == _first_item(q, workshop["id"])
    return bool(row["join_shown"]) and row["join_item_id"] == current


# --- actions -----------------------------------------------------------------------------


@actions("board.join", roles=(FACILITATOR,), schema={"show": Bool()})
def join(ctx: Context, data: dict[str, Any]) -> None:
    _save(ctx, join_shown=int(data["show"]), join_item_id=ctx.workshop["current_item_id"])


@actions("board.spotlight", roles=(FACILITATOR,),
         schema={"kind": Choice(SPOTLIGHT_KINDS), "id": Int(min=1)})
def spotlight_on(ctx: Context, data: dict[str, Any]) -> None:
    if ctx.workshop["current_item_id"] is None:
        raise ActionError("not_now", _l("This activity is not running now."))
    if _resolve(ctx, ctx.workshop, data["kind"], data["id"]) is None:
        raise not_found(_l("That is not on the board."))
    target = {"kind": data["kind"], "id": data["id"], "item_id": ctx.workshop["current_item_id"]}
    _save(ctx, spotlight=json.dumps(target))


@actions("board.unspotlight", roles=(FACILITATOR,))
def spotlight_off(ctx: Context, data: dict[str, Any]) -> None:
    _save(ctx, spotlight=None)


@actions("board.page", roles=(FACILITATOR,), schema={"page": Int(min=1, max=1000)})
def turn(ctx: Context, data: dict[str, Any]) -> None:
    """Show page `page` (1-based) of the current activity's list; past the last page is
    the last one. With a pace set, the pages go on turning from this one."""
    _save(ctx, page=data["page"] - 1, page_item_id=ctx.workshop["current_item_id"],
          paged_at=ctx.now_iso)


@actions("board.pace", roles=(FACILITATOR,), schema={"seconds": Int(min=0, max=max(PACES))})
def pace(ctx: Context, data: dict[str, Any]) -> None:
    if data["seconds"] not in PACES:
        raise ActionError("invalid", _l("That is not one of the choices."))
    row = _row(ctx, ctx.workshop["id"])
    # Start the pace from the page on the board now, not from the stored one.
    shown = _page_index(row, ctx.workshop, ctx.now, pages=None)
    _save(ctx, pace=data["seconds"], page=shown, page_item_id=ctx.workshop["current_item_id"],
          paged_at=ctx.now_iso)


@actions("board.notes", roles=(FACILITATOR,), schema={"show": Bool()})
def notes(ctx: Context, data: dict[str, Any]) -> None:
    _save(ctx, notes=int(data["show"]))


# --- views -------------------------------------------------------------------------------


def _turns(row: dict[str, Any], now: Any) -> int:
    if not row["pace"] or not row["paged_at"]:
        return 0
    return max(0, int((now - parse_iso(row["paged_at"])).total_seconds() // row["pace"]))


def _page_index(row: dict[str, Any], workshop: dict[str, Any], now: Any,
                pages: int | None) -> int:
    if row["page_item_id"] != workshop["current_item_id"]:
        start = 0  # a new activity starts on its first page
        turns = _turns(row, now) if row["pace"] else 0
    else:
        start, turns = row["page"], _turns(row, now)
    if pages is None:
        return start + turns
    if row["pace"] and pages > 0:
        return (start + turns) % pages
    return min(start, max(0, pages - 1))


def page(v: Any, entries: list[Any], per_page: int,
         since: str | None = None) -> tuple[list[Any], dict[str, Any]]:
    """The entries on the board now and the paging line ({page, pages, next_at}).

    `per_page` is what fits at 4:3 in the board's type; every board list is cut so.
    `since`: when the list started anew (a new round of the game); a page turned before
    that no longer counts, the board starts on the first page again."""
    row = _row(v, v.workshop["id"])
    if since and row["paged_at"] and parse_iso(row["paged_at"]) < parse_iso(since):
        row = {**row, "page": 0, "paged_at": since}
    pages = max(1, math.ceil(len(entries) / per_page))
    index = _page_index(row, v.workshop, v.now, pages)
    paging: dict[str, Any] = {"page": index + 1, "pages": pages}
    if pages > 1 and row["pace"] and row["paged_at"]:
        due = parse_iso(row["paged_at"]) + timedelta(seconds=row["pace"] * (_turns(row, v.now) + 1))
        paging["next_at"] = iso(due)
    return entries[index * per_page:(index + 1) * per_page], paging


def notes_shown(v: Any) -> bool:
    return bool(_row(v, v.workshop["id"])["notes"])


def _resolve(q: Any, workshop: dict[str, Any], kind: str, key: int) -> dict[str, Any] | None:
    """The whole text of a spotlight target, as the board may show it, or None when it is
    not this workshop's or not on the board (unapproved, dropped, feedback not shown)."""
    wid = workshop["id"]
    if kind == "dilemma":
        row = q.one("SELECT situation, options, dilemma_values, author_name FROM dilemmas"
                    " WHERE id = ? AND workshop_id = ? AND approved = 1 AND merged_into IS NULL",
                    (key, wid))
        if row is None:
            return None
        return {"text": row["situation"], "options": json.loads(row["options"]),
                "values": row["dilemma_values"] or "", "by": row["author_name"] or ""}
    if kind == "argument":
        row = q.one("SELECT a.text, a.option, d.options FROM dilemma_arguments a JOIN dilemmas d"
                    " ON d.id = a.dilemma_id WHERE a.id = ? AND a.workshop_id = ?", (key, wid))
        if row is None:
            return None
        labels = json.loads(row["options"])
        label = labels[row["option"]] if row["option"] < len(labels) else ""
        return {"text": row["text"], "option": row["option"], "label": label}
    if kind in ("need", "recommendation"):
        table = "dilemma_needs" if kind == "need" else "dilemma_recommendations"
        row = q.one(f"SELECT text FROM {table} WHERE id = ? AND workshop_id = ?", (key, wid))
        return {"text": row["text"]} if row else None
    if kind == "agreement":
        row = q.one("SELECT owner_name, what, due_date, check_how FROM agreements WHERE id = ?"
                    " AND workshop_id = ? AND source = 'workshop' AND merged_into IS NULL"
                    " AND status != 'dropped'", (key, wid))
        if row is None:
            return None
        return {"text": row["what"], "by": row["owner_name"], "due_date": row["due_date"],
                "check_how": row["check_how"]}
    row = q.one("SELECT behaviour, feeling, effect, wish FROM feedback WHERE id = ?"
                " AND workshop_id = ? AND to_id IS NULL AND shown = 1", (key, wid))
    return dict(row) if row else None


def _spotlight(q: Any, workshop: dict[str, Any], row: dict[str, Any]) -> dict[str, Any] | None:
    if not row["spotlight"]:
        return None
    target = json.loads(row["spotlight"])
    if target["item_id"] != workshop["current_item_id"]:
        return None  # a spotlight belongs to the activity it was put on in
    found = _resolve(q, workshop, target["kind"], target["id"])
    return {"kind": target["kind"], "id": target["id"], **found} if found else None


def board_view(v: Any) -> dict[str, Any]:
    """The board's own part: which slide covers the activity, if any."""
    row = _row(v, v.workshop["id"])
    closed = v.workshop["status"] == "closed"
    return {
        "closing": closed,
        "join": join_shown(v, v.workshop, row),
        "spotlight": None if closed else _spotlight(v, v.workshop, row),
    }


def control_view(v: Any, board: dict[str, Any]) -> dict[str, Any]:
    """What the control page needs to steer the board, and what is on it now: computed
    from the same board view the board gets."""
    row = _row(v, v.workshop["id"])
    own = board["board"]
    item = board.get("item")
    paging = (item or {}).get("view", {}).get("paging") if item else None
    if own["closing"]:
        now = {"slide": "closing"}
    elif own["join"]:
        now = {"slide": "join"}
    elif own["spotlight"]:
        spot = own["spotlight"]
        now = {"slide": "spotlight", "kind": spot["kind"],
               "text": short(spot.get("text") or spot.get("behaviour"), 120)}
    else:
        now = {"slide": "activity", "title": item["title"] if item else ""}
    return {
        "join": own["join"],
        "spotlight": ({"kind": own["spotlight"]["kind"], "id": own["spotlight"]["id"]}
                      if own["spotlight"] else None),
        "paging": paging,
        "pace": row["pace"],
        "paces": list(PACES),
        "notes": bool(row["notes"]),
        "now": now,
    }
