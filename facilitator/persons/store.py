"""The person tables. Their own migration set, applied after the core tables."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

from facilitator.migrations import run_script

migrations = Migrations("persons")


@migrations()
def m001_persons(db: sqlite_utils.Database) -> None:
    # No name here: a person's name is what they typed in each workshop. The programme (if
    # any) bounds where the link is recognised.
    run_script(
        db,
        """
        CREATE TABLE persons (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            programme_id INTEGER REFERENCES programmes(id) ON DELETE SET NULL,
            lang TEXT,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        ALTER TABLE participants ADD COLUMN person_id INTEGER
            REFERENCES persons(id) ON DELETE SET NULL;
        CREATE INDEX participants_person ON participants(person_id)
        """,
    )


@migrations()
def m002_person_scope_and_goals(db: sqlite_utils.Database) -> None:
    # team_id: where a link made outside any programme is recognised (the same team).
    # person_goals: the development goals a person keeps on their own page (issue 20.4).
    run_script(
        db,
        """
        ALTER TABLE persons ADD COLUMN team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL;
        CREATE TABLE person_goals (
            id INTEGER PRIMARY KEY,
            person_id INTEGER NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX person_goals_person ON person_goals(person_id)
        """,
    )
