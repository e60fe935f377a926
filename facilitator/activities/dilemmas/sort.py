"""Sorting dilemmas: merge duplicates (both texts kept), group under named themes, mark
each as content or organisational. The facilitator sorts on the control page; the board
shows the result grouped by theme.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.activities.dilemmas import board as board_cards
from facilitator.activities.dilemmas import store
from facilitator.errors import ActionError, not_found
from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.room.board_state import page, short
from facilitator.schema import Choice, Int, Text

KIND = "dilemma_sort"
TITLE = _l("Sort dilemmas")
actions = ActionSet()
MAX_THEMES = 30

CLIENT_STRINGS = {
    "no_theme": _l("Without a theme"),
    "merge_into": _l("Merge into…"),
    "unmerge": _l("Split off"),
    "theme": _l("Theme"),
    "category": _l("Kind"),
    "unsorted": _l("not yet marked"),
}


def default_config() -> dict[str, Any]:
    return {}


def _theme_of(ctx: Context, theme_id: int) -> dict[str, Any]:
    row = ctx.one(
        "SELECT * FROM dilemma_themes WHERE id = ? AND workshop_id = ?",
        (theme_id, ctx.workshop["id"]),
    )
    if row is None:
        raise not_found(_l("That theme does not exist."))
    return row


@actions(
    "dilemma.merge",
    roles=(FACILITATOR,),
    schema={"dilemma_id": Int(min=1), "into_id": Int(min=1)},
)
def merge(ctx: Context, data: dict[str, Any]) -> None:
    row = store.dilemma_of(ctx, data["dilemma_id"])
    into = store.dilemma_of(ctx, data["into_id"])
    if row["id"] == into["id"] or into["merged_into"] is not None:
        raise ActionError("invalid", _l("Choose another dilemma to merge into."))
    moved = ctx.all(
        "SELECT author_id FROM dilemmas WHERE merged_into = ? AND workshop_id = ?",
        (row["id"], ctx.workshop["id"]),
    )
    # One level only: what was merged into this one moves along to the new parent.
    ctx.execute(
        "UPDATE dilemmas SET merged_into = ? WHERE merged_into = ? AND workshop_id = ?",
        (into["id"], row["id"], ctx.workshop["id"]),
    )
    ctx.execute("UPDATE dilemmas SET merged_into = ? WHERE id = ?", (into["id"], row["id"]))
    store.everyone_sees(ctx, row, *moved)


@actions("dilemma.unmerge", roles=(FACILITATOR,), schema={"dilemma_id": Int(min=1)})
def unmerge(ctx: Context, data: dict[str, Any]) -> None:
    row = store.dilemma_of(ctx, data["dilemma_id"])
    ctx.execute("UPDATE dilemmas SET merged_into = NULL WHERE id = ?", (row["id"],))
    store.everyone_sees(ctx, row)


@actions("dilemma.theme_add", roles=(FACILITATOR,), schema={"name": Text(max_len=store.THEME_MAX)})
def theme_add(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    if len(store.themes(ctx, ctx.workshop["id"])) >= MAX_THEMES:
        raise store.too_many()
    cur = ctx.execute(
        "INSERT INTO dilemma_themes (workshop_id, name) VALUES (?, ?)",
        (ctx.workshop["id"], data["name"]),
    )
    store.everyone_sees(ctx)
    return {"theme_id": cur.lastrowid}


@actions(
    "dilemma.theme_rename",
    roles=(FACILITATOR,),
    schema={"theme_id": Int(min=1), "name": Text(max_len=store.THEME_MAX)},
)
def theme_rename(ctx: Context, data: dict[str, Any]) -> None:
    theme = _theme_of(ctx, data["theme_id"])
    ctx.execute("UPDATE dilemma_themes SET name = ? WHERE id = ?", (data["name"], theme["id"]))
    store.everyone_sees(ctx)


@actions("dilemma.theme_delete", roles=(FACILITATOR,), schema={"theme_id": Int(min=1)})
def theme_delete(ctx: Context, data: dict[str, Any]) -> None:
    theme = _theme_of(ctx, data["theme_id"])
    themed = ctx.all("SELECT author_id FROM dilemmas WHERE theme_id = ?", (theme["id"],))
    ctx.execute("DELETE FROM dilemma_themes WHERE id = ?", (theme["id"],))
    store.everyone_sees(ctx, *themed)


@actions(
    "dilemma.set_theme",
    roles=(FACILITATOR,),
    schema={"dilemma_id": Int(min=1), "theme_id": Int(min=1, required=False)},
)
def set_theme(ctx: Context, data: dict[str, Any]) -> None:
    row = store.dilemma_of(ctx, data["dilemma_id"])
    theme_id = _theme_of(ctx, data["theme_id"])["id"] if data["theme_id"] else None
    ctx.execute("UPDATE dilemmas SET theme_id = ? WHERE id = ?", (theme_id, row["id"]))
    store.everyone_sees(ctx, row)


@actions(
    "dilemma.classify",
    roles=(FACILITATOR,),
    schema={"dilemma_id": Int(min=1), "category": Choice((*store.CATEGORIES, "none"))},
)
def classify(ctx: Context, data: dict[str, Any]) -> None:
    row = store.dilemma_of(ctx, data["dilemma_id"])
    category = None if data["category"] == "none" else data["category"]
    ctx.execute("UPDATE dilemmas SET category = ? WHERE id = ?", (category, row["id"]))
    store.everyone_sees(ctx, row)


# --- views ---------------------------------------------------------------------------


def grouped(v: Any) -> dict[str, Any]:
    """Approved dilemmas by theme (themes in order, then those without one)."""
    wid = v.workshop["id"]
    dilemmas = store.all_dilemmas(v, wid)
    groups = [
        {"theme": theme, "dilemmas": [d for d in dilemmas if d["theme_id"] == theme["id"]]}
        for theme in store.themes(v, wid)
    ]
    loose = [d for d in dilemmas if d["theme_id"] is None]
    totals = {c: sum(1 for d in dilemmas if d["category"] == c) for c in store.CATEGORIES}
    totals["none"] = sum(1 for d in dilemmas if d["category"] is None)
    return {"groups": groups, "loose": loose, "totals": totals}


def board(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """Cards by theme, a page at a time; each card carries its theme's name so the page
    can head its runs of one theme."""
    view = grouped(v)
    ordered = [(g["theme"]["name"], d) for g in view["groups"] for d in g["dilemmas"]]
    ordered += [(None, d) for d in view["loose"]]
    # Sorting is about the theme and the kind: the cards leave the options out.
    entries = [{**board_cards.card(d), "options": [], "theme": short(theme, 60) if theme else None}
               for theme, d in ordered]
    shown, paging = page(v, entries, board_cards.CARDS_PER_PAGE)
    return {"totals": view["totals"], "dilemmas": shown, "paging": paging}


def control(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    wid = v.workshop["id"]
    return {
        "dilemmas": store.all_dilemmas(v, wid, approved_only=False),
        "themes": store.themes(v, wid),
        "totals": grouped(v)["totals"],
    }


def phone(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    return grouped(v)


def personal(v: Any, item: dict[str, Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    return {}


def export(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    return grouped(v)
