"""Agreements: team-level records that outlive the workshop they were made in.

An agreement names an owner (a participant of the workshop, or free text), what they
do, with whom (participants), by when, and how and when it is checked. Every named
participant confirms it; then it is `agreed`. Later reviews (the next workshop, a
manager) mark it done, still open, changed or dropped, each change with a note in
`agreement_history`.

Functions take `q`: anything with one/all/execute (an action's Context); the read
functions also accept a ViewContext.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils
from flask_babel import lazy_gettext as _l
from sqlite_utils.migrations import Migrations

from facilitator.errors import ActionError

STATUSES = ("proposed", "agreed", "declined", "done", "open", "changed", "dropped")
# Still to be kept: these can be overdue and come back at the next review.
ACTIVE = ("proposed", "agreed", "open", "changed")
# What a review (next workshop, manager) may set.
REVIEW_STATUSES = ("agreed", "done", "open", "changed", "dropped")
ROOM_REVIEW_STATUSES = ("done", "open", "changed", "dropped")
WHAT_MAX = 300
OWNER_MAX = 80
CHECK_MAX = 300
NOTE_MAX = 500
REASON_MAX = 300
WITH_MAX = 20
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")

STATUS_LABELS = {
    "proposed": _l("proposed"),
    "agreed": _l("agreed"),
    "declined": _l("declined"),
    "done": _l("done"),
    "open": _l("still open"),
    "changed": _l("changed"),
    "dropped": _l("dropped"),
}

migrations = Migrations("agreements")


@migrations()
def m001_agreements(db: sqlite_utils.Database) -> None:
    statuses = ", ".join(f"'{s}'" for s in STATUSES)
    for statement in (
        f"""CREATE TABLE agreements (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            team_id INTEGER REFERENCES teams(id),
            item_id INTEGER,
            source TEXT NOT NULL DEFAULT 'workshop',
            owner_participant_id INTEGER,
            owner_name TEXT NOT NULL,
            what TEXT NOT NULL,
            due_date TEXT NOT NULL,
            check_how TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ({statuses})),
            manager_visible INTEGER NOT NULL DEFAULT 1,
            proposed_by INTEGER,
            merged_into INTEGER REFERENCES agreements(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX agreements_workshop ON agreements(workshop_id)",
        "CREATE INDEX agreements_team ON agreements(team_id, status)",
        """CREATE TABLE agreement_people (
            agreement_id INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('owner', 'with')),
            answer TEXT CHECK (answer IN ('confirmed', 'declined')),
            reason TEXT,
            answered_at TEXT,
            PRIMARY KEY (agreement_id, participant_id)
        )""",
        "CREATE INDEX agreement_people_participant ON agreement_people(participant_id)",
        f"""CREATE TABLE agreement_history (
            id INTEGER PRIMARY KEY,
            agreement_id INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
            from_status TEXT,
            status TEXT NOT NULL CHECK (status IN ({statuses})),
            note TEXT NOT NULL DEFAULT '',
            actor TEXT NOT NULL,
            user_id INTEGER,
            workshop_id INTEGER,
            at TEXT NOT NULL
        )""",
        "CREATE INDEX agreement_history_agreement ON agreement_history(agreement_id)",
    ):
        db.execute(statement)


@migrations(transactional=False)
def m002_participant_foreign_keys(db: sqlite_utils.Database) -> None:
    # Rows that name a participant get a delete rule (issue 12, item 1): the names stay
    # in owner_name/name, the ids go when the participant is removed, so a stale id can
    # never point at someone else. Dangling ids from before are cleared the same way.
    from facilitator.migrations import rebuild_table

    statuses = ", ".join(f"'{s}'" for s in STATUSES)
    rebuild_table(
        db,
        "agreements",
        f"""CREATE TABLE agreements (
            id INTEGER PRIMARY KEY,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            team_id INTEGER REFERENCES teams(id),
            item_id INTEGER,
            source TEXT NOT NULL DEFAULT 'workshop',
            owner_participant_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
            owner_name TEXT NOT NULL,
            what TEXT NOT NULL,
            due_date TEXT NOT NULL,
            check_how TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ({statuses})),
            manager_visible INTEGER NOT NULL DEFAULT 1,
            proposed_by INTEGER REFERENCES participants(id) ON DELETE SET NULL,
            merged_into INTEGER REFERENCES agreements(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        then=tuple(
            f"UPDATE agreements SET {col} = NULL WHERE {col} IS NOT NULL"
            f" AND {col} NOT IN (SELECT id FROM participants)"
            for col in ("owner_participant_id", "proposed_by")
        ),
    )
    rebuild_table(
        db,
        "agreement_people",
        """CREATE TABLE agreement_people (
            agreement_id INTEGER NOT NULL REFERENCES agreements(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('owner', 'with')),
            answer TEXT CHECK (answer IN ('confirmed', 'declined')),
            reason TEXT,
            answered_at TEXT,
            PRIMARY KEY (agreement_id, participant_id)
        )""",
        then=(
            "DELETE FROM agreement_people WHERE participant_id NOT IN"
            " (SELECT id FROM participants)",
        ),
    )


def today(now: datetime) -> date:
    """The date in the room (Dutch teams): a due date of today is not yet past."""
    return now.astimezone(LOCAL_TZ).date()


ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not ISO_DATE.match(value.strip()):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class DueDate:
    """A schema field: a date YYYY-MM-DD (whether it is past is checked with ctx.now)."""

    required: bool = True

    def check(self, name: str, value: Any) -> str | None:
        if value in (None, "") and not self.required:
            return None
        if value in (None, ""):
            raise _field(name, _l("Give a date by which it is done."))
        parsed = parse_date(value)
        if parsed is None:
            raise _field(name, _l("Give a date as year-month-day."))
        return parsed.isoformat()


def _field(name: str, message: Any) -> ActionError:
    err = ActionError("invalid", message)
    err.field = name  # type: ignore[attr-defined]
    return err


def check_not_past(due: str, now: datetime) -> None:
    if date.fromisoformat(due) < today(now):
        raise _field("due_date", _l("The date is in the past: choose today or later."))


def is_overdue(row: dict[str, Any], now: datetime) -> bool:
    return row["status"] in ACTIVE and date.fromisoformat(row["due_date"]) < today(now)


# --- reading -------------------------------------------------------------------------


def people_of(q: Any, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    for row in q.all(
        f"SELECT * FROM agreement_people WHERE agreement_id IN ({marks})"
        " ORDER BY role DESC, name",
        tuple(ids),
    ):
        out[row["agreement_id"]].append(row)
    return out


def with_people(q: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    people = people_of(q, [r["id"] for r in rows])
    for row in rows:
        row["people"] = people[row["id"]]
        row["with_names"] = [p["name"] for p in row["people"] if p["role"] == "with"]
    return rows


def of_workshop(q: Any, workshop_id: int, visible_only: bool = False) -> list[dict[str, Any]]:
    """Agreements made in a workshop, merged ones left out (they live on in another)."""
    extra = " AND manager_visible = 1" if visible_only else ""
    rows = q.all(
        "SELECT * FROM agreements WHERE workshop_id = ? AND merged_into IS NULL"
        f"{extra} ORDER BY id",
        (workshop_id,),
    )
    return with_people(q, rows)


def get(q: Any, agreement_id: int) -> dict[str, Any] | None:
    row = q.one("SELECT * FROM agreements WHERE id = ?", (agreement_id,))
    return with_people(q, [row])[0] if row else None


def history(q: Any, agreement_id: int) -> list[dict[str, Any]]:
    return q.all(
        "SELECT * FROM agreement_history WHERE agreement_id = ? ORDER BY id", (agreement_id,)
    )


def last_notes(q: Any, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = q.all(
        "SELECT agreement_id, note FROM agreement_history WHERE id IN (SELECT MAX(id)"
        f" FROM agreement_history WHERE note != '' AND agreement_id IN ({marks})"
        " GROUP BY agreement_id)",
        tuple(ids),
    )
    return {r["agreement_id"]: r["note"] for r in rows}


def public(row: dict[str, Any], now: datetime) -> dict[str, Any]:
    """What a screen in the room shows of an agreement (it was made in the open)."""
    return {
        "id": row["id"],
        "owner": row["owner_name"],
        "owner_id": row["owner_participant_id"],
        "what": row["what"],
        "with": row["with_names"],
        "with_ids": [p["participant_id"] for p in row["people"] if p["role"] == "with"],
        "due_date": row["due_date"],
        "check_how": row["check_how"],
        "status": row["status"],
        "status_label": str(STATUS_LABELS[row["status"]]),
        "overdue": is_overdue(row, now),
        "manager_visible": bool(row["manager_visible"]),
        "people": [
            {
                "id": p["participant_id"],
                "name": p["name"],
                "answer": p["answer"],
                "reason": p["reason"] if p["answer"] == "declined" else None,
            }
            for p in row["people"]
        ],
        "confirmed": sum(1 for p in row["people"] if p["answer"] == "confirmed"),
    }


# --- writing ----------------------------------------------------------------------------


def add_history(
    q: Any,
    agreement_id: int,
    from_status: str | None,
    status: str,
    note: str,
    actor: str,
    at: str,
    user_id: int | None = None,
    workshop_id: int | None = None,
) -> None:
    q.execute(
        "INSERT INTO agreement_history (agreement_id, from_status, status, note, actor,"
        " user_id, workshop_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (agreement_id, from_status, status, note or "", actor, user_id, workshop_id, at),
    )


def set_status(
    q: Any,
    row: dict[str, Any],
    status: str,
    note: str,
    actor: str,
    at: str,
    user_id: int | None = None,
    workshop_id: int | None = None,
) -> None:
    if status not in STATUSES:
        raise ActionError("invalid", _l("That is not one of the choices."))
    q.execute(
        "UPDATE agreements SET status = ?, updated_at = ? WHERE id = ?", (status, at, row["id"])
    )
    add_history(q, row["id"], row["status"], status, note, actor, at, user_id, workshop_id)
    row["status"] = status


def set_people(
    q: Any, agreement_id: int, owner: dict[str, Any] | None, others: list[dict[str, Any]]
) -> None:
    """Name the people who must confirm; every earlier answer is forgotten."""
    q.execute("DELETE FROM agreement_people WHERE agreement_id = ?", (agreement_id,))
    seen: set[int] = set()
    for person, role in [(owner, "owner")] + [(p, "with") for p in others]:
        if person is None or person["id"] in seen:
            continue
        seen.add(person["id"])
        q.execute(
            "INSERT INTO agreement_people (agreement_id, participant_id, name, role)"
            " VALUES (?, ?, ?, ?)",
            (agreement_id, person["id"], person["name"] or "", role),  # anonymous: no name
        )


def create(
    q: Any,
    workshop: dict[str, Any],
    fields: dict[str, Any],
    owner: dict[str, Any] | None,
    others: list[dict[str, Any]],
    actor: str,
    at: str,
    item_id: int | None = None,
    proposed_by: int | None = None,
    source: str = "workshop",
) -> int:
    """A new proposed agreement with its named people; returns its id.

    `fields`: owner_name, what, due_date, check_how, manager_visible. Intervision
    modules pass source="intervision" and manager_visible=False for personal ones.
    """
    cur = q.execute(
        "INSERT INTO agreements (workshop_id, team_id, item_id, source, owner_participant_id,"
        " owner_name, what, due_date, check_how, status, manager_visible, proposed_by,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?, ?, ?)",
        (
            workshop["id"],
            workshop["team_id"],
            item_id,
            source,
            owner["id"] if owner else None,
            fields["owner_name"],
            fields["what"],
            fields["due_date"],
            fields.get("check_how") or "",
            int(bool(fields.get("manager_visible", True))),
            proposed_by,
            at,
            at,
        ),
    )
    agreement_id = cur.lastrowid
    set_people(q, agreement_id, owner, others)
    add_history(q, agreement_id, None, "proposed", "", actor, at, workshop_id=workshop["id"])
    return agreement_id


def answer(
    q: Any, row: dict[str, Any], participant_id: int, yes: bool, reason: str, actor: str, at: str
) -> None:
    """A named participant confirms or declines; the status follows the answers."""
    q.execute(
        "UPDATE agreement_people SET answer = ?, reason = ?, answered_at = ?"
        " WHERE agreement_id = ? AND participant_id = ?",
        ("confirmed" if yes else "declined", None if yes else reason, at, row["id"],
         participant_id),
    )
    answers = [
        r["answer"]
        for r in q.all("SELECT answer FROM agreement_people WHERE agreement_id = ?", (row["id"],))
    ]
    if not yes:
        set_status(q, row, "declined", reason, actor, at, workshop_id=row["workshop_id"])
    elif all(a == "confirmed" for a in answers):
        set_status(q, row, "agreed", "", actor, at, workshop_id=row["workshop_id"])
    else:
        q.execute("UPDATE agreements SET updated_at = ? WHERE id = ?", (at, row["id"]))


def actor_name(ctx: Any) -> str:
    """The name the history shows for who acted: a participant's name ("Anonymous"
    without one) or a user's name or e-mail address."""
    if ctx.actor.participant_id is not None:
        row = ctx.one("SELECT name FROM participants WHERE id = ?", (ctx.actor.participant_id,))
        return (row and row["name"]) or str(_l("Anonymous"))
    row = ctx.one("SELECT name, email FROM users WHERE id = ?", (ctx.actor.user_id,))
    return (row and (row["name"] or row["email"])) or "?"
