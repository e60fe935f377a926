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


@migrations()
def m002_attendance(db: sqlite_utils.Database) -> None:
    # Who attended which intervision meeting, kept when retention deletes the groups
    # (their content, members and roles go with them): accreditation needs the facts,
    # never what was said. One row per member of a group that started. No FK to the
    # group: it is gone when this row matters; the workshop's delete takes these along.
    run_script(
        db,
        """
        CREATE TABLE programme_attendance (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            item_id INTEGER NOT NULL,
            group_number INTEGER NOT NULL,
            participant_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
            person_id INTEGER,
            name TEXT,
            role TEXT NOT NULL,
            method TEXT NOT NULL,
            minutes INTEGER NOT NULL,
            met_at TEXT NOT NULL,
            UNIQUE (item_id, group_number, participant_id)
        );
        CREATE INDEX programme_attendance_workshop ON programme_attendance(workshop_id);
        CREATE INDEX programme_attendance_participant ON programme_attendance(participant_id)
        """,
    )
