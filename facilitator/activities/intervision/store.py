"""Intervision tables and small row helpers (the activity's own storage).

Confidential group content lives in intervision_contributions, _votes and _notes, all
hanging off intervision_groups with ON DELETE CASCADE, so deleting a group's row
deletes its content (retention). intervision_takeaways survives its group (SET NULL):
a kept takeaway is what the case-holder chose to keep.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import sqlite_utils
from sqlite_utils.migrations import Migrations

from facilitator.activities.intervision import methods as method_library
from facilitator.migrations import run_script

migrations = Migrations("intervision")

ROLE_COLUMNS = {
    "case_holder": "case_holder_id",
    "process_guide": "guide_id",
    "note_taker": "note_taker_id",
}


@migrations()
def m001_intervision(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE intervision_groups (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            item_id INTEGER NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            method TEXT NOT NULL,
            phase_index INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL DEFAULT 'ready'
                CHECK (state IN ('ready', 'running', 'paused', 'done')),
            ends_at TEXT,
            remaining REAL,
            duration REAL,
            case_holder_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
            guide_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
            note_taker_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
            case_id INTEGER,
            created_at TEXT NOT NULL
        );
        CREATE INDEX intervision_groups_item ON intervision_groups(item_id, number);
        CREATE TABLE intervision_members (
            group_id INTEGER NOT NULL REFERENCES intervision_groups(id) ON DELETE CASCADE,
            item_id INTEGER NOT NULL,
            participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            PRIMARY KEY (item_id, participant_id)
        );
        CREATE INDEX intervision_members_group ON intervision_members(group_id);
        CREATE TABLE intervision_contributions (
            id INTEGER PRIMARY KEY,
            group_id INTEGER NOT NULL REFERENCES intervision_groups(id) ON DELETE CASCADE,
            phase_index INTEGER NOT NULL,
            phase_key TEXT NOT NULL,
            kind TEXT NOT NULL,
            author_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
            text TEXT NOT NULL,
            visibility TEXT NOT NULL CHECK (visibility IN ('group', 'case_holder', 'author')),
            rating TEXT CHECK (rating IN ('cold', 'lukewarm', 'warm')),
            appeals INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE INDEX intervision_contributions_group ON intervision_contributions(group_id, id);
        CREATE TABLE intervision_votes (
            group_id INTEGER NOT NULL REFERENCES intervision_groups(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            contribution_id INTEGER NOT NULL
                REFERENCES intervision_contributions(id) ON DELETE CASCADE,
            PRIMARY KEY (group_id, participant_id)
        );
        CREATE TABLE intervision_notes (
            group_id INTEGER NOT NULL REFERENCES intervision_groups(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (group_id, participant_id)
        );
        CREATE TABLE intervision_takeaways (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            group_id INTEGER REFERENCES intervision_groups(id) ON DELETE SET NULL,
            participant_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
            author_name TEXT,
            text TEXT NOT NULL,
            kept INTEGER NOT NULL DEFAULT 0,
            manager_visible INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX intervision_takeaways_workshop ON intervision_takeaways(workshop_id);
        CREATE TABLE intervision_methods (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (user_id, name)
        )
        """,
    )


# --- reading (works with a Context inside an action and a ViewContext in views) ------


def group_row(q: Any, group_id: int) -> dict[str, Any] | None:
    row = q.one("SELECT * FROM intervision_groups WHERE id = ?", (group_id,))
    if row is not None:
        row["method"] = json.loads(row["method"])
    return row


def groups_of(q: Any, item_id: int, shared: bool = False) -> list[dict[str, Any]]:
    """The item's groups, their methods parsed. `shared`: for views, which only read
    them: a method text seen before gives the same parsed object (40 groups' methods of
    8.5 kB each took 3 ms to parse on every push)."""
    rows = q.all("SELECT * FROM intervision_groups WHERE item_id = ? ORDER BY number", (item_id,))
    parse = _parsed_method if shared else json.loads
    for row in rows:
        row["method"] = parse(row["method"])
    return rows


@functools.lru_cache(maxsize=256)
def _parsed_method(text: str) -> dict[str, Any]:
    # Never modified by its readers (the views); actions parse their own copy.
    return json.loads(text)


def member_ids(q: Any, group_id: int) -> list[int]:
    rows = q.all(
        "SELECT participant_id FROM intervision_members WHERE group_id = ? ORDER BY participant_id",
        (group_id,),
    )
    return [r["participant_id"] for r in rows]


def members_by_group(q: Any, item_id: int) -> dict[int, list[dict[str, Any]]]:
    rows = q.all(
        "SELECT m.group_id, p.id, p.name FROM intervision_members m"
        " JOIN participants p ON p.id = m.participant_id WHERE m.item_id = ? ORDER BY p.id",
        (item_id,),
    )
    out: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        out.setdefault(r["group_id"], []).append({"id": r["id"], "name": r["name"]})
    return out


def role_of(group: dict[str, Any], participant_id: int) -> str:
    for role, column in ROLE_COLUMNS.items():
        if group[column] == participant_id:
            return role
    return "member"


def settings(workshop: dict[str, Any]) -> dict[str, Any]:
    """The workshop's intervision settings; both off by default."""
    raw = json.loads(workshop.get("settings") or "{}").get("intervision", {})
    return {
        "content_visible": bool(raw.get("content_visible", False)),
        "auto_advance": bool(raw.get("auto_advance", False)),
        # When the facilitator was allowed to read: only what is written after that.
        "content_since": raw.get("content_since") if raw.get("content_visible") else None,
    }


def own_methods(q: Any, user_id: int | None) -> list[dict[str, Any]]:
    if not user_id:
        return []
    rows = q.all(
        "SELECT id, name, data FROM intervision_methods WHERE user_id = ? ORDER BY name",
        (user_id,),
    )
    return [{"id": r["id"], "name": r["name"], "method": json.loads(r["data"])} for r in rows]


def resolve_method(q: Any, ref: str, user_id: int | None) -> dict[str, Any] | None:
    """A method by reference: a library key, or "own:ID" for one of the user's own."""
    if ref.startswith("own:"):
        try:
            method_id = int(ref[4:])
        except ValueError:
            return None
        row = q.one(
            "SELECT data FROM intervision_methods WHERE id = ? AND user_id = ?",
            (method_id, user_id),
        )
        return method_library.validate(json.loads(row["data"])) if row else None
    return method_library.get(ref)


@migrations()
def m002_takeaway_agreement(db: sqlite_utils.Database) -> None:
    # A kept takeaway becomes the case-holder's agreement (issue 4, closing).
    db.execute("ALTER TABLE intervision_takeaways ADD COLUMN agreement_id INTEGER")


@migrations()
def m010_member_visible_from(db: sqlite_utils.Database) -> None:
    # Issue 12, item 10: someone moved into a group that has started sees only what is
    # written from then on (NULL: a member from the start).
    db.execute("ALTER TABLE intervision_members ADD COLUMN visible_from TEXT")


@migrations()
def m090_leftovers_round_summaries(db: sqlite_utils.Database) -> None:
    # Issue 18, point 5: what a round was (groups, methods, phases, minutes; no content)
    # outlives the groups retention deletes, so the report can still say it.
    run_script(
        db,
        """
        CREATE TABLE intervision_round_summaries (
            item_id INTEGER PRIMARY KEY REFERENCES agenda_items(id) ON DELETE CASCADE,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            data TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """,
    )
