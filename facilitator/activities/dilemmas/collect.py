"""Dilemma collection: phones write dilemmas (anonymous by default), the facilitator
approves, shows, prepares and imports them.

The dilemma tables live in dilemmas/store.py; this module exposes their `migrations`
(once, for every dilemma activity) and the ready-made "work conference" agenda.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.activities.dilemmas import board as board_cards
from facilitator.activities.dilemmas import expected, importer, store
from facilitator.activities.dilemmas.store import migrations  # noqa: F401  (applied at start, once)
from facilitator.db import dumps
from facilitator.errors import ActionError, not_allowed
from facilitator.live.actions import FACILITATOR, PARTICIPANT, ActionSet, Context
from facilitator.room.items import item_of, save_config
from facilitator.schema import Bool, Choice, Int, Text

KIND = "dilemma_collect"
TITLE = _l("Collect dilemmas")
actions = ActionSet()
actions.include(expected.actions)  # what managers expect is listed before collecting

AGENDAS = {
    "dilemmas": (
        _l("Work conference on dilemmas"),
        [
            ("welcome", None),
            ("dilemma_collect", None),
            ("dilemma_sort", None),
            ("dilemma_vote", None),
            ("dilemma_game", _l("Discuss dilemma 1")),
            ("dilemma_game", _l("Discuss dilemma 2")),
            ("dilemma_game", _l("Discuss dilemma 3")),
            ("dilemma_harvest", None),
        ],
    )
}

CLIENT_STRINGS = {
    "anonymous": _l("Anonymous"),
    "pending": _l("Waiting for approval"),
    "approve": _l("Approve"),
    "hide": _l("Hide"),
    "edit": _l("Edit"),
    "withdraw": _l("Withdraw"),
    "delete": _l("Delete"),
    "count": _l("%(n)s dilemmas"),
    "count.one": _l("%(n)s dilemma"),
    "values": _l("Values at stake"),
    "merged": _l("Merged into this one"),
    "sent": _l("Your dilemma was sent. You can write another one."),
    "updated": _l("Your dilemma was changed."),
    "imported": _l("%(n)s dilemmas added."),
    "imported.one": _l("%(n)s dilemma added."),
    "content": _l("content"),
    "organisational": _l("organisational"),
    "by": _l("by %(name)s"),
    "closed": _l("Collecting dilemmas is closed."),
    "confirm_delete": _l("Delete this dilemma?"),
    "confirm_withdraw": _l("Withdraw this dilemma? Nobody will see it any more."),
    "withdrawn": _l("Your dilemma was withdrawn."),
    "merged_into": _l("Merged into #%(n)s"),
    "approve_all": _l("Approve all"),
    "approved_all": _l("%(n)s dilemmas approved."),
    "approved_all.one": _l("%(n)s dilemma approved."),
    "chars": _l("%(n)s of %(max)s characters"),
    "chars_over": _l("%(n)s of %(max)s characters: %(over)s too many. Shorten the text."),
    "expected_match": _l("Brought as"),
    "expected_none": _l("Not brought (yet)"),
    "file_read": _l("The file is in the box below. Check it, then import."),
}


def default_config() -> dict[str, Any]:
    return {"open": True, "show_texts": False, "approval": False}


def _collecting(ctx: Context) -> dict[str, Any]:
    item = ctx.current_item(KIND)
    if not item["config"].get("open"):
        raise store.collection_closed()
    return item


def _name_for(ctx: Context, show_name: bool) -> str | None:
    if not show_name:
        return None
    row = ctx.one("SELECT name FROM participants WHERE id = ?", (ctx.actor.participant_id,))
    if not row or not row["name"]:
        raise ActionError("invalid", _l("You joined without a name, so no name can be shown."))
    return row["name"]


def _own(ctx: Context, dilemma_id: int) -> dict[str, Any]:
    row = store.dilemma_of(ctx, dilemma_id)
    if row["author_id"] != ctx.actor.participant_id:
        raise not_allowed()
    return row


@actions(
    "dilemma.submit",
    roles=(PARTICIPANT,),
    schema={**store.DILEMMA_FIELDS, **store.SHOW_NAME},
)
def submit(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    item = _collecting(ctx)
    pid = ctx.actor.participant_id
    mine = ctx.one(
        "SELECT COUNT(*) AS n FROM dilemmas WHERE workshop_id = ? AND author_id = ?",
        (ctx.workshop["id"], pid),
    )
    if mine["n"] >= store.PER_PARTICIPANT:
        raise store.too_many()
    approved = not item["config"].get("approval")
    dilemma_id = store.insert(ctx, data, pid, _name_for(ctx, data["show_name"]), approved)
    store.shared_screens_see(ctx)
    return {"dilemma_id": dilemma_id}


@actions(
    "dilemma.edit",
    roles=(PARTICIPANT,),
    schema={"dilemma_id": Int(min=1), **store.DILEMMA_FIELDS, **store.SHOW_NAME},
)
def edit(ctx: Context, data: dict[str, Any]) -> None:
    item = _collecting(ctx)
    row = _own(ctx, data["dilemma_id"])
    # With approval on, changed text waits for the facilitator again: approval is of the
    # text, and the board must not show what nobody approved.
    approved = row["approved"] and not item["config"].get("approval")
    ctx.execute(
        "UPDATE dilemmas SET situation = ?, options = ?, dilemma_values = ?, author_name = ?,"
        " approved = ?, updated_at = ? WHERE id = ?",
        (
            data["situation"],
            dumps(data["options"]),
            data["values"],
            _name_for(ctx, data["show_name"]),
            int(approved),
            ctx.now_iso,
            row["id"],
        ),
    )
    store.shared_screens_see(ctx)


@actions("dilemma.withdraw", roles=(PARTICIPANT,), schema={"dilemma_id": Int(min=1)})
def withdraw(ctx: Context, data: dict[str, Any]) -> None:
    _collecting(ctx)
    row = _own(ctx, data["dilemma_id"])
    ctx.execute("UPDATE dilemmas SET merged_into = NULL WHERE merged_into = ?", (row["id"],))
    ctx.execute("DELETE FROM dilemmas WHERE id = ?", (row["id"],))
    store.shared_screens_see(ctx)


@actions(
    "dilemma_collect.settings",
    roles=(FACILITATOR,),
    schema={"item_id": Int(min=1), "open": Bool(), "show_texts": Bool(), "approval": Bool()},
)
def settings(ctx: Context, data: dict[str, Any]) -> None:
    item = item_of(ctx, data["item_id"], KIND)
    save_config(
        ctx,
        item,
        {"open": data["open"], "show_texts": data["show_texts"], "approval": data["approval"]},
    )
    store.everyone_sees(ctx)


@actions(
    "dilemma.approve",
    roles=(FACILITATOR,),
    schema={"dilemma_id": Int(min=1), "approved": Bool(default=True)},
)
def approve(ctx: Context, data: dict[str, Any]) -> None:
    row = store.dilemma_of(ctx, data["dilemma_id"])
    ctx.execute(
        "UPDATE dilemmas SET approved = ? WHERE id = ?", (int(data["approved"]), row["id"])
    )
    store.everyone_sees(ctx)
    if row["author_id"]:
        ctx.changes.add_personal(row["author_id"])


@actions("dilemma.approve_all", roles=(FACILITATOR,), schema={})
def approve_all(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    waiting = ctx.all(
        "SELECT id, author_id FROM dilemmas WHERE workshop_id = ? AND approved = 0",
        (ctx.workshop["id"],),
    )
    ctx.execute(
        "UPDATE dilemmas SET approved = 1 WHERE workshop_id = ? AND approved = 0",
        (ctx.workshop["id"],),
    )
    store.everyone_sees(ctx, *waiting)
    return {"approved": len(waiting)}


@actions("dilemma.delete", roles=(FACILITATOR,), schema={"dilemma_id": Int(min=1)})
def delete(ctx: Context, data: dict[str, Any]) -> None:
    row = store.dilemma_of(ctx, data["dilemma_id"])
    ctx.execute("UPDATE dilemmas SET merged_into = NULL WHERE merged_into = ?", (row["id"],))
    ctx.execute("DELETE FROM dilemmas WHERE id = ?", (row["id"],))
    store.everyone_sees(ctx)
    if row["author_id"]:
        ctx.changes.add_personal(row["author_id"])


@actions("dilemma.prepare", roles=(FACILITATOR,), schema=store.DILEMMA_FIELDS)
def prepare(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    dilemma_id = store.insert(ctx, data, source="prepared")
    store.everyone_sees(ctx)
    return {"dilemma_id": dilemma_id}


@actions(
    "dilemma.import",
    roles=(FACILITATOR,),
    schema={
        "text": Text(max_len=50_000, multiline=True),
        "format": Choice(("csv", "markdown")),
    },
)
def import_list(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    found = importer.parse(data["text"], data["format"])
    for dilemma in found:
        store.insert(ctx, dilemma, source="prepared")
    store.everyone_sees(ctx)
    return {"added": len(found)}


# --- views ---------------------------------------------------------------------------


def board(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    config = item["config"]
    wid = v.workshop["id"]
    out: dict[str, Any] = {
        "open": bool(config.get("open")),
        "count": store.count(v, wid),
        "show_texts": bool(config.get("show_texts")),
    }
    if out["show_texts"]:
        out.update(board_cards.cards(v, store.all_dilemmas(v, wid)))
    return out


def control(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    config = item["config"]
    wid = v.workshop["id"]
    return {
        "open": bool(config.get("open")),
        "show_texts": bool(config.get("show_texts")),
        "approval": bool(config.get("approval")),
        "count": store.count(v, wid),
        "dilemmas": store.all_dilemmas(v, wid, approved_only=False),
        "themes": store.themes(v, wid),
        "expected": expected.listed(v, wid),
        "expected_url": f"/w/{v.workshop['code']}/expected",
    }


def phone(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    return {"open": bool(item["config"].get("open")), "max_options": store.MAX_OPTIONS}


def personal(v: Any, item: dict[str, Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = v.all(
        f"SELECT * FROM dilemmas WHERE workshop_id = ? AND author_id IN ({marks}) ORDER BY id",
        (v.workshop["id"], *ids),
    )
    named = v.all(
        f"SELECT id FROM participants WHERE name IS NOT NULL AND id IN ({marks})", tuple(ids)
    )
    # "named": whether this phone may show its name at all (it joined with one).
    out: dict[int, dict[str, Any]] = {pid: {"dilemmas": [], "named": False} for pid in ids}
    for row in named:
        out[row["id"]]["named"] = True
    merged_into = {r["merged_into"] for r in rows if r["merged_into"]}
    parents = store.numbers(v, v.workshop["id"]) if merged_into else {}
    for row in rows:
        own = store.public(row)
        own["show_name"] = bool(row["author_name"])
        # The author sees where their text went: "merged into #4" (issue 17.10).
        own["merged_into_number"] = parents.get(row["merged_into"])
        out[row["author_id"]]["dilemmas"].append(own)
    return out


def export(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    wid = v.workshop["id"]
    return {
        "dilemmas": store.all_dilemmas(v, wid, approved_only=False),
        "themes": store.themes(v, wid),
    }
