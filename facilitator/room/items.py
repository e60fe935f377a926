"""Agenda items: reading them and changing an item's config inside an action."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.db import Store, dumps
from facilitator.errors import not_found
from facilitator.live.actions import Context

TITLE_MAX = 120  # workshop and agenda item titles


def agenda_of(store: Store, workshop_id: int) -> list[dict[str, Any]]:
    rows = store.all(
        "SELECT * FROM agenda_items WHERE workshop_id = ? ORDER BY position, id", (workshop_id,)
    )
    return [_item(dict(r)) for r in rows]


def _item(row: dict[str, Any]) -> dict[str, Any]:
    row["config"] = json.loads(row["config"])
    return row


def item_of(ctx: Context, item_id: int, kind: str | None = None) -> dict[str, Any]:
    """An agenda item of this workshop (optionally of a given kind), or a refusal."""
    row = ctx.one(
        "SELECT * FROM agenda_items WHERE id = ? AND workshop_id = ?",
        (item_id, ctx.workshop["id"]),
    )
    if row is None or (kind and row["kind"] != kind):
        raise not_found(_l("That agenda item does not exist."))
    return _item(row)


def save_config(ctx: Context, item: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    config = {**item["config"], **changes}
    ctx.execute("UPDATE agenda_items SET config = ? WHERE id = ?", (dumps(config), item["id"]))
    item["config"] = config
    return config
