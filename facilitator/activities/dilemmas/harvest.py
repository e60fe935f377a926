"""Harvest: per dilemma the facilitator's notes, what the professionals need from
management (phones add these, anonymously) and recommendations, written by the
facilitator or promoted from a need or an argument. This is what the report is for.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.activities.dilemmas import board as board_cards
from facilitator.activities.dilemmas import expected, store
from facilitator.agreements import store as agreements
from facilitator.errors import ActionError, not_found
from facilitator.live.actions import FACILITATOR, PARTICIPANT, ActionSet, Context
from facilitator.room import board_state
from facilitator.room.board_state import short
from facilitator.room.items import item_of, save_config
from facilitator.schema import Bool, Choice, Int, Text

KIND = "dilemma_harvest"
TITLE = _l("Harvest")
actions = ActionSet()
MAX_PER_DILEMMA = 50
OWNER_KINDS = ("person", "management", "team")
PRIORITIES = ("high", "medium", "low")
ANSWER_MAX = 1000

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
    "management": _l("For management"),
    "management_hint": _l("Organisational dilemmas: who answers them, and what we propose."),
    "owner": _l("Owner"),
    "answer": _l("Proposed answer"),
    "save": _l("Save"),
    "owner_kind": _l("Owner is"),
    "kind_person": _l("a person"),
    "kind_management": _l("management"),
    "kind_team": _l("the team"),
    "priority": _l("Priority"),
    "priority_high": _l("high"),
    "priority_medium": _l("medium"),
    "priority_low": _l("low"),
    "due": _l("By"),
    "to_agreement": _l("Make it an agreement"),
    "is_agreement": _l("Agreement made"),
    "expected": _l("Expected and brought"),
    "expected_brought": _l("Expected and brought"),
    "expected_missing": _l("Expected, not brought"),
    "brought_unexpected": _l("Brought, not expected"),
}


def default_config() -> dict[str, Any]:
    # need_approval: what phones send waits for the facilitator before the board shows it.
    return {"need_approval": False}


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
    approved = True
    if pid is not None:
        item = ctx.current_item(KIND)  # phones add needs while the harvest is on
        approved = not item["config"].get("need_approval")
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
        "INSERT INTO dilemma_needs (workshop_id, dilemma_id, participant_id, text, approved,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (ctx.workshop["id"], dilemma["id"], pid, data["text"], int(approved), ctx.now_iso),
    )
    store.shared_screens_see(ctx)  # needs are not in the phones' shared view
    return {"need_id": cur.lastrowid}


@actions(
    "dilemma_harvest.settings",
    roles=(FACILITATOR,),
    schema={"item_id": Int(min=1), "need_approval": Bool()},
)
def settings(ctx: Context, data: dict[str, Any]) -> None:
    item = item_of(ctx, data["item_id"], KIND)
    save_config(ctx, item, {"need_approval": data["need_approval"]})
    store.everyone_sees(ctx)


@actions(
    "dilemma_harvest.approve_need",
    roles=(FACILITATOR,),
    schema={"need_id": Int(min=1), "approved": Bool(default=True)},
)
def approve_need(ctx: Context, data: dict[str, Any]) -> None:
    row = ctx.one("SELECT id, participant_id FROM dilemma_needs WHERE id = ? AND workshop_id = ?",
                  (data["need_id"], ctx.workshop["id"]))
    if row is None:
        raise not_found()
    ctx.execute("UPDATE dilemma_needs SET approved = ? WHERE id = ?",
                (int(data["approved"]), row["id"]))
    store.everyone_sees(ctx)
    if row["participant_id"]:
        ctx.changes.add_personal(row["participant_id"])


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
    "dilemma_harvest.assign",
    roles=(FACILITATOR,),
    schema={
        "recommendation_id": Int(min=1),
        "owner": Text(max_len=agreements.OWNER_MAX, required=False),
        "owner_kind": Choice(OWNER_KINDS),
        "priority": Choice(PRIORITIES),
        "due_date": agreements.DueDate(required=False),
    },
)
def assign(ctx: Context, data: dict[str, Any]) -> None:
    """A recommendation gets an owner (a person, management or the team), a priority and
    a date: what the report's list of recommendations carries."""
    row = _recommendation_of(ctx, data["recommendation_id"])
    if data["owner_kind"] == "person" and not data["owner"]:
        raise ActionError("invalid", _l("Name the person who owns this recommendation."))
    ctx.execute(
        "UPDATE dilemma_recommendations SET owner = ?, owner_kind = ?, priority = ?,"
        " due_date = ? WHERE id = ?",
        (data["owner"] or "", data["owner_kind"], data["priority"], data["due_date"],
         row["id"]),
    )
    store.everyone_sees(ctx)


def _recommendation_of(ctx: Context, recommendation_id: int) -> dict[str, Any]:
    row = ctx.one(
        "SELECT * FROM dilemma_recommendations WHERE id = ? AND workshop_id = ?",
        (recommendation_id, ctx.workshop["id"]),
    )
    if row is None:
        raise not_found()
    return row


def owner_label(row: dict[str, Any]) -> str:
    """Who owns a recommendation, in words: the person's name or the role."""
    if row["owner_kind"] == "person" or (row["owner"] and not row["owner_kind"]):
        return row["owner"]
    roles = {"management": _l("management"), "team": _l("the team")}
    role = roles.get(row["owner_kind"])
    return f"{role}: {row['owner']}" if role and row["owner"] else str(role or "")


@actions(
    "dilemma_harvest.to_agreement",
    roles=(FACILITATOR,),
    schema={"recommendation_id": Int(min=1)},
)
def to_agreement(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """The recommendation becomes one of the team's agreements (owner, what, by when),
    which the team's manager follows up in the review like every other agreement."""
    row = _recommendation_of(ctx, data["recommendation_id"])
    if row["agreement_id"]:
        raise ActionError("already", _l("This recommendation is already an agreement."))
    if not row["owner_kind"] or not row["due_date"]:
        raise ActionError("invalid", _l("Give the recommendation an owner and a date first."))
    agreements.check_not_past(row["due_date"], ctx.now)
    agreement_id = agreements.create(
        ctx,
        ctx.workshop,
        {"owner_name": owner_label(row)[: agreements.OWNER_MAX],
         "what": row["text"][: agreements.WHAT_MAX], "due_date": row["due_date"],
         "check_how": "", "manager_visible": True},
        None,
        [],
        agreements.actor_name(ctx),
        ctx.now_iso,
        source="harvest",
    )
    ctx.execute("UPDATE dilemma_recommendations SET agreement_id = ? WHERE id = ?",
                (agreement_id, row["id"]))
    store.everyone_sees(ctx)
    return {"agreement_id": agreement_id}


@actions(
    "dilemma_harvest.management",
    roles=(FACILITATOR,),
    schema={
        "dilemma_id": Int(min=1),
        "owner": Text(max_len=agreements.OWNER_MAX, required=False),
        "answer": Text(max_len=ANSWER_MAX, required=False, multiline=True),
    },
)
def management(ctx: Context, data: dict[str, Any]) -> None:
    """An organisational dilemma on the list for management: its owner and proposed answer."""
    dilemma = store.open_dilemma(ctx, data["dilemma_id"])
    if dilemma["category"] != "organisational":
        raise ActionError("invalid", _l("Only organisational dilemmas go to management."))
    ctx.execute(
        "UPDATE dilemmas SET management_owner = ?, management_answer = ? WHERE id = ?",
        (data["owner"] or "", data["answer"] or "", dilemma["id"]),
    )
    store.everyone_sees(ctx)


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


RECOMMENDATION_FIELDS = ("source", "owner", "owner_kind", "owner_label", "priority",
                         "due_date", "agreement_id")


def for_management(v: Any) -> list[dict[str, Any]]:
    """The organisational dilemmas "voor het management": each with its owner and the
    proposed answer (empty until the facilitator fills them in)."""
    wid = v.workshop["id"]
    rows = {r["id"]: r for r in v.all(
        "SELECT id, management_owner, management_answer FROM dilemmas WHERE workshop_id = ?",
        (wid,))}
    return [
        {"dilemma": d, "owner": rows[d["id"]]["management_owner"],
         "answer": rows[d["id"]]["management_answer"]}
        for d in store.all_dilemmas(v, wid) if d["category"] == "organisational"
    ]


def harvest(v: Any, ids: bool = False, with_arguments: bool = False,
            pending: bool = False) -> list[dict[str, Any]]:
    """The dilemmas discussed in a game (all approved ones if none was), in rank order,
    with notes, needs and recommendations. Needs never carry who wrote them; needs not
    yet approved only with `pending` (the control page, which also gets `approved`)."""
    wid = v.workshop["id"]
    played = {r["dilemma_id"] for r in v.all(
        "SELECT DISTINCT dilemma_id FROM dilemma_rounds WHERE workshop_id = ?", (wid,))}
    dilemmas = [d for d in store.ranked(v, wid) if not played or d["id"] in played]
    notes = {r["id"]: r["notes"] for r in v.all(
        "SELECT id, notes FROM dilemmas WHERE workshop_id = ?", (wid,))}
    needs = v.all("SELECT id, dilemma_id, text, approved FROM dilemma_needs"
                  " WHERE workshop_id = ? ORDER BY id", (wid,))
    if not pending:
        needs = [n for n in needs if n["approved"]]
    for n in needs:
        n["approved"] = bool(n["approved"])
    recs = v.all("SELECT id, dilemma_id, text, source, owner, owner_kind, priority, due_date,"
                 " agreement_id FROM dilemma_recommendations WHERE workshop_id = ? ORDER BY id",
                 (wid,))
    for r in recs:
        r["owner_label"] = owner_label(r)

    def shape(row: dict[str, Any], extra: tuple[str, ...] = ()) -> Any:
        if not ids:
            return {k: row[k] for k in ("text", *extra)} if extra else row["text"]
        return {"id": row["id"], "text": row["text"], **{k: row[k] for k in extra}}

    out = []
    for d in dilemmas:
        entry = {
            "dilemma": d,
            "notes": notes.get(d["id"], ""),
            "needs": [shape(n, ("approved",)) if pending else shape(n)
                      for n in needs if n["dilemma_id"] == d["id"]],
            "recommendations": [
                shape(r, RECOMMENDATION_FIELDS) for r in recs if r["dilemma_id"] == d["id"]
            ],
        }
        if with_arguments:
            entry["arguments"] = store.arguments(v, d["id"], d["options"], ids=True,
                                                 pending=pending)
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
    return {"dilemmas": harvest(v, ids=True, with_arguments=True, pending=True),
            "need_approval": bool(item["config"].get("need_approval")),
            "management": for_management(v),
            "expected": expected.comparison(v, v.workshop["id"])}


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
    # The author sees their own need at once, with whether it waits for approval.
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    for r in v.all(
        f"SELECT participant_id, dilemma_id, text, approved FROM dilemma_needs"
        f" WHERE workshop_id = ? AND participant_id IN ({marks}) ORDER BY id",
        (v.workshop["id"], *ids),
    ):
        out[r["participant_id"]]["needs"].append(
            {"dilemma_id": r["dilemma_id"], "text": r["text"], "approved": bool(r["approved"])}
        )
    return out


def export(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    dilemmas = harvest(v)
    # Also flat, for the report's list of all recommendations.
    recommendations = [
        {"text": r["text"], "dilemma": h["dilemma"]["number"],
         **{k: r[k] for k in RECOMMENDATION_FIELDS}}
        for h in dilemmas
        for r in h["recommendations"]
    ]
    return {"dilemmas": dilemmas, "recommendations": recommendations,
            "management": for_management(v),
            "expected": expected.comparison(v, v.workshop["id"])}
