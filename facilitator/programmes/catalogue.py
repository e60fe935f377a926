"""A facilitator's programmes: checking the form, making and changing one, listing them,
and the workshops in one (in date order). Which workshop is in which programme changes
through the `workshop.programme` action (membership.py), like every change to a workshop.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from facilitator.db import Store, iso, utcnow

NAME_MAX = 120
ORGANISATION_MAX = 120
DESCRIPTION_MAX = 2000
FIELDS = ("name", "organisation", "team_id", "description", "starts_on", "ends_on")


def _date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        return None


def check(form: Any, team_ids: set[int]) -> tuple[dict[str, Any], dict[str, str]]:
    """The programme form's fields cleaned, and per field what is wrong (translated)."""
    def get(key: str) -> str:
        value = form.get(key, "")
        return value.strip() if isinstance(value, str) else ""

    errors: dict[str, str] = {}
    name = " ".join(get("name").split())
    if not name:
        errors["name"] = _("Give the programme a name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Too long: at most %(max)s characters.", max=NAME_MAX)
    organisation = " ".join(get("organisation").split())
    if len(organisation) > ORGANISATION_MAX:
        errors["organisation"] = _("Too long: at most %(max)s characters.",
                                   max=ORGANISATION_MAX)
    description = get("description")
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = _("Too long: at most %(max)s characters.",
                                  max=DESCRIPTION_MAX)
    team = get("team")
    team_id = int(team) if team.isdigit() else None
    if team and team_id not in team_ids:
        errors["team"] = _("That is not one of the choices.")
    days: dict[str, date | None] = {}
    for key in ("starts_on", "ends_on"):
        raw = get(key)
        days[key] = _date(raw) if raw else None
        if raw and days[key] is None:
            errors[key] = _("Give a date as year-month-day.")
    if days["starts_on"] and days["ends_on"] and days["ends_on"] < days["starts_on"]:
        errors["ends_on"] = _("The end comes before the start.")
    fields = {"name": name, "organisation": organisation, "team_id": team_id,
              "description": description,
              "starts_on": days["starts_on"].isoformat() if days["starts_on"] else None,
              "ends_on": days["ends_on"].isoformat() if days["ends_on"] else None}
    return fields, errors


def create(store: Store, owner_id: int, fields: dict[str, Any]) -> int:
    cur = store.run(
        "INSERT INTO programmes (owner_id, team_id, name, organisation, description,"
        " starts_on, ends_on, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (owner_id, fields["team_id"], fields["name"], fields["organisation"],
         fields["description"], fields["starts_on"], fields["ends_on"], iso(utcnow())))
    return int(cur.lastrowid)


def update(store: Store, programme_id: int, fields: dict[str, Any]) -> None:
    store.run(
        "UPDATE programmes SET team_id = ?, name = ?, organisation = ?, description = ?,"
        " starts_on = ?, ends_on = ? WHERE id = ?",
        (*(fields[k] for k in ("team_id", "name", "organisation", "description",
                               "starts_on", "ends_on")), programme_id))


def set_archived(store: Store, programme_id: int, archived: bool) -> None:
    """Archive a programme, or take it out of the archive. Archived, it leaves the
    owner's list of current programmes, the choices of where a workshop goes, and its
    team's managers' review page; its page, report and attendance stay as they were,
    and so do its workshops and the personal links made in it."""
    store.run("UPDATE programmes SET archived_at = ? WHERE id = ?",
              (iso(utcnow()) if archived else None, programme_id))


def get(store: Store, programme_id: int) -> dict[str, Any] | None:
    row = store.one(
        "SELECT p.*, t.name AS team_name, COALESCE(NULLIF(u.name, ''), u.email) AS owner_name"
        " FROM programmes p JOIN users u ON u.id = p.owner_id"
        " LEFT JOIN teams t ON t.id = p.team_id WHERE p.id = ?", (programme_id,))
    return dict(row) if row else None


def of_owner(store: Store, owner_id: int) -> list[dict[str, Any]]:
    """The owner's programmes, archived ones too, newest start first, with how many
    workshops each has."""
    return [dict(r) for r in store.all(
        "SELECT p.*, t.name AS team_name, (SELECT COUNT(*) FROM workshops w"
        " WHERE w.programme_id = p.id AND w.deleted_at IS NULL) AS workshops"
        " FROM programmes p LEFT JOIN teams t ON t.id = p.team_id WHERE p.owner_id = ?"
        " ORDER BY COALESCE(p.starts_on, substr(p.created_at, 1, 10)) DESC, p.id DESC",
        (owner_id,))]


def current(programmes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Those not archived: where a workshop can go."""
    return [p for p in programmes if p["archived_at"] is None]


def workshops_in(store: Store, programme_id: int) -> list[dict[str, Any]]:
    """The programme's workshops in date order (the day each was made), never deleted
    ones, with how many joined."""
    return [dict(r) for r in store.all(
        "SELECT w.*, (SELECT COUNT(*) FROM participants p WHERE p.workshop_id = w.id)"
        " AS joined FROM workshops w WHERE w.programme_id = ? AND w.deleted_at IS NULL"
        " ORDER BY w.created_at, w.id", (programme_id,))]


def others_of_owner(store: Store, owner_id: int, programme_id: int) -> list[dict[str, Any]]:
    """The owner's workshops not in this programme (to add; one in another programme
    moves), newest first, with the name of the programme they are in."""
    return [dict(r) for r in store.all(
        "SELECT w.code, w.title, w.created_at, p.name AS programme_name FROM workshops w"
        " LEFT JOIN programmes p ON p.id = w.programme_id WHERE w.owner_id = ?"
        " AND w.deleted_at IS NULL AND w.programme_id IS NOT ? ORDER BY w.created_at DESC",
        (owner_id, programme_id))]


def of_teams(store: Store, team_ids: list[int]) -> list[dict[str, Any]]:
    """The programmes of these teams (what their managers read), newest first."""
    if not team_ids:
        return []
    marks = ",".join("?" * len(team_ids))
    return [dict(r) for r in store.all(
        "SELECT p.id, p.name, t.name AS team_name FROM programmes p JOIN teams t"
        f" ON t.id = p.team_id WHERE p.team_id IN ({marks}) AND p.archived_at IS NULL"
        " ORDER BY COALESCE(p.starts_on, substr(p.created_at, 1, 10)) DESC, p.id DESC",
        tuple(team_ids))]
