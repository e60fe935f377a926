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
