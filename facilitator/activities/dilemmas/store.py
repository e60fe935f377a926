"""Shared tables and helpers of the dilemma activities (collect, sort, vote, game, harvest).

Dilemmas belong to the workshop, not to one agenda item, so every dilemma item on an
agenda works on the same set. The author of a dilemma is stored so that they can edit
or withdraw their own, but `public()` is the only way a dilemma leaves this module and
it never carries the author's participant id; the name only when the author chose it.
"""

from __future__ import annotations

from typing import Any

import orjson
import sqlite_utils
from flask_babel import lazy_gettext as _l
from sqlite_utils.migrations import Migrations

from facilitator.db import dumps
from facilitator.errors import ActionError, not_found
from facilitator.live.actions import Context
from facilitator.migrations import run_script
from facilitator.schema import Bool, ListOf, Text

SITUATION_MAX = 1000
OPTION_MAX = 200
VALUES_MAX = 300
ARGUMENT_MAX = 280
NEED_MAX = 500
RECOMMENDATION_MAX = 1000
NOTES_MAX = 4000
THEME_MAX = 80
MAX_OPTIONS = 4
PER_PARTICIPANT = 20  # dilemmas, arguments or needs one phone may add
PER_WORKSHOP = 2000  # a conference of 1,000 phones, each with a dilemma or two
CATEGORIES = ("content", "organisational")

migrations = Migrations("dilemmas")


@migrations()
def m001_dilemmas(db: sqlite_utils.Database) -> None:
    script = """
    CREATE TABLE dilemma_themes (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        name TEXT NOT NULL
    );
    CREATE TABLE dilemmas (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        author_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
        author_name TEXT,
        situation TEXT NOT NULL,
        options TEXT NOT NULL,
        dilemma_values TEXT,
        source TEXT NOT NULL DEFAULT 'phone',
        approved INTEGER NOT NULL DEFAULT 1,
        merged_into INTEGER REFERENCES dilemmas(id) ON DELETE SET NULL,
        theme_id INTEGER REFERENCES dilemma_themes(id) ON DELETE SET NULL,
        category TEXT CHECK (category IN ('content', 'organisational')),
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX dilemmas_workshop ON dilemmas(workshop_id);
    CREATE TABLE dilemma_votes (
        item_id INTEGER NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,
        participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        dilemma_id INTEGER NOT NULL REFERENCES dilemmas(id) ON DELETE CASCADE,
        dots INTEGER NOT NULL,
        PRIMARY KEY (item_id, participant_id, dilemma_id)
    );
    CREATE TABLE dilemma_rounds (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        item_id INTEGER NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,
        dilemma_id INTEGER NOT NULL REFERENCES dilemmas(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('first', 'revote', 'variation')),
        variation TEXT,
        mode TEXT NOT NULL CHECK (mode IN ('choice', 'slider')),
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
        revealed INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    );
    CREATE INDEX dilemma_rounds_item ON dilemma_rounds(item_id, dilemma_id);
    CREATE TABLE dilemma_choices (
        round_id INTEGER NOT NULL REFERENCES dilemma_rounds(id) ON DELETE CASCADE,
        participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
        option INTEGER,
        value INTEGER,
        PRIMARY KEY (round_id, participant_id)
    );
    CREATE TABLE dilemma_arguments (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        dilemma_id INTEGER NOT NULL REFERENCES dilemmas(id) ON DELETE CASCADE,
        participant_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
        option INTEGER NOT NULL,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE dilemma_needs (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        dilemma_id INTEGER NOT NULL REFERENCES dilemmas(id) ON DELETE CASCADE,
        participant_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE dilemma_recommendations (
        id INTEGER PRIMARY KEY,
        workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
        dilemma_id INTEGER NOT NULL REFERENCES dilemmas(id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT 'facilitator',
        created_at TEXT NOT NULL
    )
    """
    run_script(db, script)


@migrations()
def m002_per_person_indexes(db: sqlite_utils.Database) -> None:
    # Each submission counts its author's dilemmas (PER_PARTICIPANT), and each phone's own
    # view lists them: with only the workshop index that read every dilemma of the room,
    # a quadratic cost in a burst of 1,000 submissions (bench/load.py, scenario b).
    run_script(
        db,
        """
        CREATE INDEX dilemmas_author ON dilemmas(workshop_id, author_id);
        CREATE INDEX dilemma_needs_participant ON dilemma_needs(workshop_id, participant_id);
        CREATE INDEX dilemma_arguments_participant ON dilemma_arguments(dilemma_id, participant_id)
        """,
    )


@migrations()
def m060_stable_numbers(db: sqlite_utils.Database) -> None:
    # A dilemma keeps the number it got on arrival for the whole workshop: counting the
    # rows on every read renumbered them after a withdrawal (#6 became #5, issue 17.9).
    run_script(
        db,
        """
        ALTER TABLE dilemmas ADD COLUMN number INTEGER;
        UPDATE dilemmas SET number = (SELECT COUNT(*) FROM dilemmas d
            WHERE d.workshop_id = dilemmas.workshop_id AND d.id <= dilemmas.id);
        CREATE TABLE dilemma_numbering (
            workshop_id INTEGER PRIMARY KEY REFERENCES workshops(id) ON DELETE CASCADE,
            last INTEGER NOT NULL
        );
        INSERT INTO dilemma_numbering (workshop_id, last)
            SELECT workshop_id, MAX(number) FROM dilemmas GROUP BY workshop_id
        """,
    )


@migrations()
def m060_conference(db: sqlite_utils.Database) -> None:
    # Issue 17.5-8: what managers expect, organisational dilemmas handed to management,
    # recommendations with an owner, arguments approved and supported, slider poles.
    run_script(
        db,
        """
        CREATE TABLE dilemma_expected (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
            author TEXT NOT NULL DEFAULT '',
            situation TEXT NOT NULL,
            theme_id INTEGER REFERENCES dilemma_themes(id) ON DELETE SET NULL,
            category TEXT CHECK (category IN ('content', 'organisational')),
            matched_id INTEGER REFERENCES dilemmas(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX dilemma_expected_workshop ON dilemma_expected(workshop_id);
        ALTER TABLE dilemmas ADD COLUMN management_owner TEXT NOT NULL DEFAULT '';
        ALTER TABLE dilemmas ADD COLUMN management_answer TEXT NOT NULL DEFAULT '';
        ALTER TABLE dilemma_recommendations ADD COLUMN owner TEXT NOT NULL DEFAULT '';
        ALTER TABLE dilemma_recommendations ADD COLUMN owner_kind TEXT NOT NULL DEFAULT '';
        ALTER TABLE dilemma_recommendations ADD COLUMN priority TEXT NOT NULL DEFAULT '';
        ALTER TABLE dilemma_recommendations ADD COLUMN due_date TEXT;
        ALTER TABLE dilemma_recommendations ADD COLUMN agreement_id INTEGER
            REFERENCES agreements(id) ON DELETE SET NULL;
        ALTER TABLE dilemma_arguments ADD COLUMN approved INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE dilemma_needs ADD COLUMN approved INTEGER NOT NULL DEFAULT 1;
        CREATE TABLE dilemma_argument_support (
            argument_id INTEGER NOT NULL REFERENCES dilemma_arguments(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            PRIMARY KEY (argument_id, participant_id)
        );
        ALTER TABLE dilemma_rounds ADD COLUMN poles TEXT
        """,
    )


@migrations()
def m090_row_revision(db: sqlite_utils.Database) -> None:
    # Issue 21, point 5: the control page lists up to 2,000 dilemmas on every push; one
    # new or changed dilemma should not read and build the other 1,999 again. A trigger
    # counts each row's changes, whatever code path or process writes them, and the
    # index answers "which rows, at which revision" without reading their texts.
    db.execute("ALTER TABLE dilemmas ADD COLUMN revision INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE TRIGGER dilemma_revised AFTER UPDATE ON dilemmas"
               " WHEN NEW.revision = OLD.revision"
               " BEGIN UPDATE dilemmas SET revision = OLD.revision + 1 WHERE id = NEW.id; END")
    db.execute("CREATE INDEX dilemmas_revision ON dilemmas(workshop_id, number, id, revision)")


# --- payload fields shared by several actions ------------------------------------------

DILEMMA_FIELDS: dict[str, Any] = {
    "situation": Text(max_len=SITUATION_MAX, multiline=True),
    "options": ListOf(Text(max_len=OPTION_MAX), max_items=MAX_OPTIONS, min_items=2),
    "values": Text(max_len=VALUES_MAX, required=False),
}
SHOW_NAME = {"show_name": Bool()}


def too_many() -> ActionError:
    return ActionError("limit", _l("You have reached the maximum number here."))


def collection_closed() -> ActionError:
    return ActionError("closed", _l("Collecting dilemmas is closed."))


# --- reading -------------------------------------------------------------------------


def numbers(q: Any, workshop_id: int) -> dict[int, int]:
    """The short per-workshop number of each dilemma (#1, #2, ...), fixed on arrival."""
    rows = q.all("SELECT id, number FROM dilemmas WHERE workshop_id = ?", (workshop_id,))
    return {r["id"]: r["number"] for r in rows}


PUBLIC_COLUMNS = ("id, number, situation, options, dilemma_values, theme_id, category,"
                  " merged_into, approved, source, author_name")


def public(row: dict[str, Any], number: int | None = None) -> dict[str, Any]:
    """What of a dilemma may be shown: never the author's id; the name only if chosen."""
    out = {
        "id": row["id"],
        "number": row.get("number") if number is None else number,
        "situation": row["situation"],
        "options": orjson.loads(row["options"]),  # 2,000 rows a control push
        "values": row["dilemma_values"] or "",
        "theme_id": row["theme_id"],
        "category": row["category"],
        "merged_into": row["merged_into"],
        "approved": bool(row["approved"]),
        "prepared": row["source"] == "prepared",
    }
    if row["author_name"]:
        out["author"] = row["author_name"]
    return out


def all_dilemmas(q: Any, workshop_id: int, approved_only: bool = True) -> list[dict[str, Any]]:
    """Top-level dilemmas with the ones merged into them under `merged` (both texts kept).
    Each a dict of its own: callers may add to it."""
    rows = [dict(r) for r in _public_rows(q, workshop_id)]
    if approved_only:
        rows = [r for r in rows if r["approved"]]
    tops = [r for r in rows if r["merged_into"] is None]
    by_id = {d["id"]: d for d in tops}
    for d in tops:
        d["merged"] = []
    for r in rows:
        parent = by_id.get(r["merged_into"]) if r["merged_into"] else None
        if parent is not None:
            parent["merged"].append(r)
    return tops


def _public_rows(q: Any, workshop_id: int) -> list[dict[str, Any]]:
    """Every dilemma of the workshop as public() shows it, in order. A view (`q` a
    ViewContext) reads again only the rows whose revision changed since the last push
    (m090_row_revision): 2,000 rows of up to 1,000 characters were 16 ms a control push.
    What it returns is kept: never modify it (all_dilemmas copies)."""
    store = getattr(q, "store", None)
    if store is None:  # an action, inside its write: read as it is now
        # Only what public() shows: not the notes (up to 4,000 characters, read by no view).
        return [public(r) for r in q.all(f"SELECT {PUBLIC_COLUMNS} FROM dilemmas"
                                         " WHERE workshop_id = ? ORDER BY number, id",
                                         (workshop_id,))]
    order = store.tuples("SELECT id, revision FROM dilemmas WHERE workshop_id = ?"
                         " ORDER BY number, id", (workshop_id,))
    # Kept rows are good while no write was undone since (Store.generation).
    kept = store.kept("dilemmas", workshop_id, store.generation) or {}
    stale = [did for did, revision in order if kept.get(did, (None,))[0] != revision]
    if stale:
        fresh = dict(kept)
        for r in q.all(f"SELECT {PUBLIC_COLUMNS}, revision FROM dilemmas WHERE workshop_id = ?"
                       " AND id IN (SELECT value FROM json_each(?))",
                       (workshop_id, dumps(stale))):
            fresh[r["id"]] = (r["revision"], public(r))
        kept = fresh
    # Only the rows there now are kept (withdrawn ones go); one deleted between the two
    # reads is left out until the next push.
    rows = {did: kept[did] for did, _ in order if did in kept}
    store.keep("dilemmas", workshop_id, store.generation, rows)
    return [entry[1] for entry in rows.values()]


def themes(q: Any, workshop_id: int) -> list[dict[str, Any]]:
    return q.all(
        "SELECT id, name FROM dilemma_themes WHERE workshop_id = ? ORDER BY id", (workshop_id,)
    )


def count(q: Any, workshop_id: int) -> int:
    row = q.one("SELECT COUNT(*) AS n FROM dilemmas WHERE workshop_id = ?", (workshop_id,))
    return row["n"] if row else 0


def ranking(q: Any, workshop_id: int) -> dict[int, int]:
    """Dots per top-level dilemma from every revealed vote round (merged ones count for
    the dilemma they were merged into). Unrevealed rounds never count here."""
    rows = q.all(
        "SELECT COALESCE(d.merged_into, d.id) AS did, SUM(v.dots) AS dots"
        " FROM dilemma_votes v JOIN dilemmas d ON d.id = v.dilemma_id"
        " JOIN agenda_items a ON a.id = v.item_id"
        " WHERE d.workshop_id = ? AND json_extract(a.config, '$.revealed') = 1"
        " GROUP BY did",
        (workshop_id,),
    )
    return {r["did"]: r["dots"] for r in rows}


def ranked(q: Any, workshop_id: int) -> list[dict[str, Any]]:
    """Approved top-level dilemmas, the most dots (revealed) first, then by number."""
    dots = ranking(q, workshop_id)
    items = all_dilemmas(q, workshop_id)
    if dots:  # no "dots" at all until some vote round has been revealed
        for d in items:
            d["dots"] = dots.get(d["id"], 0)
    return sorted(items, key=lambda d: (-d.get("dots", 0), d["number"]))


# --- acting --------------------------------------------------------------------------


def dilemma_of(ctx: Context, dilemma_id: int) -> dict[str, Any]:
    """A dilemma of this workshop, or a refusal (never another workshop's)."""
    row = ctx.one(
        "SELECT * FROM dilemmas WHERE id = ? AND workshop_id = ?",
        (dilemma_id, ctx.workshop["id"]),
    )
    if row is None:
        raise not_found(_l("That dilemma does not exist."))
    return row


def open_dilemma(ctx: Context, dilemma_id: int) -> dict[str, Any]:
    """An approved, top-level dilemma: one that can be voted on, discussed, harvested."""
    row = dilemma_of(ctx, dilemma_id)
    if not row["approved"] or row["merged_into"] is not None:
        raise not_found(_l("That dilemma does not exist."))
    return row


def insert(
    ctx: Context,
    data: dict[str, Any],
    author_id: int | None = None,
    author_name: str | None = None,
    approved: bool = True,
    source: str = "phone",
) -> int:
    wid = ctx.workshop["id"]
    given = ctx.one("SELECT last FROM dilemma_numbering WHERE workshop_id = ?", (wid,))
    # Every dilemma there has a number up to the last one given, so below the limit there
    # is nothing to count: at 2,000 dilemmas the count was 8 % of a submission's CPU
    # (docs/benchmarks.md).
    if given and given["last"] >= PER_WORKSHOP and count(ctx, wid) >= PER_WORKSHOP:
        raise too_many()
    # The next number is one past the highest ever given, even if that one was withdrawn:
    # a gap rather than a renumbering or a number used twice (the room says "dilemma 7").
    # (Read above inside this write's transaction: no other writer moves it meanwhile.)
    number = given["last"] + 1 if given else 1
    ctx.execute(
        "INSERT INTO dilemma_numbering (workshop_id, last) VALUES (?, 1)"
        " ON CONFLICT (workshop_id) DO UPDATE SET last = last + 1",
        (wid,),
    )
    cur = ctx.execute(
        "INSERT INTO dilemmas (workshop_id, number, author_id, author_name, situation, options,"
        " dilemma_values, source, approved, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            ctx.workshop["id"],
            number,
            author_id,
            author_name,
            data["situation"],
            dumps(data["options"]),
            data.get("values"),
            source,
            int(approved),
            ctx.now_iso,
            ctx.now_iso,
        ),
    )
    return cur.lastrowid


def everyone_sees(ctx: Context, *rows: dict[str, Any]) -> None:
    """Dilemma lists show on every screen of whichever dilemma item is current; the
    authors of `rows` also see them in their own list (theme, category, merged)."""
    ctx.changes.board = ctx.changes.control = ctx.changes.phones = True
    for row in rows:
        if row.get("author_id") is not None:
            ctx.changes.add_personal(row["author_id"])


def shared_screens_see(ctx: Context) -> None:
    """What one phone adds shows on the board and the control page and in that phone's
    own view, not in the view shared by every phone: no push to 200 phones per text."""
    ctx.changes.board = ctx.changes.control = True
    if ctx.actor.participant_id is not None:
        ctx.changes.add_personal(ctx.actor.participant_id)


def arguments(
    v: Any, dilemma_id: int, labels: list[str], ids: bool = False, pending: bool = False
) -> list[Any]:
    """The arguments given per option of one dilemma (game and harvest show them), the
    most supported first. Only approved ones unless `pending` (the facilitator's view,
    which also gets each one's `approved`). With `ids` each is {id, text, support}."""
    rows = v.all(
        "SELECT a.id, a.option, a.text, a.approved, COUNT(s.participant_id) AS support"
        " FROM dilemma_arguments a LEFT JOIN dilemma_argument_support s ON s.argument_id = a.id"
        " WHERE a.dilemma_id = ? GROUP BY a.id ORDER BY support DESC, a.id",
        (dilemma_id,),
    )
    if not pending:
        rows = [r for r in rows if r["approved"]]

    def shape(r: dict[str, Any]) -> Any:
        if not ids:
            return r["text"]
        out = {"id": r["id"], "text": r["text"], "support": r["support"]}
        if pending:
            out["approved"] = bool(r["approved"])
        return out

    return [
        {"option": i, "label": label,
         "arguments": [shape(r) for r in rows if r["option"] == i]}
        for i, label in enumerate(labels)
    ]


def most_supported(v: Any, dilemma_id: int, labels: list[str]) -> list[dict[str, Any]]:
    """Per option the approved argument with the most support (ties: the first given);
    the board shows these. Options without a supported argument are left out."""
    out = []
    for group in arguments(v, dilemma_id, labels, ids=True):
        top = group["arguments"][0] if group["arguments"] else None
        if top and top["support"] > 0:
            out.append({"option": group["option"], "label": group["label"],
                        "text": top["text"], "support": top["support"]})
    return out
