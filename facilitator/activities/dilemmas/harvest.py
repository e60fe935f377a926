"""Harvest: per dilemma the facilitator's notes, what the professionals need from
management (phones add these, anonymously) and recommendations, written by the
facilitator or promoted from a need or an argument. This is what the report is for.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.activities.dilemmas import board as board_cards
from facilitator.activities.dilemmas import store
from facilitator.errors import ActionError, not_found
from facilitator.live.actions import FACILITATOR, PARTICIPANT, ActionSet, Context
from facilitator.room import board_state
from facilitator.room.board_state import short
from facilitator.schema import Int, Text

KIND = "dilemma_harvest"
TITLE = _l("Harvest")
actions = ActionSet()
MAX_PER_DILEMMA = 50

CLIENT_STRINGS = {
    "needs": _l("Needed from management"),
    "recommendations": _l("Recommendations"),
    "notes": _l("Notes"),
    "promote": _l("Make it a recommendation"),
    "need_sent": _l("Thank you. Your answer was added anonymously."),
    "nothing_yet": _l("Nothing yet."),
    "arguments": _l("Arguments"),
    "save_notes": _l("Save notes"),
    "new_recommendation": _l("New recommendation"),
    "add_recommendation": _l("Add recommendation"),
}


def default_config() -> dict[str, Any]:
    return {}


def _count(ctx: Context, table: str, dilemma_id: int) -> int:
    row = ctx.one(f"SELECT COUNT(*) AS n FROM {table} WHERE dilemma_id = ?", (dilemma_id,))
    return row["n"]


@actions(
    "dilemma_harvest.notes",
    roles=(FACILITATOR,),
    schema={
        "dilemma_id": Int(min=1),
        "text": Text(max_len=store.NOTES_MAX, required=False, multiline=True),
    },
)
def notes(ctx: Context, data: dict[str, Any]) -> None:
    dilemma = store.open_dilemma(ctx, data["dilemma_id"])
    ctx.execute("UPDATE dilemmas SET notes = ? WHERE id = ?", (data["text"] or "", dilemma["id"]))
    store.everyone_sees(ctx)


@actions(
    "dilemma_harvest.need",
    roles=(PARTICIPANT, FACILITATOR),
    schema={"dilemma_id": Int(min=1), "text": Text(max_len=store.NEED_MAX, multiline=True)},
)
def need(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    pid = ctx.actor.participant_id
    if pid is not None:
        ctx.current_item(KIND)  # phones add needs while the harvest is on
        mine = ctx.one(
            "SELECT COUNT(*) AS n FROM dilemma_needs WHERE workshop_id = ? AND participant_id = ?",
            (ctx.workshop["id"], pid),
        )
        if mine["n"] >= store.PER_PARTICIPANT:
            raise store.too_many()
    dilemma = store.open_dilemma(ctx, data["dilemma_id"])
    if _count(ctx, "dilemma_needs", dilemma["id"]) >= MAX_PER_DILEMMA:
        raise store.too_many()
    cur = ctx.execute(
        "INSERT INTO dilemma_needs (workshop_id, dilemma_id, participant_id, text, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (ctx.workshop["id"], dilemma["id"], pid, data["text"], ctx.now_iso),
    )
    store.shared_screens_see(ctx)  # needs are not in the phones' shared view
    return {"need_id": cur.lastrowid}


def _recommend(ctx: Context, dilemma_id: int, text: str, source: str) -> dict[str, Any]:
    dilemma = store.open_dilemma(ctx, dilemma_id)
    if _count(ctx, "dilemma_recommendations", dilemma["id"]) >= MAX_PER_DILEMMA:
        raise store.too_many()
    cur = ctx.execute(
        "INSERT INTO dilemma_recommendations (workshop_id, dilemma_id, text, source, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (ctx.workshop["id"], dilemma["id"], text, source, ctx.now_iso),
    )
    store.everyone_sees(ctx)
    return {"recommendation_id": cur.lastrowid}


@actions(
    "dilemma_harvest.recommend",
    roles=(FACILITATOR,),
    schema={
        "dilemma_id": Int(min=1),
        "text": Text(max_len=store.RECOMMENDATION_MAX, multiline=True),
    },
)
def recommend(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    return _recommend(ctx, data["dilemma_id"], data["text"], "facilitator")


@actions(
    "dilemma_harvest.promote",
    roles=(FACILITATOR,),
    schema={"need_id": Int(min=1, required=False), "argument_id": Int(min=1, required=False)},
)
def promote(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    if (data["need_id"] is None) == (data["argument_id"] is None):
        raise ActionError("invalid", _l("Choose one answer to promote."))
    table, key, source = (
        ("dilemma_needs", data["need_id"], "need")
        if data["need_id"]
        else ("dilemma_arguments", data["argument_id"], "argument")
    )
    row = ctx.one(
        f"SELECT dilemma_id, text FROM {table} WHERE id = ? AND workshop_id = ?",
        (key, ctx.workshop["id"]),
    )
    if row is None:
        raise not_found()
    return _recommend(ctx, row["dilemma_id"], row["text"], source)


@actions(
    "dilemma_harvest.remove",
    roles=(FACILITATOR,),
    schema={"recommendation_id": Int(min=1, required=False), "need_id": Int(min=1, required=False)},
)
def remove(ctx: Context, data: dict[str, Any]) -> None:
    if (data["need_id"] is None) == (data["recommendation_id"] is None):
        raise ActionError("invalid", _l("Choose one item to remove."))
    table, key = (
        ("dilemma_needs", data["need_id"])
        if data["need_id"]
        else ("dilemma_recommendations", data["recommendation_id"])
    )
    cur = ctx.execute(
        f"DELETE FROM {table} WHERE id = ? AND workshop_id = ?", (key, ctx.workshop["id"])
    )
    if cur.rowcount == 0:
        raise not_found()
    store.everyone_sees(ctx)


# --- views ---------------------------------------------------------------------------


def harvest(v: Any, ids: bool = False, with_arguments: bool = False) -> list[dict[str, Any]]:
    """The dilemmas discussed in a game (all approved ones if none was), in rank order,
    with notes, needs and recommendations. Needs never carry who wrote them."""
    wid = v.workshop["id"]
    played = {r["dilemma_id"] for r in v.all(
        "SELECT DISTINCT dilemma_id FROM dilemma_rounds WHERE workshop_id = ?", (wid,))}
    dilemmas = [d for d in store.ranked(v, wid) if not played or d["id"] in played]
    notes = {r["id"]: r["notes"] for r in v.all(
        "SELECT id, notes FROM dilemmas WHERE workshop_id = ?", (wid,))}
    needs = v.all("SELECT id, dilemma_id, text FROM dilemma_needs WHERE workshop_id = ?"
                  " ORDER BY id", (wid,))
    recs = v.all("SELECT id, dilemma_id, text, source FROM dilemma_recommendations"
                 " WHERE workshop_id = ? ORDER BY id", (wid,))

    def shape(row: dict[str, Any], extra: tuple[str, ...] = ()) -> Any:
        if not ids:
            return {k: row[k] for k in ("text", *extra)} if extra else row["text"]
        return {"id": row["id"], "text": row["text"], **{k: row[k] for k in extra}}

    out = []
    for d in dilemmas:
        entry = {
            "dilemma": d,
            "notes": notes.get(d["id"], ""),
            "needs": [shape(n) for n in needs if n["dilemma_id"] == d["id"]],
            "recommendations": [
                shape(r, ("source",)) for r in recs if r["dilemma_id"] == d["id"]
            ],
        }
        if with_arguments:
            entry["arguments"] = store.arguments(v, d["id"], d["options"], ids=True)
        out.append(entry)
    return out


BOARD_LINES = 4  # recommendations and needs per board page
BOARD_LINE = 80  # characters of each on the board (two lines in half the width at 4:3)


def board(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """A page per dilemma (more if it has many recommendations and needs): the case
    short, then its recommendations and needs. The facilitator's notes only when they
    chose to project them (board.notes)."""
    notes = board_state.notes_shown(v)
    pages = []
    for h in harvest(v):
        lines = [("recommendations", r["text"]) for r in h["recommendations"]]
        lines += [("needs", n) for n in h["needs"]]
        # Projected notes take the room of two lines on the dilemma's first page.
        first = BOARD_LINES - 2 if notes and h["notes"] else BOARD_LINES
        chunks = [lines[:first]] + [lines[i:i + BOARD_LINES]
                                    for i in range(first, len(lines), BOARD_LINES)]
        for number, chunk in enumerate(chunks):
            pages.append({
                # The case without its options: the harvest is about what it needs.
                "dilemma": {**board_cards.card(h["dilemma"]), "options": []},
                "recommendations": [short(x, BOARD_LINE) for k, x in chunk
                                    if k == "recommendations"],
                "needs": [short(x, BOARD_LINE) for k, x in chunk if k == "needs"],
                "counts": {"recommendations": len(h["recommendations"]), "needs": len(h["needs"])},
                "notes": short(h["notes"], 160) if notes and number == 0 else "",
            })
    shown, paging = board_state.page(v, pages, 1)
    return {"dilemmas": shown, "paging": paging}


def control(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    return {"dilemmas": harvest(v, ids=True, with_arguments=True)}


def phone(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    return {
        "dilemmas": [
            {"id": h["dilemma"]["id"], "number": h["dilemma"]["number"],
             "situation": h["dilemma"]["situation"], "recommendations": h["recommendations"]}
            for h in harvest(v)
        ]
    }


def personal(v: Any, item: dict[str, Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {pid: {"needs": []} for pid in ids}
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    for r in v.all(
        f"SELECT participant_id, dilemma_id, text FROM dilemma_needs"
        f" WHERE workshop_id = ? AND participant_id IN ({marks}) ORDER BY id",
        (v.workshop["id"], *ids),
    ):
        out[r["participant_id"]]["needs"].append({"dilemma_id": r["dilemma_id"], "text": r["text"]})
    return out


def export(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    dilemmas = harvest(v)
    # Also flat, for the report's list of all recommendations.
    recommendations = [
        {"text": r["text"], "dilemma": h["dilemma"]["number"]}
        for h in dilemmas
        for r in h["recommendations"]
    ]
    return {"dilemmas": dilemmas, "recommendations": recommendations}
