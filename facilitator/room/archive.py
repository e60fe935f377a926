"""Workshops over time: the facilitator's list with its search and filters, archiving
(the `workshop.archive` and `workshop.unarchive` actions) and deleting.

The rule for deleting: everything typed in the workshop goes (agenda, participants and
their names, dilemmas, votes, feedback, intervision content, the event log). What a
manager still follows up stays: the agreements of a team workshop that managers may see,
with their history and the names of the people in them. The workshop then remains as a
row without content that nobody can open, join or list; it only gives those agreements
their title and date. A workshop without such agreements is deleted entirely.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from facilitator.db import Store, iso, utcnow
from facilitator.errors import ActionError
from facilitator.folding import contains
from facilitator.live.actions import FACILITATOR, ActionSet, Context

actions = ActionSet()

STATUS_FILTERS = ("draft", "open", "closed", "archived")
QUERY_MAX = 100

# Agreements that outlive a deleted workshop: what a team's manager may see.
KEPT = "team_id IS NOT NULL AND manager_visible = 1 AND merged_into IS NULL"


# --- the list -----------------------------------------------------------------------------


@dataclass
class ListFilters:
    query: str = ""
    status: str = ""  # "" = every status except archived
    team: int | None = None
    programme: int | None = None  # 0: in no programme
    date_from: date | None = None
    date_to: date | None = None
    errors: dict[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return bool(self.query or self.status or self.team or self.date_from or self.date_to
                    or self.programme is not None)


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def parse_filters(args: Any, team_ids: set[int],
                  programme_ids: set[int] = frozenset()) -> ListFilters:  # type: ignore[assignment]
    """The list's filters from the query string; a wrong value is named in `errors`
    (translated) and left out, so the page still shows the list."""
    def get(key: str) -> str:
        return str(args.get(key, "")).strip()

    f = ListFilters(query=get("q")[:QUERY_MAX])
    status = get("status")
    if status in STATUS_FILTERS:
        f.status = status
    elif status:
        f.errors["status"] = _l("That is not one of the choices.")
    team = get("team")
    if team.isdigit() and int(team) in team_ids:
        f.team = int(team)
    elif team:
        f.errors["team"] = _l("That is not one of the choices.")
    programme = get("programme")
    if programme.isdigit() and (int(programme) in programme_ids or programme == "0"):
        f.programme = int(programme)
    elif programme:
        f.errors["programme"] = _l("That is not one of the choices.")
    for key, attr in (("from", "date_from"), ("to", "date_to")):
        raw = get(key)
        if raw and _date(raw) is None:
            f.errors[key] = _l("Give a date as year-month-day.")
        setattr(f, attr, _date(raw) if raw else None)
    return f


def local_day(moment: str, zone: ZoneInfo) -> date:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")).astimezone(zone).date()


def workshops_of(store: Store, owner_id: int, f: ListFilters, zone: ZoneInfo
                 ) -> list[dict[str, Any]]:
    """The owner's workshops (never deleted ones), newest first, filtered. The search
    looks in the title and the code, accents and case aside; dates are the day the
    workshop was made, in the organisation's time zone."""
    rows = [
        dict(r)
        for r in store.all(
            "SELECT w.*, t.name AS team_name, pr.name AS programme_name,"
            " (SELECT COUNT(*) FROM participants p WHERE p.workshop_id = w.id) AS joined"
            " FROM workshops w LEFT JOIN teams t ON t.id = w.team_id"
            " LEFT JOIN programmes pr ON pr.id = w.programme_id"
            " WHERE w.owner_id = ? AND w.deleted_at IS NULL ORDER BY w.created_at DESC",
            (owner_id,),
        )
    ]
    out = []
    for row in rows:
        row["day"] = local_day(row["created_at"], zone)
        if f.status == "archived":
            if row["archived_at"] is None:
                continue
        elif row["archived_at"] is not None or (f.status and row["status"] != f.status):
            continue
        if f.team is not None and row["team_id"] != f.team:
            continue
        if f.programme is not None and (row["programme_id"] or 0) != f.programme:
            continue
        if f.date_from and row["day"] < f.date_from:
            continue
        if f.date_to and row["day"] > f.date_to:
            continue
        if f.query and not (contains(row["title"], f.query) or contains(row["code"], f.query)):
            continue
        out.append(row)
    return out


def teams_in_list(store: Store, owner_id: int) -> list[dict[str, Any]]:
    """The teams the owner made workshops for: the list's team filter."""
    return [dict(r) for r in store.all(
        "SELECT DISTINCT t.id, t.name FROM teams t JOIN workshops w ON w.team_id = t.id"
        " WHERE w.owner_id = ? AND w.deleted_at IS NULL ORDER BY lower(t.name)", (owner_id,))]


def archived_count(store: Store, owner_id: int) -> int:
    return store.scalar(
        "SELECT COUNT(*) FROM workshops WHERE owner_id = ? AND archived_at IS NOT NULL"
        " AND deleted_at IS NULL",
        (owner_id,),
    )


# --- archiving: actions, as every change to a workshop ------------------------------------


@actions("workshop.archive", roles=(FACILITATOR,), any_status=True)
def archive(ctx: Context, data: dict[str, Any]) -> None:
    if ctx.workshop["status"] == "open":
        raise ActionError("open", _l("Close the workshop before you archive it."))
    ctx.execute("UPDATE workshops SET archived_at = ? WHERE id = ?",
                (ctx.now_iso, ctx.workshop["id"]))
    ctx.changes.control = True


@actions("workshop.unarchive", roles=(FACILITATOR,), any_status=True)
def unarchive(ctx: Context, data: dict[str, Any]) -> None:
    ctx.execute("UPDATE workshops SET archived_at = NULL WHERE id = ?", (ctx.workshop["id"],))
    ctx.changes.control = True


# --- deleting -----------------------------------------------------------------------------


def what_goes(store: Store, workshop_id: int) -> dict[str, int]:
    """What the confirmation page counts: what is deleted and what is kept."""
    def one(sql: str) -> int:
        return store.scalar(sql, (workshop_id,))

    return {
        "participants": one("SELECT COUNT(*) FROM participants WHERE workshop_id = ?"),
        "agenda_items": one("SELECT COUNT(*) FROM agenda_items WHERE workshop_id = ?"),
        "agreements_deleted": one(
            f"SELECT COUNT(*) FROM agreements WHERE workshop_id = ? AND NOT ({KEPT})"
            " AND merged_into IS NULL"),
        "agreements_kept": one(f"SELECT COUNT(*) FROM agreements WHERE workshop_id = ?"
                               f" AND {KEPT}"),
    }


def _tables_of_workshops(db: Any) -> list[tuple[str, str]]:
    """(table, column) of every table that names a workshop, the activities' included:
    a new activity's tables are deleted without this module knowing them."""
    names = [r[0] for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return [
        (table, fk[3])
        for table in names
        for fk in db.execute(f"PRAGMA foreign_key_list({table})").fetchall()
        if fk[2] == "workshops" and table not in ("agreements", "participants")
    ]


def delete_workshop(store: Store, workshop_id: int) -> int:
    """Delete the workshop by the rule above; returns how many agreements were kept.

    Not an action: it removes the workshop's event log, which an action would write to.
    Refused (ValueError) while the workshop is open: phones may still be typing."""
    now = iso(utcnow())
    store.forget(workshop_id)  # its roster and dilemmas kept for the control page
    with store.write() as db:
        row = db.execute("SELECT status FROM workshops WHERE id = ? AND deleted_at IS NULL",
                         (workshop_id,)).fetchone()
        if row is None:
            raise LookupError("no such workshop")
        if row["status"] == "open":
            raise ValueError("close the workshop first")
        kept = [r[0] for r in db.execute(
            f"SELECT id FROM agreements WHERE workshop_id = ? AND {KEPT}", (workshop_id,))]
        if not kept:
            db.execute("UPDATE agreements SET merged_into = NULL WHERE merged_into IN"
                       " (SELECT id FROM agreements WHERE workshop_id = ?)", (workshop_id,))
            db.execute("DELETE FROM workshops WHERE id = ?", (workshop_id,))  # cascades
            return 0
        marks = ",".join("?" * len(kept))
        for table, column in _tables_of_workshops(db):
            db.execute(f"DELETE FROM {table} WHERE {column} = ?", (workshop_id,))
        gone = f"workshop_id = ? AND id NOT IN ({marks})"
        db.execute(f"UPDATE agreements SET merged_into = NULL WHERE merged_into IN"
                   f" (SELECT id FROM agreements WHERE {gone})", (workshop_id, *kept))
        db.execute(f"DELETE FROM agreements WHERE {gone}", (workshop_id, *kept))
        db.execute(f"UPDATE agreements SET item_id = NULL WHERE id IN ({marks})", kept)
        # The people named in a kept agreement stay by name only: their phone's token
        # is replaced, so no cookie opens anything any more.
        named = (f"SELECT participant_id FROM agreement_people WHERE agreement_id IN ({marks})"
                 f" UNION SELECT owner_participant_id FROM agreements WHERE id IN ({marks})"
                 " AND owner_participant_id IS NOT NULL")
        db.execute(f"DELETE FROM participants WHERE workshop_id = ? AND id NOT IN ({named})",
                   (workshop_id, *kept, *kept))
        for (pid,) in db.execute("SELECT id FROM participants WHERE workshop_id = ?",
                                 (workshop_id,)).fetchall():
            db.execute("UPDATE participants SET token_hash = ? WHERE id = ?",
                       ("deleted:" + secrets.token_hex(16), pid))
        # The row stays for the agreements' title and date; no code or board link
        # reaches it (a code is letters and digits only), nothing lists it.
        db.execute(
            "UPDATE workshops SET code = ?, board_token = ?, status = 'closed',"
            " closed_at = COALESCE(closed_at, ?), current_item_id = NULL, timer = '{}',"
            " settings = '{}', locked = 1, deleted_at = ? WHERE id = ?",
            ("~" + secrets.token_hex(7), secrets.token_urlsafe(24), now, now, workshop_id),
        )
        return len(kept)
