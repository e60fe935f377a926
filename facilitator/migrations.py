"""Schema steps, one function each (sqlite-utils Migrations)."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

migrations = Migrations("facilitator")


def run_script(db: sqlite_utils.Database, script: str) -> None:
    # executescript() would COMMIT the migration's transaction; run statements one by one.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


@migrations()
def m001_foundation(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            name TEXT NOT NULL DEFAULT '',
            role TEXT NOT NULL CHECK (role IN ('admin', 'facilitator', 'manager')),
            password_hash TEXT NOT NULL,
            api_token_hash TEXT UNIQUE,
            language TEXT NOT NULL DEFAULT 'nl',
            created_at TEXT NOT NULL
        );
        CREATE TABLE teams (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE
        );
        CREATE TABLE team_members (
            team_id INTEGER NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            PRIMARY KEY (team_id, user_id)
        );
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE workshops (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            team_id INTEGER REFERENCES teams(id),
            owner_id INTEGER NOT NULL REFERENCES users(id),
            language TEXT NOT NULL DEFAULT 'nl',
            status TEXT NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'open', 'closed')),
            locked INTEGER NOT NULL DEFAULT 0,
            board_token TEXT NOT NULL UNIQUE,
            current_item_id INTEGER,
            timer TEXT NOT NULL DEFAULT '{}',
            settings TEXT NOT NULL DEFAULT '{}',
            seq INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            closed_at TEXT
        );
        CREATE TABLE agenda_items (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            kind TEXT NOT NULL,
            title TEXT NOT NULL,
            config TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX agenda_items_workshop ON agenda_items(workshop_id, position);
        CREATE TABLE participants (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            name TEXT,
            joined_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL
        );
        CREATE INDEX participants_workshop ON participants(workshop_id);
        CREATE TABLE presence (
            sid TEXT PRIMARY KEY,
            process TEXT NOT NULL,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            participant_id INTEGER REFERENCES participants(id) ON DELETE CASCADE,
            audience TEXT NOT NULL,
            connected_at TEXT NOT NULL
        );
        CREATE INDEX presence_workshop ON presence(workshop_id);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            op TEXT NOT NULL,
            op_id TEXT NOT NULL,
            actor TEXT NOT NULL,
            data TEXT NOT NULL,
            result TEXT NOT NULL,
            at TEXT NOT NULL,
            UNIQUE (workshop_id, seq),
            UNIQUE (workshop_id, op_id)
        );
        """,
    )


@migrations()
def m002_presence_audience(db: sqlite_utils.Database) -> None:
    # Whether a table screen is connected is asked on every board push and group action;
    # with only the workshop index that read every phone's presence row (1,000 at a time).
    db.execute("CREATE INDEX presence_audience ON presence(workshop_id, audience)")


def migrate(db: sqlite_utils.Database) -> None:
    migrations.apply(db)

