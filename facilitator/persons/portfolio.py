"""What a person's own page shows (issue 19.5's person part, issue 20.4): every workshop
they joined with their personal link, the intervision meetings they attended, their
agreements and takeaways, their development goals, their 360 results and their maturity
self-ratings. Read only through the person's own link; nothing of anyone else's.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from flask_babel import gettext as _

from facilitator.activities.feedback360 import results as feedback360_results
from facilitator.activities.maturity import store as maturity_store
from facilitator.agreements.store import STATUS_LABELS
from facilitator.programmes import attendance as programme_attendance

GOAL_MAX = 500
GOALS_MAX = 30


def maturity_self_ratings(q: Any, person_id: int, lang: str) -> list[dict[str, Any]]:
    """This person's own maturity self-ratings, per scan, oldest first (never their
    ratings of the team, never anyone else's: activities/maturity/store.py)."""
    out = []
    for p in q.all("SELECT p.id, p.workshop_id, w.title, w.created_at FROM participants p"
                   " JOIN workshops w ON w.id = p.workshop_id WHERE p.person_id = ?"
                   " ORDER BY w.created_at, w.id", (person_id,)):
        for scan in maturity_store.self_ratings(q, p["workshop_id"], p["id"]):
            out.append({"workshop": p["title"], "date": p["created_at"][:10],
                        "title": scan["title"], "statements": [
                            {"text": s["text"].get(lang) or s["text"].get("nl", ""),
                             "value": s["value"]} for s in scan["statements"]]})
    return out


def _participant_ids(q: Any, person_id: int) -> list[int]:
    return [r["id"] for r in q.all("SELECT id FROM participants WHERE person_id = ?",
                                   (person_id,))]


def workshops(q: Any, person_id: int) -> list[dict[str, Any]]:
    return q.all(
        "SELECT w.title, w.created_at AS date, COALESCE(NULLIF(u.name, ''), u.email)"
        " AS facilitator, p.name AS my_name FROM participants p"
        " JOIN workshops w ON w.id = p.workshop_id JOIN users u ON u.id = w.owner_id"
        " WHERE p.person_id = ? ORDER BY w.created_at, w.id",
        (person_id,),
    )


def attendance(q: Any, person_id: int, lang: str) -> list[dict[str, Any]]:
    """The intervision meetings this person attended, across their workshops: date,
    method, planned duration, role, facilitator. No content; kept past retention
    (facilitator/programmes/attendance.py)."""
    meetings = programme_attendance.attendance(q, _participant_ids(q, person_id))
    return [{"date": m.met_at[:10], "workshop": m.workshop, "method": m.method_title(lang),
             "minutes": m.minutes, "role": m.role, "role_label": m.role_label,
             "facilitator": m.facilitator} for m in meetings]


def attendance_csv(rows: list[dict[str, Any]]) -> str:
    # Semicolons: Excel with Dutch settings opens it as columns (like the report's CSV).
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([_("Date"), _("Workshop"), _("Method"), _("Duration (minutes)"),
                     _("Role"), _("Facilitator")])
    for r in rows:
        writer.writerow([r["date"], r["workshop"], r["method"], r["minutes"],
                         r["role_label"], r["facilitator"]])
    return "\ufeff" + out.getvalue()


def agreements(q: Any, person_id: int) -> list[dict[str, Any]]:
    """Agreements this person owns or takes part in (not merged away)."""
    ids = _participant_ids(q, person_id)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    rows = q.all(
        f"SELECT DISTINCT a.id, a.what, a.due_date, a.status, w.title AS workshop"
        f" FROM agreements a JOIN workshops w ON w.id = a.workshop_id"
        f" LEFT JOIN agreement_people ap ON ap.agreement_id = a.id"
        f" WHERE a.merged_into IS NULL AND (a.owner_participant_id IN ({marks})"
        f" OR ap.participant_id IN ({marks})) ORDER BY a.due_date, a.id",
        (*ids, *ids),
    )
    return [{**r, "status_label": str(STATUS_LABELS.get(r["status"], r["status"]))}
            for r in rows]


def takeaways(q: Any, person_id: int) -> list[dict[str, Any]]:
    ids = _participant_ids(q, person_id)
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return q.all(
        f"SELECT t.text, t.created_at AS date, w.title AS workshop"
        f" FROM intervision_takeaways t JOIN workshops w ON w.id = t.workshop_id"
        f" WHERE t.participant_id IN ({marks}) ORDER BY t.created_at, t.id",
        tuple(ids),
    )


def goals(q: Any, person_id: int) -> list[dict[str, Any]]:
    return q.all("SELECT id, text, created_at, updated_at FROM person_goals"
                 " WHERE person_id = ? ORDER BY id", (person_id,))


def check_goal(text: Any) -> tuple[str, str | None]:
    """The cleaned goal and an error message, or None."""
    text = text.strip() if isinstance(text, str) else ""
    if not text:
        return text, _("Write your goal first.")
    if len(text) > GOAL_MAX:
        return text, _("Too long: at most %(max)s characters.", max=GOAL_MAX)
    return text, None


def add_goal(store: Any, person_id: int, text: str, now_iso: str) -> str | None:
    with store.write() as db:
        count = db.execute("SELECT COUNT(*) FROM person_goals WHERE person_id = ?",
                           (person_id,)).fetchone()[0]
        if count >= GOALS_MAX:
            return _("At most %(max)s items.", max=GOALS_MAX)
        db.execute("INSERT INTO person_goals (person_id, text, created_at, updated_at)"
                   " VALUES (?, ?, ?, ?)", (person_id, text, now_iso, now_iso))
    return None


def edit_goal(store: Any, person_id: int, goal_id: int, text: str, now_iso: str) -> bool:
    with store.write() as db:
        cur = db.execute("UPDATE person_goals SET text = ?, updated_at = ?"
                         " WHERE id = ? AND person_id = ?", (text, now_iso, goal_id, person_id))
        return cur.rowcount > 0


def remove_goal(store: Any, person_id: int, goal_id: int) -> bool:
    with store.write() as db:
        cur = db.execute("DELETE FROM person_goals WHERE id = ? AND person_id = ?",
                         (goal_id, person_id))
        return cur.rowcount > 0


def portfolio(q: Any, person: dict[str, Any], lang: str, minimum: int) -> dict[str, Any]:
    """Everything the person's page shows, computed for this person only."""
    person_id = person["id"]
    return {
        "workshops": workshops(q, person_id),
        "attendance": attendance(q, person_id, lang),
        "agreements": agreements(q, person_id),
        "takeaways": takeaways(q, person_id),
        "goals": goals(q, person_id),
        "feedback360": feedback360_results.rounds_of_person(q, person_id, lang, minimum),
        "maturity": maturity_self_ratings(q, person_id, lang),
    }


def summary_text(data: dict[str, Any]) -> str:
    """A plain-text summary the person may share with their manager: goals, agreements,
    takeaways, attendance and 360 results (already merged to groups of at least the
    minimum). Only what they choose to send."""
    lines = [_("My professional portfolio"), ""]

    def section(title: str, items: list[str]) -> None:
        if items:
            lines.extend([title, "-" * len(title), *items, ""])

    section(_("My development goals"), [f"- {g['text']}" for g in data["goals"]])
    section(_("My agreements"), [f"- {a['what']} ({a['due_date']}, {a['workshop']})"
                                 for a in data["agreements"]])
    section(_("My takeaways"), [f"- {t['text']} ({t['workshop']})" for t in data["takeaways"]])
    section(_("Intervision attended"), [
        f"- {r['date']} · {r['method']} · {r['minutes']} min · {r['role_label']}"
        f" · {r['facilitator']}" for r in data["attendance"]])
    for rnd in data["feedback360"]:
        items = []
        for group in rnd["groups"]:
            items.append(f"{group['label']} ({group['count']})")
            items.extend(f"- {q['text']}: {q['mean_text']}" for q in group["scales"])
            items.extend(f"- {q['label']}: {a}" for q in group["texts"] for a in q["answers"])
        section(f"360 · {rnd['workshop']} · {rnd['date']}", items)
    return "\n".join(lines).rstrip() + "\n"
