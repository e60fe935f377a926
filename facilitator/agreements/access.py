"""Who may see which agreements after the workshop, with the review filters.

- a manager: the agreements of their teams' workshops that managers may see;
- a facilitator: those of their own workshops (not intervision ones marked personal);
- an admin: every agreement managers may see, and those of their own workshops.

Used by the review pages and the API alike, so both refuse the same things.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from facilitator.agreements import store
from facilitator.auth import User, teams_of
from facilitator.db import Store, utcnow
from facilitator.folding import contains
from facilitator.live.actions import FACILITATOR, MANAGER, Actor, Changes
from facilitator.room.workshops import normalise_code


class AccessError(Exception):
    """A refused request: HTTP status, code and a translated message."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def forbidden() -> AccessError:
    return AccessError(403, "forbidden", _("You may not see this page."))


def missing() -> AccessError:
    return AccessError(404, "not_found", _("That agreement does not exist."))


@dataclass
class Filters:
    team: int | None = None
    workshop: str | None = None
    owner: str | None = None
    status: str | None = None
    overdue: bool = False
    due_from: str | None = None
    due_to: str | None = None
    query: dict[str, str] = field(default_factory=dict)  # as given, for links and forms


def allowed_teams(db: Store, user: User) -> list[dict[str, Any]]:
    teams = teams_of(db, user)
    if user.role == "facilitator":
        known = {t["id"] for t in teams}
        teams += [
            dict(r)
            for r in db.all(
                "SELECT DISTINCT t.* FROM teams t JOIN workshops w ON w.team_id = t.id"
                " WHERE w.owner_id = ? ORDER BY t.name",
                (user.id,),
            )
            if r["id"] not in known
        ]
    return teams


def parse_filters(db: Store, user: User, args: Any) -> Filters:
    """Read filters from query parameters; refuse a team or workshop out of reach."""
    given = {k: str(args.get(k, "")).strip()[:100] for k in
             ("team", "workshop", "owner", "status", "overdue", "due_from", "due_to")}
    f = Filters(query={k: v for k, v in given.items() if v})
    if given["team"]:
        if not given["team"].isdigit():
            raise AccessError(400, "invalid", _("That is not one of the choices."))
        f.team = int(given["team"])
        if f.team not in {t["id"] for t in allowed_teams(db, user)}:
            raise forbidden()
    if given["workshop"]:
        row = db.one("SELECT * FROM workshops WHERE code = ?", (normalise_code(given["workshop"]),))
        if row is None or not _may_see_workshop(db, user, dict(row)):
            raise AccessError(404, "not_found", _("This page does not exist."))
        f.workshop = row["code"]
    if given["status"]:
        if given["status"] not in store.STATUSES:
            raise AccessError(400, "invalid", _("That status does not exist."))
        f.status = given["status"]
    f.owner = given["owner"] or None
    f.overdue = given["overdue"].lower() in ("1", "true", "yes", "on")
    for key in ("due_from", "due_to"):
        if given[key]:
            parsed = store.parse_date(given[key])
            if parsed is None:
                raise AccessError(400, "invalid", _("Give a date as year-month-day."))
            setattr(f, key, parsed.isoformat())
    return f


def _may_see_workshop(db: Store, user: User, workshop: dict[str, Any]) -> bool:
    if user.is_admin or workshop["owner_id"] == user.id:
        return True
    return user.role == "manager" and workshop["team_id"] in {t["id"] for t in
                                                               teams_of(db, user)}


def _scope(db: Store, user: User) -> tuple[str, list[Any]]:
    if user.role == "manager":
        teams = [t["id"] for t in teams_of(db, user)] or [-1]
        marks = ",".join("?" * len(teams))
        return f"a.manager_visible = 1 AND a.team_id IN ({marks})", teams
    own = "(w.owner_id = ? AND (a.manager_visible = 1 OR a.source = 'workshop'))"
    if user.is_admin:
        return f"(a.manager_visible = 1 OR {own})", [user.id]
    return own, [user.id]


def search(db: Store, user: User, f: Filters) -> list[dict[str, Any]]:
    """The agreements this user may see, filtered, soonest due first."""
    scope, params = _scope(db, user)
    where = [scope, "a.merged_into IS NULL"]
    if f.team is not None:
        where.append("a.team_id = ?")
        params.append(f.team)
    if f.workshop:
        where.append("w.code = ?")
        params.append(f.workshop)
    if f.status:
        where.append("a.status = ?")
        params.append(f.status)
    if f.due_from:
        where.append("a.due_date >= ?")
        params.append(f.due_from)
    if f.due_to:
        where.append("a.due_date <= ?")
        params.append(f.due_to)
    now = utcnow()
    if f.overdue:
        marks = ",".join("?" * len(store.ACTIVE))
        where.append(f"a.status IN ({marks}) AND a.due_date < ?")
        params += [*store.ACTIVE, store.today(now).isoformat()]
    rows = [
        dict(r)
        for r in db.all(
            "SELECT a.*, w.code AS workshop_code, w.title AS workshop_title,"
        " w.owner_id AS workshop_owner_id,"
            " w.created_at AS workshop_at, t.name AS team_name FROM agreements a"
            " JOIN workshops w ON w.id = a.workshop_id LEFT JOIN teams t ON t.id = a.team_id"
            f" WHERE {' AND '.join(where)} ORDER BY a.due_date, a.id",
            tuple(params),
        )
    ]
    if f.owner:
        # In Python, not SQL: LIKE ignores case for ASCII only, and never accents.
        rows = [r for r in rows if contains(r["owner_name"], f.owner)]
    return decorate(db, rows)


def decorate(db: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    store.with_people(db, rows)
    notes = store.last_notes(db, [r["id"] for r in rows])
    now = utcnow()
    for row in rows:
        row["overdue"] = store.is_overdue(row, now)
        row["last_note"] = notes.get(row["id"], "")
        row["status_label"] = str(store.STATUS_LABELS[row["status"]])
    return rows


def find(db: Store, user: User, agreement_id: int) -> dict[str, Any]:
    """One agreement this user may see, or 404: another team's looks like nothing."""
    scope, params = _scope(db, user)
    row = db.one(
        "SELECT a.*, w.code AS workshop_code, w.title AS workshop_title,"
        " w.owner_id AS workshop_owner_id,"
        " w.created_at AS workshop_at, t.name AS team_name FROM agreements a"
        " JOIN workshops w ON w.id = a.workshop_id LEFT JOIN teams t ON t.id = a.team_id"
        f" WHERE a.id = ? AND a.merged_into IS NULL AND {scope}",
        (agreement_id, *params),
    )
    if row is None:
        raise missing()
    return decorate(db, [dict(row)])[0]


def change_status(
    db: Store, user: User, agreement_id: int, status: Any, note: Any, pusher: Any = None,
    op_id: str | None = None,
) -> dict[str, Any]:
    """A review after the workshop: new status and a note, kept in the history."""
    row = find(db, user, agreement_id)
    if status not in store.REVIEW_STATUSES:
        raise AccessError(400, "invalid", _("That status does not exist."))
    # Through the one dispatcher, as an action on the agreement's workshop.
    kind = FACILITATOR if user.is_admin or row["workshop_owner_id"] == user.id else MANAGER
    ack = current_app.extensions["facilitator.dispatcher"].dispatch(
        Actor(kind, row["workshop_id"], user_id=user.id),
        {"op": "agreements.review", "op_id": op_id or secrets.token_hex(12),
         "data": {"agreement_id": agreement_id, "status": status, "note": note}},
    )
    if not ack["ok"]:
        code = ack["error"]["code"]
        status_code = {"forbidden": 403, "not_found": 404}.get(code, 400)
        raise AccessError(status_code, code, ack["error"]["message"])
    if pusher is not None:
        # Screens still showing this agreement (its workshop, the team's open ones).
        for r in db.all(
            "SELECT id FROM workshops WHERE id = ? OR (team_id = ? AND status = 'open')",
            (row["workshop_id"], row["team_id"]),
        ):
            pusher.schedule(r["id"], Changes(board=True, control=True, phones=True))
    return find(db, user, agreement_id)


ACTOR_KEY = re.compile(r"^([pu]):(\d+)$")


def history(db: Store, agreement_id: int) -> list[dict[str, Any]]:
    """The agreement's history with people's names as `actor`: older rows (and the
    intervision ones) stored the internal key ("p:12", "u:3") instead of a name."""
    rows = [dict(r) for r in store.history(db, agreement_id)]
    for row in rows:
        found = ACTOR_KEY.match(row["actor"] or "")
        if found:
            row["actor"] = _name_of(db, found.group(1), int(found.group(2)))
    return rows


def _name_of(db: Store, kind: str, ident: int) -> str:
    if kind == "p":
        person = db.one("SELECT name FROM participants WHERE id = ?", (ident,))
        if person is None:
            return _("a participant")
        return person["name"] or _("Anonymous")
    user = db.one("SELECT name, email FROM users WHERE id = ?", (ident,))
    return (user and (user["name"] or user["email"])) or _("a former account")


def as_json(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "team": row["team_name"],
        "team_id": row["team_id"],
        "workshop": {"code": row["workshop_code"], "title": row["workshop_title"],
                     "date": row["workshop_at"][:10]},
        "owner": row["owner_name"],
        "what": row["what"],
        "with": row["with_names"],
        "due_date": row["due_date"],
        "check_how": row["check_how"],
        "status": row["status"],
        "overdue": row["overdue"],
        "last_note": row["last_note"],
        "manager_visible": bool(row["manager_visible"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "confirmations": [{"name": p["name"], "answer": p["answer"]} for p in row["people"]],
    }



def invalid_body_message() -> str:
    return _('Send JSON like {"status": "done", "note": "..."}.')
