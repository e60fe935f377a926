"""Attendance of intervision meetings, for accreditation (issue 19, point 5).

A meeting is one intervision group that started (its first phase ran). Its facts are the
date, the method, its planned duration (the method's minutes), each member's role and
the facilitator: no content. While the group exists they are read from the intervision
tables; retention deletes groups with their content, members and roles, so `keep`
copies the facts to `programme_attendance` first (called by the intervision purge).

`attendance(store, participant_ids)` is the one reader: the facilitator's export per
programme uses it, and so does a person's own list across workshops.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.db import Store

ROLE_LABELS = {
    "case_holder": _l("case-holder"),
    "process_guide": _l("process guide"),
    "note_taker": _l("note-taker"),
    "member": _l("member"),
}

# Every member of every started group, with the role the group's columns give them.
_LIVE = """
    SELECT g.workshop_id, g.item_id, g.number AS group_number, m.participant_id,
           p.person_id, p.name, g.method, g.created_at AS met_at,
           CASE m.participant_id WHEN g.case_holder_id THEN 'case_holder'
                WHEN g.guide_id THEN 'process_guide' WHEN g.note_taker_id THEN 'note_taker'
                ELSE 'member' END AS role
    FROM intervision_groups g
    JOIN intervision_members m ON m.group_id = g.id
    JOIN participants p ON p.id = m.participant_id
    WHERE g.state != 'ready'
"""


@dataclass
class Meeting:
    """One person's attendance of one intervision meeting."""

    participant_id: int | None
    person_id: int | None
    name: str  # as typed when joining; "" when they joined without a name
    workshop_id: int
    item_id: int
    group_number: int
    workshop: str  # the workshop's title
    met_at: str  # ISO date-time the group was formed
    method: dict[str, str]  # the method's title per language
    minutes: int
    role: str  # a key of ROLE_LABELS
    facilitator: str

    def method_title(self, language: str) -> str:
        return self.method.get(language) or next(iter(self.method.values()), "")

    @property
    def meeting(self) -> tuple[int, int]:
        """Which meeting: the agenda item and the group's number in it."""
        return (self.item_id, self.group_number)

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))


def _method_facts(raw: str) -> tuple[dict[str, str], int]:
    """The method's title per language and its planned minutes, from the group's copy."""
    method = json.loads(raw) if raw else {}
    title = method.get("title") or ""
    titles = title if isinstance(title, dict) else {"nl": str(title), "en": str(title)}
    minutes = sum(int(p.get("minutes") or 0) for p in method.get("phases", []))
    return {k: str(v) for k, v in titles.items()}, minutes


def keep(db: Any, workshop_id: int) -> int:
    """Inside the purge's transaction, before the groups go: copy the attendance facts of
    the workshop's started groups. Returns how many rows were written (again: none)."""
    rows = db.execute(_LIVE + " AND g.workshop_id = ?", (workshop_id,)).fetchall()
    written = 0
    for r in rows:
        titles, minutes = _method_facts(r["method"])
        written += db.execute(
            "INSERT OR IGNORE INTO programme_attendance (workshop_id, item_id, group_number,"
            " participant_id, person_id, name, role, method, minutes, met_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (r["workshop_id"], r["item_id"], r["group_number"], r["participant_id"],
             r["person_id"], r["name"], r["role"], json.dumps(titles), minutes, r["met_at"]),
        ).rowcount
    return written


def _workshop_facts(store: Store, workshop_ids: set[int]) -> dict[int, dict[str, Any]]:
    if not workshop_ids:
        return {}
    marks = ",".join("?" * len(workshop_ids))
    rows = store.all(
        "SELECT w.id, w.title, COALESCE(NULLIF(u.name, ''), u.email) AS facilitator"
        f" FROM workshops w JOIN users u ON u.id = w.owner_id WHERE w.id IN ({marks})",
        tuple(workshop_ids))
    return {r["id"]: r for r in rows}


def attendance(store: Store, participant_ids: list[int] | set[int]) -> list[Meeting]:
    """Every intervision meeting these participants attended, oldest first.

    `participant_ids` are rows of `participants` (one per workshop a person joined; a
    person recognised across workshops has several). Facts kept after retention and
    facts of groups that still exist are merged, each meeting once."""
    ids = sorted({int(i) for i in participant_ids})
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    live = store.all(_LIVE + f" AND m.participant_id IN ({marks})", tuple(ids))
    kept = store.all(
        "SELECT a.*, p.person_id AS current_person, p.name AS current_name"
        " FROM programme_attendance a LEFT JOIN participants p ON p.id = a.participant_id"
        f" WHERE a.participant_id IN ({marks})", tuple(ids))
    found: dict[tuple[int, int, int], dict[str, Any]] = {}
    for r in kept:
        titles = json.loads(r["method"] or "{}")
        found[(r["item_id"], r["group_number"], r["participant_id"])] = {
            **r, "person_id": r["current_person"] or r["person_id"],
            "name": r["current_name"] if r["current_name"] is not None else r["name"],
            "titles": titles}
    for r in live:
        titles, minutes = _method_facts(r["method"])
        found.setdefault((r["item_id"], r["group_number"], r["participant_id"]),
                         {**r, "titles": titles, "minutes": minutes})
    workshops = _workshop_facts(store, {r["workshop_id"] for r in found.values()})
    out = [
        Meeting(
            participant_id=r["participant_id"], person_id=r["person_id"],
            name=r["name"] or "", workshop_id=r["workshop_id"], item_id=r["item_id"],
            group_number=r["group_number"],
            workshop=workshops.get(r["workshop_id"], {}).get("title", ""),
            met_at=r["met_at"], method=r["titles"], minutes=int(r["minutes"] or 0),
            role=r["role"],
            facilitator=workshops.get(r["workshop_id"], {}).get("facilitator", "") or "")
        for r in found.values()
    ]
    out.sort(key=lambda m: (m.met_at, m.workshop_id, m.participant_id or 0))
    return out


def everyone(store: Store, programme_id: int) -> list[Meeting]:
    """Every attendance in the programme's workshops, named or not (what it counts)."""
    ids = [r["id"] for r in store.all(
        "SELECT p.id FROM participants p JOIN workshops w ON w.id = p.workshop_id"
        " WHERE w.programme_id = ? AND w.deleted_at IS NULL", (programme_id,))]
    return attendance(store, ids)


def of_programme(store: Store, programme_id: int) -> tuple[list[Meeting], int]:
    """The attendance list of the programme's workshops, by person: ordered by person
    (person_id when recognised, else the name as typed), then by date; and how many
    attendances are left out because someone joined without a name (no accreditation
    without a name)."""
    meetings = everyone(store, programme_id)
    named = [m for m in meetings if m.name or m.person_id is not None]
    return sorted(named, key=lambda m: (person_key(m), m.met_at)), len(meetings) - len(named)


def person_key(m: Meeting) -> tuple[int, str]:
    """One person: the same person_id, or else the same name (case aside); someone
    without a name is only themselves in that workshop."""
    if m.person_id is not None:
        return (0, f"{m.person_id:012d}")
    if m.name:
        return (1, m.name.casefold())
    return (2, f"{m.participant_id or 0:012d}")
