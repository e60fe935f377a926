"""A person's 360 results: per perspective only when at least `minimum` people answered
in it; the smaller perspectives are merged into "others", shown only when that reaches
the minimum too. So no single answer can be traced to one manager or one client. The
minimum is FEEDBACK360_MIN_GROUP, never below three (`minimum`)."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _

from facilitator.activities.feedback360.store import PERSPECTIVES, questions

FLOOR = 3


def minimum() -> int:
    try:
        wanted = int(current_app.config.get("FEEDBACK360_MIN_GROUP", FLOOR))
    except (TypeError, ValueError):
        wanted = FLOOR
    return max(FLOOR, wanted)


def perspective_label(key: str) -> str:
    return {
        "colleague": _("Colleagues"),
        "manager": _("Managers"),
        "client": _("Clients"),
        "partner": _("Partners"),
        "others": _("Others"),
    }[key]


def _group(key: str, answers: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    qs = questions(lang)
    scales = []
    for q in qs["scales"]:
        rated = [a[q["key"]] for a in answers if isinstance(a.get(q["key"]), int)]
        if rated:
            mean = round(sum(rated) / len(rated), 1)
            scales.append({"key": q["key"], "text": q["text"], "count": len(rated),
                           "mean": mean, "mean_text": format_decimal(mean, format="0.0"),
                           "spread": [rated.count(n) for n in range(1, 6)]})
    texts = []
    for q in qs["open"]:
        # Sorted, not in the order given: the order would tell who answered first.
        given = sorted(a[q["key"]] for a in answers if isinstance(a.get(q["key"]), str))
        if given:
            texts.append({"key": q["key"], "label": q["text"], "answers": given})
    return {"key": key, "label": perspective_label(key), "count": len(answers),
            "scales": scales, "texts": texts}


def grouped(rows: list[dict[str, Any]], lang: str, least: int) -> dict[str, Any]:
    """`rows` (perspective, answers JSON) of one person in one round, as the groups that
    may be shown, and how many answers are held back (too few to show)."""
    by: dict[str, list[dict[str, Any]]] = {p: [] for p in PERSPECTIVES}
    for r in rows:
        by.setdefault(r["perspective"], []).append(json.loads(r["answers"]))
    groups = [_group(p, by[p], lang) for p in PERSPECTIVES if len(by[p]) >= least]
    rest = [a for p in PERSPECTIVES if 0 < len(by[p]) < least for a in by[p]]
    if len(rest) >= least:
        groups.append(_group("others", rest, lang))
        held = 0
    else:
        held = len(rest)
    return {"groups": groups, "total": len(rows), "held_back": held, "minimum": least}


def of_subject(q: Any, item_id: int, subject_id: int, lang: str, least: int) -> dict[str, Any]:
    rows = q.all("SELECT perspective, answers FROM feedback360_answers"
                 " WHERE item_id = ? AND subject_id = ?", (item_id, subject_id))
    return grouped(rows, lang, least)


def rounds_of_person(q: Any, person_id: int, lang: str, least: int) -> list[dict[str, Any]]:
    """Every 360 round this person was asked about, oldest first (their portfolio)."""
    rounds = q.all(
        "SELECT DISTINCT a.item_id, a.subject_id, w.title AS workshop, w.created_at AS date"
        " FROM feedback360_answers a JOIN participants p ON p.id = a.subject_id"
        " JOIN workshops w ON w.id = a.workshop_id WHERE p.person_id = ?"
        " ORDER BY w.created_at, a.item_id",
        (person_id,),
    )
    return [{"workshop": r["workshop"], "date": r["date"][:10],
             **of_subject(q, r["item_id"], r["subject_id"], lang, least)} for r in rounds]
