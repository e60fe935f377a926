"""The programme tables. Their own migration set, applied after the core tables."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

from facilitator.migrations import run_script

migrations = Migrations("programmes")


@migrations()
def m001_programmes(db: sqlite_utils.Database) -> None:
    # A programme is owned by the facilitator who made it; its team (optional) decides which
    # managers read its report. Deleting a programme leaves its workshops standing alone.
    run_script(
        db,
        """
        CREATE TABLE programmes (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES users(id),
            team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL,
            name TEXT NOT NULL,
            organisation TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            starts_on TEXT,
            ends_on TEXT,
            created_at TEXT NOT NULL,
            archived_at TEXT
        );
        CREATE INDEX programmes_owner ON programmes(owner_id);
        ALTER TABLE workshops ADD COLUMN programme_id INTEGER
            REFERENCES programmes(id) ON DELETE SET NULL;
        CREATE INDEX workshops_programme ON workshops(programme_id)
        """,
    )
