"""The agenda: ready-made agendas for a new workshop, and the agenda.* actions that move
the room and build it (add at any place, rename, move, remove). Reading and saving one
item is in `items`, which the activities use; a facilitator's own agenda templates are
in `agenda_templates`."""

from __future__ import annotations

from typing import Any

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from facilitator.activities import ACTIVITIES, registry
from facilitator.db import dumps
from facilitator.errors import ActionError
from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.room.items import TITLE_MAX, item_of
from facilitator.schema import Int, Text

# key -> (label, [(activity kind, title or None for the activity's default[, config])])
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


def default_titles() -> list[tuple[str, Any]]:
    """Every ready-made title an item may carry, by its kind: the activity's own and those
    of the ready-made agendas (lazy strings, rendered in whatever language is in force)."""
    titles = [(activity.kind, activity.title) for activity in ACTIVITIES]
    for _label, items in AGENDAS.values():
        titles += [(kind, title) for kind, title, *_config in items if title is not None]
    return titles


_READY_MADE: dict[str, dict[tuple[str, str], Any]] = {}  # language -> {(kind, title): lazy}


def title_for_screen(kind: str, title: str, room_language: str) -> str:
    """An item's title in the language in force (a phone that chose its own): a
    ready-made title is said in it, a typed one stays as typed."""
    locale = get_locale()
    if locale is None or locale.language == room_language:
        return title
    if room_language not in _READY_MADE:
        with force_locale(room_language):
            _READY_MADE[room_language] = {(k, str(t)): t for k, t in default_titles()}
    ready_made = _READY_MADE[room_language].get((kind, title))
    return str(ready_made) if ready_made is not None else title


def retitle(ctx: Context, old: str, new: str) -> None:
    """Items that still carry a ready-made title in `old` get it in `new`, so that a room
    that changes its language reads its agenda in it too; a title someone typed stays."""
    with force_locale(old):
        before = {(kind, str(title)): title for kind, title in default_titles()}
    for item in ctx.all(
        "SELECT id, kind, title FROM agenda_items WHERE workshop_id = ?", (ctx.workshop["id"],)
    ):
        title = before.get((item["kind"], item["title"]))
        if title is not None:
            with force_locale(new):
                ctx.execute("UPDATE agenda_items SET title = ? WHERE id = ?",
                            (str(title), item["id"]))


actions = ActionSet()

ITEMS_MAX = 30
# Config keys that hold where an item's work stands, not how it is set up: a template or a
# duplicated workshop starts them afresh (the activity's defaults).
RUNTIME_KEYS = frozenset({"state", "revealed", "dilemma_id", "open", "show_texts"})


def reusable_config(activity: Any, config: dict[str, Any]) -> dict[str, Any]:
    """An item's settings without its progress, for a template or a duplicate: only the
    keys the activity's default config has, with RUNTIME_KEYS reset to their defaults."""
    defaults = activity.default_config()
    return {
        key: (default if key in RUNTIME_KEYS else config.get(key, default))
        for key, default in defaults.items()
    }


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


def _renumber(ctx: Context, ids: list[int]) -> None:
    for position, item_id in enumerate(ids):
        ctx.execute("UPDATE agenda_items SET position = ? WHERE id = ?", (position, item_id))


@actions(
    "agenda.add",
    roles=(FACILITATOR,),
    schema={
        "kind": Text(max_len=32),
        "title": Text(max_len=TITLE_MAX, required=False),
        "position": Int(min=0, max=ITEMS_MAX, required=False),
    },
)
def add_item(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    activity = registry().get(data["kind"])
    if activity is None:
        raise ActionError("invalid", _l("That is not one of the choices."))
    ids = _positions(ctx)
    if len(ids) >= ITEMS_MAX:
        raise ActionError("invalid", _l("At most %(max)s items."), max=ITEMS_MAX)
    # The default title is shown to the room: in the workshop's language, not the actor's.
    with force_locale(ctx.workshop["language"]):
        title = data["title"] or str(activity.title)
    cur = ctx.execute(
        "INSERT INTO agenda_items (workshop_id, position, kind, title, config)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            ctx.workshop["id"],
            len(ids),
            activity.kind,
            title,
            dumps(activity.default_config()),
        ),
    )
    position = data.get("position")
    if position is not None and position < len(ids):
        ids.insert(position, cur.lastrowid)
        _renumber(ctx, ids)
    # Board and phones show "step N of TOTAL": their views changed too.
    ctx.changes.board = ctx.changes.control = ctx.changes.phones = True
    return {"item_id": cur.lastrowid}


@actions(
    "agenda.move",
    roles=(FACILITATOR,),
    schema={"item_id": Int(min=1), "position": Int(min=0, max=ITEMS_MAX)},
)
def move_item(ctx: Context, data: dict[str, Any]) -> None:
    item = item_of(ctx, data["item_id"])
    ids = [i for i in _positions(ctx) if i != item["id"]]
    ids.insert(min(data["position"], len(ids)), item["id"])
    _renumber(ctx, ids)
    ctx.changes.everything()


def _holds_content(ctx: Context, item_id: int) -> bool:
    """Whether any table that belongs to agenda items has rows of this one. Read from the
    schema's foreign keys, so an activity added later is covered without naming it."""
    tables = ctx.all("SELECT name FROM sqlite_master WHERE type = 'table'")
    for table in (t["name"] for t in tables):
        keys = ctx.all("SELECT * FROM pragma_foreign_key_list(?)", (table,))
        for key in keys:
            if key["table"] != "agenda_items":
                continue
            row = ctx.one(f'SELECT 1 FROM "{table}" WHERE "{key["from"]}" = ? LIMIT 1', (item_id,))
            if row is not None:
                return True
    return False


@actions("agenda.remove", roles=(FACILITATOR,), schema={"item_id": Int(min=1)})
def remove_item(ctx: Context, data: dict[str, Any]) -> None:
    item = item_of(ctx, data["item_id"])
    ids = _positions(ctx)
    if len(ids) == 1:
        raise ActionError("invalid", _l("An agenda keeps at least one item."))
    # Removing would delete what people wrote in it (ON DELETE CASCADE): refuse instead.
    if _holds_content(ctx, item["id"]):
        raise ActionError(
            "has_content",
            _l("This item already holds what people contributed; it cannot be removed."),
        )
    index = ids.index(item["id"])
    ids.remove(item["id"])
    if ctx.workshop["current_item_id"] == item["id"]:
        # The room moves to the item that takes its place (or the one before the last).
        _go(ctx, ids[min(index, len(ids) - 1)])
    ctx.execute("DELETE FROM agenda_items WHERE id = ?", (item["id"],))
    _renumber(ctx, ids)
    ctx.changes.everything()


@actions(
    "agenda.rename",
    roles=(FACILITATOR,),
    schema={"item_id": Int(min=1), "title": Text(max_len=TITLE_MAX)},
)
def rename_item(ctx: Context, data: dict[str, Any]) -> None:
    item = item_of(ctx, data["item_id"])
    ctx.execute("UPDATE agenda_items SET title = ? WHERE id = ?", (data["title"], item["id"]))
    ctx.changes.everything()
