"""What a round was, without what was said in it: how many groups, which methods, how many
phases each got through, and how long it took. The report reads it live while the groups
exist; retention keeps a copy (intervision_round_summaries) before it deletes the groups,
so the report still says what took place (issue 18, point 5)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from facilitator.db import iso

Rows = Callable[[str, tuple[Any, ...]], list[dict[str, Any]]]

# The actions that start or move a group's phase: their times give the round's duration.
TIMED_OPS = ("intervision.start", "intervision.advance", "intervision.resume",
             "intervision.pause", "intervision.extend")


def _phases_done(group: dict[str, Any]) -> int:
    if group["state"] == "done":
        return len(group["method"]["phases"])
    return group["phase_index"]


def _minutes(rows: Rows, workshop_id: int, group_ids: list[int]) -> int | None:
    """Minutes from the first group's start to the last phase move of any group."""
    if not group_ids:
        return None
    ops = ",".join("?" * len(TIMED_OPS))
    marks = ",".join("?" * len(group_ids))
    (span,) = rows(
        f"SELECT MIN(at) AS first, MAX(at) AS last FROM events WHERE workshop_id = ?"
        f" AND op IN ({ops}) AND json_extract(data, '$.group_id') IN ({marks})",
        (workshop_id, *TIMED_OPS, *group_ids),
    )
    if not span["first"]:
        return None
    seconds = (datetime.fromisoformat(span["last"]) - datetime.fromisoformat(span["first"]))
    return round(seconds.total_seconds() / 60)


def of_groups(rows: Rows, workshop_id: int, groups: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary of these groups (their `method` parsed); method titles in every language."""
    titles: list[dict[str, str]] = []
    for g in groups:
        if g["method"]["title"] not in titles:
            titles.append(g["method"]["title"])
    return {
        "groups": len(groups),
        "methods": titles,
        "finished": sum(g["state"] == "done" for g in groups),
        "phases_done": sum(_phases_done(g) for g in groups),
        "phases": sum(len(g["method"]["phases"]) for g in groups),
        "minutes": _minutes(rows, workshop_id, [g["id"] for g in groups]),
    }


def kept(rows: Rows, item_id: int) -> dict[str, Any] | None:
    """The summary retention kept for an item whose groups are gone, or None."""
    found = rows("SELECT data FROM intervision_round_summaries WHERE item_id = ?", (item_id,))
    return json.loads(found[0]["data"]) if found else None


def keep(db: Any, workshop_id: int, now: datetime) -> None:
    """Before retention deletes a workshop's groups: keep each item's summary (in the
    open write transaction `db`, a sqlite3 connection)."""

    def rows(sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [dict(r) for r in db.execute(sql, params).fetchall()]

    by_item: dict[int, list[dict[str, Any]]] = {}
    for g in rows("SELECT * FROM intervision_groups WHERE workshop_id = ? ORDER BY number",
                  (workshop_id,)):
        by_item.setdefault(g["item_id"], []).append({**g, "method": json.loads(g["method"])})
    for item_id, groups in by_item.items():
        db.execute(
            "INSERT OR REPLACE INTO intervision_round_summaries (item_id, workshop_id, data,"
            " created_at) VALUES (?, ?, ?, ?)",
            (item_id, workshop_id, json.dumps(of_groups(rows, workshop_id, groups)), iso(now)),
        )
