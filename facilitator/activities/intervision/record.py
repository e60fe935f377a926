"""Each person's own record of their intervision rounds (issue 19, point 4).

Before retention deletes a group's content, a participant downloads from their phone
what is theirs: as case-holder the case, the questions they received with their
ratings, the advice they marked, their notes, their check-in and their takeaway; as
member their own notes, insights and check-in. Built once here (`build`), rendered as
UTF-8 text (`as_text`) and as a printable page (templates/record.html).

What is in it is chosen row by row for this one participant: never another member's
private notes or drafts, never who asked which question.
"""

from __future__ import annotations

from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from facilitator.activities.intervision import methods as method_library
from facilitator.activities.intervision import store as st
from facilitator.activities.intervision.views import visible_to
from facilitator.db import Store, parse_iso

RATINGS = ("cold", "lukewarm", "warm")


def _rating(value: str | None) -> str | None:
    return {"cold": _("cold"), "lukewarm": _("lukewarm"), "warm": _("warm")}.get(value or "")


def _role(role: str) -> str:
    return {
        "case_holder": _("Case-holder"),
        "process_guide": _("Process guide"),
        "note_taker": _("Note-taker"),
    }.get(role, _("Member"))


def build(store: Store, workshop: dict[str, Any], participant: dict[str, Any]) -> dict | None:
    """The participant's record, or None when they have none (never in a group, or
    retention deleted the groups: the record goes with the content)."""
    pid = participant["id"]
    rows = store.all(
        "SELECT m.group_id, m.visible_from, i.title AS item_title, i.position"
        " FROM intervision_members m JOIN intervision_groups g ON g.id = m.group_id"
        " JOIN agenda_items i ON i.id = g.item_id"
        " WHERE m.participant_id = ? AND g.workshop_id = ? ORDER BY i.position, g.number",
        (pid, workshop["id"]),
    )
    if not rows:
        return None
    lang = workshop["language"]
    groups = []
    for row in rows:
        group = st.group_row(store, row["group_id"])
        groups.append(_group(store, group, pid, lang, row["item_title"], row["visible_from"]))
    when = workshop.get("closed_at") or workshop["created_at"]
    return {
        "title": workshop["title"],
        "code": workshop["code"],
        "date": format_date(parse_iso(when).date(), "long"),
        "name": participant["name"] or _("Anonymous"),
        "groups": groups,
    }


def _group(
    store: Store, group: dict[str, Any], pid: int, lang: str, item_title: str,
    since: str | None,
) -> dict[str, Any]:
    role = st.role_of(group, pid)
    holder = role == "case_holder"
    contributions = store.all(
        "SELECT * FROM intervision_contributions WHERE group_id = ? ORDER BY id", (group["id"],)
    )
    # What this participant saw in the group (a latecomer: from the moment they came).
    seen = [
        c for c in contributions
        if visible_to(c, pid, group) and (since is None or c["created_at"] > since)
    ]
    own = [c for c in contributions if c["author_id"] == pid]
    note = store.one(
        "SELECT text FROM intervision_notes WHERE group_id = ? AND participant_id = ?",
        (group["id"], pid),
    )
    out: dict[str, Any] = {
        "item": item_title,
        "number": group["number"],
        "method": method_library.text(group["method"]["title"], lang),
        "role": _role(role),
        "case_holder": holder,
        "checkin": [c["text"] for c in own if c["kind"] == "checkin"],
        "insights": [c["text"] for c in own if c["kind"] == "insight"],
        "notes": (note["text"] if note else "").strip(),
        "case": None,
        "questions": [],
        "advice": [],
        "takeaway": None,
    }
    if holder:
        case = next((c for c in contributions if c["id"] == group["case_id"]), None)
        out["case"] = case["text"] if case else None
        out["questions"] = [
            {"text": c["text"], "rating": _rating(c["rating"])}
            for c in seen if c["kind"] == "question"
        ]
        out["advice"] = [c["text"] for c in seen if c["kind"] == "advice" and c["appeals"]]
        takeaway = store.one(
            "SELECT t.text, t.kept, a.due_date FROM intervision_takeaways t"
            " LEFT JOIN agreements a ON a.id = t.agreement_id AND t.kept = 1"
            " WHERE t.group_id = ? AND t.participant_id = ?",
            (group["id"], pid),
        )
        if takeaway:
            due = takeaway["due_date"]
            out["takeaway"] = {
                "text": takeaway["text"],
                "due": format_date(parse_iso(due + "T00:00:00+00:00").date(), "long")
                if due else None,
                "kept": bool(takeaway["kept"]),
            }
    return out


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else "" for line in text.strip().splitlines())


def as_text(record: dict[str, Any]) -> str:
    """The record as a UTF-8 text file, readable in any editor and on any phone."""
    lines = [
        _("My record: %(title)s", title=record["title"]),
        f"{record['date']} · {record['name']}",
        _("Only for you: what the group said stays in the group."),
        "",
    ]
    for g in record["groups"]:
        heading = f"{g['item']} · {_('Group %(n)s', n=g['number'])} · {g['method']}"
        lines += [heading, "=" * min(len(heading), 72), f"{_('Your role')}: {g['role']}", ""]
        for title, body in _parts(g):
            lines += [title, body, ""]
    return "\n".join(lines).rstrip() + "\n"


def _parts(g: dict[str, Any]) -> list[tuple[str, str]]:
    """The record's parts of one group as (title, indented text), empty ones left out."""
    parts: list[tuple[str, str]] = []
    if g["checkin"]:
        parts.append((_("Check-in: how it went"), "\n".join(_indent(t) for t in g["checkin"])))
    if g["case"]:
        parts.append((_("The case"), _indent(g["case"])))
    if g["questions"]:
        items = [
            f"  - {q['text'].strip()}" + (f" ({q['rating']})" if q["rating"] else "")
            for q in g["questions"]
        ]
        parts.append((_("Questions you received"), "\n".join(items)))
    if g["advice"]:
        parts.append((_("Advice that appealed to you"),
                      "\n".join(f"  - {a.strip()}" for a in g["advice"])))
    if g["insights"]:
        parts.append((_("Your insights"), "\n".join(f"  - {i.strip()}" for i in g["insights"])))
    if g["takeaway"]:
        body = _indent(g["takeaway"]["text"])
        if g["takeaway"]["due"]:
            body += "\n  " + _("Check by: %(date)s", date=g["takeaway"]["due"])
        parts.append((_("What I will do"), body))
    if g["notes"]:
        parts.append((_("My private notes"), _indent(g["notes"])))
    return parts
