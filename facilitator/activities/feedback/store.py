"""Feedback in the 4G shape: behaviour, feeling (optional), effect, wish.

Feedback to a person is private to the sender and the receiver; feedback to the team
has an author only the server knows (the board may show it, without names, once the
facilitator shows it). The receiver may answer once: what they heard, or a question.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

PART_MAX = 600
PER_PARTICIPANT = 30
REPLY_KINDS = ("heard", "question")

migrations = Migrations("feedback")


@migrations()
def m001_feedback(db: sqlite_utils.Database) -> None:
    for statement in (
        """CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            item_id INTEGER NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,
            author_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            to_id INTEGER REFERENCES participants(id) ON DELETE CASCADE,
            behaviour TEXT NOT NULL,
            feeling TEXT NOT NULL DEFAULT '',
            effect TEXT NOT NULL,
            wish TEXT NOT NULL,
            shown INTEGER NOT NULL DEFAULT 0,
            reply_kind TEXT CHECK (reply_kind IN ('heard', 'question')),
            reply TEXT,
            created_at TEXT NOT NULL,
            replied_at TEXT
        )""",
        "CREATE INDEX feedback_item ON feedback(item_id)",
        "CREATE INDEX feedback_to ON feedback(to_id)",
        "CREATE INDEX feedback_author ON feedback(author_id)",
    ):
        db.execute(statement)


def four_g(row: dict[str, Any]) -> dict[str, str]:
    return {
        "behaviour": row["behaviour"],
        "feeling": row["feeling"],
        "effect": row["effect"],
        "wish": row["wish"],
    }


def counts(q: Any, item_id: int) -> dict[str, int]:
    row = q.one(
        "SELECT COUNT(to_id) AS to_people, COUNT(*) - COUNT(to_id) AS to_team,"
        " COUNT(reply) AS replies, COALESCE(SUM(shown), 0) AS shown"
        " FROM feedback WHERE item_id = ?",
        (item_id,),
    )
    return {k: row[k] or 0 for k in ("to_people", "to_team", "replies", "shown")}


def team_feedback(q: Any, item_id: int, shown_only: bool) -> list[dict[str, Any]]:
    """Team feedback without any trace of its author."""
    extra = " AND shown = 1" if shown_only else ""
    rows = q.all(
        "SELECT id, behaviour, feeling, effect, wish, shown FROM feedback"
        f" WHERE item_id = ? AND to_id IS NULL{extra} ORDER BY id",
        (item_id,),
    )
    return [{"id": r["id"], "shown": bool(r["shown"]), **four_g(r)} for r in rows]


def personal(q: Any, item_id: int, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per phone: the feedback it received (with the sender's name) and what it sent."""
    out: dict[int, dict[str, Any]] = {
        pid: {"self_id": pid, "received": [], "sent": []} for pid in ids
    }
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    rows = q.all(
        "SELECT f.*, a.name AS author_name, t.name AS to_name FROM feedback f"
        " JOIN participants a ON a.id = f.author_id"
        " LEFT JOIN participants t ON t.id = f.to_id"
        f" WHERE f.item_id = ? AND (f.author_id IN ({marks}) OR f.to_id IN ({marks}))"
        " ORDER BY f.id",
        (item_id, *ids, *ids),
    )
    for r in rows:
        reply = {"kind": r["reply_kind"], "text": r["reply"]} if r["reply"] else None
        if r["author_id"] in out:
            out[r["author_id"]]["sent"].append(
                {"id": r["id"], "to": r["to_name"], "to_team": r["to_id"] is None,
                 "shown": bool(r["shown"]), "reply": reply, **four_g(r)}
            )
        if r["to_id"] in out:
            out[r["to_id"]]["received"].append(
                {"id": r["id"], "from": r["author_name"], "reply": reply, **four_g(r)}
            )
    return out
