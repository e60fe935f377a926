"""The agenda: ready-made agendas for a new workshop, and the agenda.* actions that move
the room and add or rename items. Reading and saving one item is in `items`, which
the activities use."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from facilitator.activities import ACTIVITIES, registry
from facilitator.db import dumps
from facilitator.errors import ActionError
from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.room.items import TITLE_MAX, item_of
from facilitator.schema import Int, Text

# key -> (label, [(activity kind, title or None for the activity's default)])
AGENDAS: dict[str, tuple[Any, list[tuple[str, Any]]]] = {
    "welcome": (_l("Welcome only (build the agenda yourself)"), [("welcome", None)]),
}
for _activity in ACTIVITIES:
    AGENDAS.update(_activity.agendas)


def choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, (label, _) in AGENDAS.items()]


def preset(key: str) -> list[tuple[str, Any]]:
    if key not in AGENDAS:
        raise KeyError(key)
    return AGENDAS[key][1]


actions = ActionSet()



def _positions(ctx: Context) -> list[int]:
    rows = ctx.all(
        "SELECT id FROM agenda_items WHERE workshop_id = ? ORDER BY position, id",
        (ctx.workshop["id"],),
    )
    return [r["id"] for r in rows]


def _go(ctx: Context, item_id: int) -> dict[str, Any]:
    ctx.execute(
        "UPDATE workshops SET current_item_id = ?, timer = '{}' WHERE id = ?",
        (item_id, ctx.workshop["id"]),
    )
    ctx.changes.everything()
    return {"item_id": item_id}


@actions("agenda.goto", roles=(FACILITATOR,), schema={"item_id": Int(min=1)})
def goto(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    item = item_of(ctx, data["item_id"])
    return _go(ctx, item["id"])


def _step(ctx: Context, delta: int) -> dict[str, Any]:
    ids = _positions(ctx)
    current = ctx.workshop["current_item_id"]
    index = ids.index(current) if current in ids else -1
    target = index + delta
    if not 0 <= target < len(ids):
        raise ActionError("agenda_end", _l("There is no further agenda item."))
    return _go(ctx, ids[target])


@actions("agenda.next", roles=(FACILITATOR,))
def next_item(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    return _step(ctx, +1)


@actions("agenda.prev", roles=(FACILITATOR,))
def prev_item(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    return _step(ctx, -1)


@actions(
    "agenda.add",
    roles=(FACILITATOR,),
    schema={"kind": Text(max_len=32), "title": Text(max_len=TITLE_MAX, required=False)},
)
def add_item(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    activity = registry().get(data["kind"])
    if activity is None:
        raise ActionError("invalid", _l("That is not one of the choices."))
    count = len(_positions(ctx))
    if count >= 30:
        raise ActionError("invalid", _l("At most %(max)s items."), max=30)
    # The default title is shown to the room: in the workshop's language, not the actor's.
    with force_locale(ctx.workshop["language"]):
        title = data["title"] or str(activity.title)
    cur = ctx.execute(
        "INSERT INTO agenda_items (workshop_id, position, kind, title, config)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            ctx.workshop["id"],
            count,
            activity.kind,
            title,
            dumps(activity.default_config()),
        ),
    )
    # Board and phones show "step N of TOTAL": their views changed too.
    ctx.changes.board = ctx.changes.control = ctx.changes.phones = True
    return {"item_id": cur.lastrowid}


@actions(
    "agenda.rename",
    roles=(FACILITATOR,),
    schema={"item_id": Int(min=1), "title": Text(max_len=TITLE_MAX)},
)
def rename_item(ctx: Context, data: dict[str, Any]) -> None:
    item = item_of(ctx, data["item_id"])
    ctx.execute("UPDATE agenda_items SET title = ? WHERE id = ?", (data["title"], item["id"]))
    ctx.changes.everything()
