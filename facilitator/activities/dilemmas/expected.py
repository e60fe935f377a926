"""Expected dilemmas: before or at the start of a work conference the managers list the
dilemmas they expect their professionals to meet; the harvest and the report set them
beside what the professionals brought (issue 17.5).

A manager of the workshop's team adds them on the web page /w/<code>/expected (or the
facilitator types them in on the control page). The facilitator links an expected one
to the brought dilemma it turned out to be, and gives it a theme and a kind like any
dilemma. `comparison(q, workshop_id)` is the one reading the harvest and the report use.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.activities.dilemmas import store
from facilitator.errors import ActionError, not_found
from facilitator.live.actions import FACILITATOR, MANAGER, ActionSet, Context
from facilitator.schema import Choice, Int, Text

actions = ActionSet()
PER_WORKSHOP = 100


def _expected_of(ctx: Context, expected_id: int) -> dict[str, Any]:
    row = ctx.one(
        "SELECT * FROM dilemma_expected WHERE id = ? AND workshop_id = ?",
        (expected_id, ctx.workshop["id"]),
    )
    if row is None:
        raise not_found(_l("That expected dilemma does not exist."))
    return row


def _who(ctx: Context) -> str:
    row = ctx.one("SELECT name, email FROM users WHERE id = ?", (ctx.actor.user_id,))
    return (row and (row["name"] or row["email"])) or ""


@actions(
    "dilemma.expect",
    roles=(FACILITATOR, MANAGER),
    schema={"situation": Text(max_len=store.SITUATION_MAX, multiline=True)},
)
def expect(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    wid = ctx.workshop["id"]
    row = ctx.one("SELECT COUNT(*) AS n FROM dilemma_expected WHERE workshop_id = ?", (wid,))
    if row["n"] >= PER_WORKSHOP:
        raise store.too_many()
    cur = ctx.execute(
        "INSERT INTO dilemma_expected (workshop_id, user_id, author, situation, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (wid, ctx.actor.user_id, _who(ctx), data["situation"], ctx.now_iso),
    )
    ctx.changes.board = ctx.changes.control = True
    return {"expected_id": cur.lastrowid}


@actions(
    "dilemma.expect_sort",
    roles=(FACILITATOR,),
    schema={
        "expected_id": Int(min=1),
        "matched_id": Int(min=1, required=False),
        "theme_id": Int(min=1, required=False),
        "category": Choice((*store.CATEGORIES, "none")),
    },
)
def expect_sort(ctx: Context, data: dict[str, Any]) -> None:
    """Link an expected dilemma to what was brought, and give it a theme and a kind."""
    row = _expected_of(ctx, data["expected_id"])
    matched = store.open_dilemma(ctx, data["matched_id"])["id"] if data["matched_id"] else None
    theme = None
    if data["theme_id"]:
        found = ctx.one("SELECT id FROM dilemma_themes WHERE id = ? AND workshop_id = ?",
                        (data["theme_id"], ctx.workshop["id"]))
        if found is None:
            raise not_found(_l("That theme does not exist."))
        theme = found["id"]
    category = None if data["category"] == "none" else data["category"]
    ctx.execute(
        "UPDATE dilemma_expected SET matched_id = ?, theme_id = ?, category = ? WHERE id = ?",
        (matched, theme, category, row["id"]),
    )
    ctx.changes.board = ctx.changes.control = True


@actions("dilemma.expect_remove", roles=(FACILITATOR, MANAGER), schema={"expected_id": Int(min=1)})
def expect_remove(ctx: Context, data: dict[str, Any]) -> None:
    row = _expected_of(ctx, data["expected_id"])
    # A manager removes only what they wrote themselves; the facilitator anything.
    if ctx.actor.kind == MANAGER and row["user_id"] != ctx.actor.user_id:
        raise ActionError("forbidden", _l("You may not do that here."))
    ctx.execute("DELETE FROM dilemma_expected WHERE id = ?", (row["id"],))
    ctx.changes.board = ctx.changes.control = True


# --- reading -------------------------------------------------------------------------


def listed(q: Any, workshop_id: int) -> list[dict[str, Any]]:
    """The expected dilemmas in order, with who wrote them (managers, not anonymous)."""
    return q.all(
        "SELECT id, user_id, author, situation, theme_id, category, matched_id"
        " FROM dilemma_expected WHERE workshop_id = ? ORDER BY id",
        (workshop_id,),
    )


def comparison(q: Any, workshop_id: int, authors: bool = True) -> dict[str, Any]:
    """What the managers expected beside what the professionals brought.

    Returns `expected_brought` [{expected, dilemma}], `expected_only` [expected],
    `brought_only` [dilemma] and `by_theme` / `by_category` counts of both sides
    ({expected, brought}). "Brought" are the approved top-level dilemmas from phones
    (the facilitator's prepared ones are not the professionals'); an expected one is
    brought when the facilitator linked it to one (a link to a dilemma later merged
    counts for the dilemma it was merged into). `authors=False` leaves out which manager
    wrote each (the board). `q`: a ViewContext or a Context."""
    tops = store.all_dilemmas(q, workshop_id)
    brought = [d for d in tops if not d["prepared"]]
    parent = {d["id"]: d for d in tops}
    for d in tops:
        for m in d["merged"]:
            parent[m["id"]] = d
    themes = store.themes(q, workshop_id)
    theme_names = {t["id"]: t["name"] for t in themes}
    expected = []
    for row in listed(q, workshop_id):
        match = parent.get(row["matched_id"]) if row["matched_id"] else None
        expected.append({
            "id": row["id"], "situation": row["situation"],
            **({"author": row["author"]} if authors else {}),
            "theme_id": row["theme_id"], "theme": theme_names.get(row["theme_id"]),
            "category": row["category"], "matched_id": match["id"] if match else None,
            "matched_number": match["number"] if match else None,
        })
    linked = {e["matched_id"] for e in expected if e["matched_id"]}
    both = [{"expected": e, "dilemma": parent[e["matched_id"]]}
            for e in expected if e["matched_id"]]

    def counts(key: str, value: Any) -> dict[str, int]:
        return {"expected": sum(1 for e in expected if e[key] == value),
                "brought": sum(1 for d in brought if d[key] == value)}

    return {
        "expected": expected,
        "expected_brought": both,
        "expected_only": [e for e in expected if not e["matched_id"]],
        "brought_only": [d for d in brought if d["id"] not in linked],
        "by_theme": [{"theme": t["name"], "theme_id": t["id"], **counts("theme_id", t["id"])}
                     for t in [*themes, {"id": None, "name": None}]],
        "by_category": {c or "none": counts("category", c) for c in (*store.CATEGORIES, None)},
    }
