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


def rebuild_table(
    db: sqlite_utils.Database, table: str, create_sql: str, then: tuple[str, ...] = ()
) -> None:
    """Replace `table` by one made with `create_sql`, keeping its rows, ids and indexes.

    SQLite cannot add AUTOINCREMENT or a foreign key to an existing table: this is its
    documented twelve-step rebuild. Foreign keys are off meanwhile, or dropping the old
    table would cascade into every table that refers to it (the pragma is a no-op inside
    a transaction, so the step is non-transactional and opens its own). Runs again
    harmlessly after a crash between the commit and the record of the step. `then`:
    statements run in the same transaction before the foreign keys are checked."""
    conn = db.conn
    indexes = [
        r[0]
        for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?"
            " AND sql IS NOT NULL",
            (table,),
        )
    ]
    new = f"{table}_rebuilt"
    conn.execute("PRAGMA foreign_keys=OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(f"DROP TABLE IF EXISTS {new}")
            conn.execute(create_sql.replace(f"CREATE TABLE {table} ", f"CREATE TABLE {new} ", 1))
            old_cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            new_cols = {r[1] for r in conn.execute(f"PRAGMA table_info({new})")}
            cols = ", ".join(c for c in old_cols if c in new_cols)
            conn.execute(f"INSERT INTO {new} ({cols}) SELECT {cols} FROM {table}")
            conn.execute(f"DROP TABLE {table}")
            conn.execute(f"ALTER TABLE {new} RENAME TO {table}")
            for sql in indexes:
                conn.execute(sql)
            for sql in then:
                conn.execute(sql)
            broken = conn.execute(f"PRAGMA foreign_key_check({table})").fetchall()
            if broken:
                raise RuntimeError(f"rebuilding {table} broke foreign keys: {broken[:5]}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("PRAGMA foreign_keys=ON")


@migrations(transactional=False)
def m003_participant_ids_never_reused(db: sqlite_utils.Database) -> None:
    # Without AUTOINCREMENT SQLite hands the highest deleted id to the next row: the next
    # joiner got the id of a participant just removed, and whatever still held that id
    # (a socket, a pending confirmation) became theirs (issue 12, item 1).
    sql = db.conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'participants'"
    ).fetchone()[0]
    if "AUTOINCREMENT" in sql.upper():
        return
    # Ids already handed out (and removed since) stay used: the sequence continues past
    # the highest id that any row still names, not only past the remaining participants.
    named = "".join(
        f" UNION ALL SELECT MAX({col}) FROM {table}" for table, col in _participant_refs(db)
    )
    rebuild_table(
        db,
        "participants",
        """CREATE TABLE participants (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            name TEXT,
            joined_at TEXT NOT NULL,
            last_seen_at TEXT NOT NULL
        )""",
        then=(
            "DELETE FROM sqlite_sequence WHERE name = 'participants'",
            "INSERT INTO sqlite_sequence (name, seq) SELECT 'participants', COALESCE(MAX(m), 0)"
            f" FROM (SELECT MAX(id) AS m FROM participants{named})",
        ),
    )


def _participant_refs(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    """Columns that name a participant, in the tables that exist now."""
    names = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    out = [
        (t, c)
        for t, c in (
            ("agreement_people", "participant_id"),
            ("agreements", "owner_participant_id"),
            ("agreements", "proposed_by"),
        )
        if t in names
    ]
    for table in sorted(names):
        for fk in db.conn.execute(f"PRAGMA foreign_key_list({table})"):
            if fk[2] == "participants" and (table, fk[3]) not in out:
                out.append((table, fk[3]))
    return out


@migrations()
def m004_user_sessions(db: sqlite_utils.Database) -> None:
    # A login session the server knows (issue 12, item 2): logging out deletes its row,
    # so a copied session cookie stops working everywhere, not 31 days later.
    run_script(
        db,
        """
        CREATE TABLE user_sessions (
            id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL
        );
        CREATE INDEX user_sessions_user ON user_sessions(user_id)
        """,
    )


@migrations()
def m040_accounts_and_archive(db: sqlite_utils.Database) -> None:
    # Accounts from the web (issue 15, point 4): an admin deactivates an account rather
    # than deleting it (its workshops and history keep their owner), and hands out
    # one-time links to set a password. Workshops over time (point 5): archived ones
    # leave the list; a deleted one whose team agreements managers still follow up stays
    # as a row without content (facilitator/room/archive.py).
    run_script(
        db,
        """
        ALTER TABLE users ADD COLUMN deactivated_at TEXT;
        CREATE TABLE password_links (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX password_links_user ON password_links(user_id);
        ALTER TABLE workshops ADD COLUMN archived_at TEXT;
        ALTER TABLE workshops ADD COLUMN deleted_at TEXT
        """,
    )


@migrations()
def m010_login_sockets_and_table_keys(db: sqlite_utils.Database) -> None:
    # Issue 12, item 2: which login session a facilitator's socket came from, so that
    # logging out (or a new password) disconnects the sockets already open. Item 17: a
    # workshop's own key for its table links, renewed to end the old links.
    run_script(
        db,
        """
        ALTER TABLE presence ADD COLUMN login_session TEXT;
        CREATE INDEX presence_login_session ON presence(login_session)
            WHERE login_session IS NOT NULL;
        ALTER TABLE workshops ADD COLUMN table_key TEXT NOT NULL DEFAULT ''
        """,
    )


@migrations()
def m011_retention_from(db: sqlite_utils.Database) -> None:
    # Issue 12, item 12: when a workshop's retention clock started (its first close not
    # yet purged). closed_at is cleared by a reopen; this is not.
    run_script(
        db,
        """
        ALTER TABLE workshops ADD COLUMN retention_from TEXT;
        UPDATE workshops SET retention_from = closed_at WHERE status = 'closed'
        """,
    )


@migrations()
def m030_agenda_templates(db: sqlite_utils.Database) -> None:
    # A facilitator's own agendas (issue 15, point 2): kinds, titles and settings as JSON,
    # never content; deleted with the user.
    run_script(
        db,
        """
        CREATE TABLE agenda_templates (
            id INTEGER PRIMARY KEY,
            owner_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            items TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (owner_id, name)
        )
        """,
    )


@migrations()
def m020_board_state(db: sqlite_utils.Database) -> None:
    # What the board shows besides the activity (issue 14): join slide, spotlight, page,
    # pace, harvest notes. Room state, so a reloaded board shows the same.
    run_script(
        db,
        """
        CREATE TABLE board_state (
            workshop_id INTEGER PRIMARY KEY REFERENCES workshops(id) ON DELETE CASCADE,
            join_shown INTEGER,
            join_item_id INTEGER,
            spotlight TEXT,
            page INTEGER NOT NULL DEFAULT 0,
            page_item_id INTEGER,
            pace INTEGER NOT NULL DEFAULT 0,
            paged_at TEXT,
            notes INTEGER NOT NULL DEFAULT 0
        )
        """,
    )


@migrations()
def m050_participant_language(db: sqlite_utils.Database) -> None:
    # A phone may speak its own language (issue 16, point 5); NULL follows the room's.
    run_script(db, "ALTER TABLE participants ADD COLUMN language TEXT")


@migrations()
def m051_presence_user(db: sqlite_utils.Database) -> None:
    # Whose account a facilitator's socket speaks for, browser or API token alike: a
    # deactivated account's open control pages are disconnected at once (issue 15).
    run_script(db, "ALTER TABLE presence ADD COLUMN user_id INTEGER")


@migrations()
def m080_leftovers_presence_draft(db: sqlite_utils.Database) -> None:
    # Issue 15, point 3: a phone says whether it holds unsent text for an item (only
    # that, never the text), so the control page can ask before moving the room on.
    db.execute("ALTER TABLE presence ADD COLUMN draft_item INTEGER")


@migrations()
def m090_roster_revision(db: sqlite_utils.Database) -> None:
    # Issue 21, point 5: the control page's roster (everyone who joined, and whether a
    # phone of theirs is connected) is rebuilt only when one of its rows changed. These
    # triggers count those changes on the workshop, whatever writes them (any process,
    # any code path), and the workshop row is read at every push anyway.
    bump = "UPDATE workshops SET roster_revision = roster_revision + 1 WHERE id ="
    db.execute("ALTER TABLE workshops ADD COLUMN roster_revision INTEGER NOT NULL DEFAULT 0")
    # (Trigger bodies hold semicolons: one execute each, not run_script.)
    for name, when, body in (
        ("roster_joined", "AFTER INSERT ON participants", "NEW.workshop_id"),
        ("roster_left", "AFTER DELETE ON participants", "OLD.workshop_id"),
        ("roster_renamed", "AFTER UPDATE OF name, workshop_id ON participants",
         "OLD.workshop_id; {bump} NEW.workshop_id"),
        ("roster_connected", "AFTER INSERT ON presence WHEN NEW.participant_id IS NOT NULL",
         "NEW.workshop_id"),
        ("roster_disconnected", "AFTER DELETE ON presence WHEN OLD.participant_id IS NOT NULL",
         "OLD.workshop_id"),
        ("roster_presence_moved", "AFTER UPDATE OF participant_id, workshop_id ON presence",
         "OLD.workshop_id; {bump} NEW.workshop_id"),
    ):
        statements = body.format(bump=bump)
        db.execute(f"CREATE TRIGGER {name} {when} BEGIN {bump} {statements}; END")


def migrate(db: sqlite_utils.Database) -> None:
    migrations.apply(db)

