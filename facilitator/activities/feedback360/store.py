"""The 360 round's tables and its question file.

An invite is one request for one answer: to a colleague in the room (`answerer_id`) or
through a link for someone outside (`token_hash`, valid until `expires_at`). An answer
keeps its perspective and its subject, never its invite or answerer: once given, nothing
ties it to who gave it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from facilitator.migrations import run_script

migrations = Migrations("feedback360")

PERSPECTIVES = ("colleague", "manager", "client", "partner")
OUTSIDE = PERSPECTIVES  # a colleague elsewhere may be asked by link too
INVITES_MAX = 40  # per person per round
ANSWER_MAX = 1000
SCALE = (1, 2, 3, 4, 5)


@migrations()
def m001_feedback360(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE feedback360_invites (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            item_id INTEGER NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,
            subject_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            perspective TEXT NOT NULL,
            answerer_id INTEGER REFERENCES participants(id) ON DELETE CASCADE,
            token_hash TEXT UNIQUE,
            expires_at TEXT,
            answered_at TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX feedback360_invites_item ON feedback360_invites(item_id, subject_id);
        CREATE INDEX feedback360_invites_answerer ON feedback360_invites(answerer_id);
        CREATE TABLE feedback360_answers (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            item_id INTEGER NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,
            subject_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            perspective TEXT NOT NULL,
            answers TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX feedback360_answers_subject ON feedback360_answers(subject_id, item_id)
        """,
    )


@cache
def _questions() -> dict[str, Any]:
    return json.loads((Path(__file__).parent / "questions.json").read_text("utf-8"))


def questions(lang: str) -> dict[str, list[dict[str, str]]]:
    """The questions in `lang`: scales (rated 1 to 5) and open questions."""
    data = _questions()

    def pick(q: dict[str, Any]) -> dict[str, str]:
        return {"key": q["key"], "text": q["text"].get(lang) or q["text"]["nl"]}

    return {"scales": [pick(q) for q in data["scales"]],
            "open": [pick(q) for q in data["open"]]}


def check_answers(form: Any) -> tuple[dict[str, Any], str | None]:
    """The answers from a form (scales 1 to 5, open texts), and what is wrong, or None.
    At least one question must be answered; each text at most ANSWER_MAX characters."""
    data = _questions()
    out: dict[str, Any] = {}
    for q in data["scales"]:
        raw = form.get(q["key"], "")
        if raw:
            if raw not in {str(n) for n in SCALE}:
                return {}, "scale"
            out[q["key"]] = int(raw)
    for q in data["open"]:
        text = form.get(q["key"], "")
        text = text.strip() if isinstance(text, str) else ""
        if len(text) > ANSWER_MAX:
            return {}, "long"
        if text:
            out[q["key"]] = text
    return out, None if out else "empty"


def purge(db: Any, workshop_id: int, now_iso: str) -> int:
    """At the workshop's retention time (intervision.retention.purge): the invites go
    (who asked whom), except outside links still valid; the answers stay only for a
    person who keeps a personal link, whose portfolio shows them over time."""
    invites = db.execute(
        "DELETE FROM feedback360_invites WHERE workshop_id = ? AND (answered_at IS NOT NULL"
        " OR expires_at IS NULL OR expires_at <= ?)", (workshop_id, now_iso)).rowcount
    answers = db.execute(
        "DELETE FROM feedback360_answers WHERE workshop_id = ? AND subject_id NOT IN"
        " (SELECT p.id FROM participants p JOIN persons s ON s.id = p.person_id"
        "  WHERE p.workshop_id = ? AND s.revoked_at IS NULL)",
        (workshop_id, workshop_id)).rowcount
    return invites + answers
