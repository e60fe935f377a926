"""Workshops: creation, lookup, lifecycle and agenda navigation actions."""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from . import agendas
from .actions import FACILITATOR, ActionSet, Context
from .activities import registry as activity_registry
from .db import Store, dumps, iso, utcnow
from .errors import ActionError
from .items import agenda_of, item_of, save_config  # noqa: F401  (re-exported)
from .schema import Bool, Int, Text

# No 0/O, 1/I/L: codes are read off a beamer and typed on small keyboards.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
LANGUAGES = ("nl", "en")
TITLE_MAX = 120

actions = ActionSet()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:16]


def create_workshop(
    store: Store,
    owner_id: int,
    title: str,
    language: str = "nl",
    team_id: int | None = None,
    agenda: str = "welcome",
) -> dict[str, Any]:
    """Create a draft workshop with a ready-made agenda; returns the workshop row."""
    kinds = activity_registry()
    items = agendas.items(agenda)
    now = iso(utcnow())
    with store.write() as db:
        for _ in range(20):
            code = new_code()
            if db.execute("SELECT 1 FROM workshops WHERE code = ?", (code,)).fetchone() is None:
                break
        cur = db.execute(
            "INSERT INTO workshops (code, title, team_id, owner_id, language, board_token,"
            " created_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
            (code, title, team_id, owner_id, language, secrets.token_urlsafe(24), now),
        )
        workshop_id = cur.lastrowid
        first = None
        with force_locale(language):
            for position, (kind, title_text, *preset) in enumerate(items):
                module = kinds[kind]
                # An agenda may preset an item's config, e.g. which intervision method.
                config = {**module.default_config(), **(preset[0] if preset else {})}
                item_title = str(title_text or module.TITLE)
                cur = db.execute(
                    "INSERT INTO agenda_items (workshop_id, position, kind, title, config)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (workshop_id, position, kind, item_title, dumps(config)),
                )
                first = first or cur.lastrowid
        db.execute("UPDATE workshops SET current_item_id = ? WHERE id = ?", (first, workshop_id))
        db.execute(
            "INSERT INTO events (workshop_id, seq, op, op_id, actor, data, result, at)"
            " VALUES (?, 1, 'workshop.create', ?, ?, ?, '{}', ?)",
            (
                workshop_id,
                "create-" + secrets.token_hex(8),
                f"u:{owner_id}",
                dumps({"title": title, "agenda": agenda}),
                now,
            ),
        )
    return dict(store.one("SELECT * FROM workshops WHERE id = ?", (workshop_id,)))


def by_code(store: Store, code: str) -> dict[str, Any] | None:
    row = store.one("SELECT * FROM workshops WHERE code = ?", (normalise_code(code),))
    return dict(row) if row else None


def _everyone(ctx: Context) -> None:
    ctx.changes.everything()


# --- lifecycle --------------------------------------------------------------------


@actions("workshop.open", roles=(FACILITATOR,), any_status=True)
def open_workshop(ctx: Context, data: dict[str, Any]) -> None:
    ctx.execute(
        "UPDATE workshops SET status = 'open', closed_at = NULL WHERE id = ?", (ctx.workshop["id"],)
    )
    _everyone(ctx)


@actions("workshop.close", roles=(FACILITATOR,))
def close_workshop(ctx: Context, data: dict[str, Any]) -> None:
    ctx.execute(
        "UPDATE workshops SET status = 'closed', closed_at = ? WHERE id = ?",
        (ctx.now_iso, ctx.workshop["id"]),
    )
    _everyone(ctx)


@actions("workshop.lock", roles=(FACILITATOR,), schema={"locked": Bool()})
def lock_workshop(ctx: Context, data: dict[str, Any]) -> None:
    ctx.execute(
        "UPDATE workshops SET locked = ? WHERE id = ?", (int(data["locked"]), ctx.workshop["id"])
    )
    ctx.changes.board = ctx.changes.control = True


@actions("workshop.rename", roles=(FACILITATOR,), schema={"title": Text(max_len=TITLE_MAX)})
def rename_workshop(ctx: Context, data: dict[str, Any]) -> None:
    ctx.execute("UPDATE workshops SET title = ? WHERE id = ?", (data["title"], ctx.workshop["id"]))
    _everyone(ctx)


# --- agenda -----------------------------------------------------------------------


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
    _everyone(ctx)
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
    module = activity_registry().get(data["kind"])
    if module is None:
        raise ActionError("invalid", _l("That is not one of the choices."))
    count = len(_positions(ctx))
    if count >= 30:
        raise ActionError("invalid", _l("At most %(max)s items."), max=30)
    # The default title is shown to the room: in the workshop's language, not the actor's.
    with force_locale(ctx.workshop["language"]):
        title = data["title"] or str(module.TITLE)
    cur = ctx.execute(
        "INSERT INTO agenda_items (workshop_id, position, kind, title, config)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            ctx.workshop["id"],
            count,
            module.KIND,
            title,
            dumps(module.default_config()),
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
    _everyone(ctx)
