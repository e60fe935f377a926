"""A facilitator's own agenda templates: an agenda saved from a workshop (the kinds, titles
and settings of its items, never what people contributed), offered on the new-workshop
form next to the ready-made agendas. One table, rows per user (migration
m030_agenda_templates)."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.activities import registry
from facilitator.db import Store, dumps
from facilitator.errors import ActionError
from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.room.agenda import reusable_config
from facilitator.schema import Text

NAME_MAX = 80
TEMPLATES_MAX = 50  # per user
KEY_PREFIX = "tpl:"  # how a template is named among the agendas on the form

actions = ActionSet()


def items_of(ctx_or_store: Any, workshop_id: int) -> list[dict[str, Any]]:
    """A workshop's agenda as template items: kind, title and reusable settings."""
    kinds = registry()
    rows = ctx_or_store.all(
        "SELECT kind, title, config FROM agenda_items WHERE workshop_id = ?"
        " ORDER BY position, id",
        (workshop_id,),
    )
    out = []
    for row in rows:
        activity = kinds.get(row["kind"])
        if activity is not None:
            config = reusable_config(activity, json.loads(row["config"]))
            out.append({"kind": row["kind"], "title": row["title"], "config": config})
    return out


@actions("agenda.save_template", roles=(FACILITATOR,), schema={"name": Text(max_len=NAME_MAX)})
def save_template(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    owner = ctx.actor.user_id
    count = ctx.one("SELECT COUNT(*) AS n FROM agenda_templates WHERE owner_id = ?", (owner,))
    existing = ctx.one(
        "SELECT id FROM agenda_templates WHERE owner_id = ? AND name = ?", (owner, data["name"])
    )
    items = dumps(items_of(ctx, ctx.workshop["id"]))
    if existing is not None:
        # The same name again replaces that template: "save" after a change does what it says.
        ctx.execute(
            "UPDATE agenda_templates SET items = ?, created_at = ? WHERE id = ?",
            (items, ctx.now_iso, existing["id"]),
        )
        return {"template_id": existing["id"]}
    if count and count["n"] >= TEMPLATES_MAX:
        raise ActionError("invalid", _l("At most %(max)s templates."), max=TEMPLATES_MAX)
    cur = ctx.execute(
        "INSERT INTO agenda_templates (owner_id, name, items, created_at) VALUES (?, ?, ?, ?)",
        (owner, data["name"], items, ctx.now_iso),
    )
    return {"template_id": cur.lastrowid}


def of_user(store: Store, user_id: int) -> list[dict[str, Any]]:
    rows = store.all(
        "SELECT id, name FROM agenda_templates WHERE owner_id = ? ORDER BY name COLLATE NOCASE",
        (user_id,),
    )
    return [dict(r) for r in rows]


def choices(store: Store, user_id: int) -> list[tuple[str, str]]:
    """The user's templates as (form key, name), for the new-workshop form."""
    return [(f"{KEY_PREFIX}{t['id']}", t["name"]) for t in of_user(store, user_id)]


def items(store: Store, user_id: int, key: str) -> list[tuple[str, str, dict[str, Any]]] | None:
    """A template's items as (kind, title, config), or None when it is not this user's."""
    raw = key.removeprefix(KEY_PREFIX)
    if not key.startswith(KEY_PREFIX) or not raw.isdigit():
        return None
    row = store.one(
        "SELECT items FROM agenda_templates WHERE id = ? AND owner_id = ?", (int(raw), user_id)
    )
    if row is None:
        return None
    kinds = registry()
    return [
        (i["kind"], i["title"], i.get("config") or {})
        for i in json.loads(row["items"])
        if i.get("kind") in kinds
    ]
