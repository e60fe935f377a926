"""The report's data as one CSV for Excel with Dutch settings (as the agreements export:
UTF-8 with a byte order mark, semicolons, CRLF, formula-looking cells quoted), one row per
fact, list entry, bar or table row, with the part of the report it belongs to in the
first columns: a manager filters on "Part" instead of opening a zip of files.
Percentages carry a decimal comma in a Dutch workshop (format_decimal in its language)."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _

from facilitator.agreements.exports import safe_cell
from facilitator.report.blocks import COLUMNS, Report

# Where a row belongs, then every column a table may have (blocks.COLUMNS), in this order.
KEYS = ("section", "about", "what", "dilemma", "text", "count", "percent", "first", "last",
        "shift", "who", "with", "priority", "date", "check", "status", "note",
        # the programme report's (report/programme.py): which workshop, on which day
        "workshop", "day", "theme", "kind", "meetings", "present")
assert set(COLUMNS) <= set(KEYS)


def _headers() -> list[str]:
    names = {
        "section": _("Part"), "about": _("About"), "what": _("What it is"),
        "dilemma": _("Dilemma"), "text": _("Text"), "count": _("How many"),
        "percent": _("Percentage"), "first": _("First round"), "last": _("Last round"),
        "shift": _("Shift"), "who": _("Who"), "with": _("With whom"),
        "priority": _("Priority"), "date": _("Due date"),
        "check": _("How and when checked"), "status": _("Status"), "note": _("Note"),
        "workshop": _("Workshop"), "day": _("Date"), "theme": _("Theme"), "kind": _("Kind"),
        "meetings": _("Intervision meetings"), "present": _("Members present"),
    }
    return [names[k] for k in KEYS]


def _rows(report: Report) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cover = report.cover
    out.append({"section": cover.title, "what": cover.eyebrow})
    for label, value in cover.rows:
        out.append({"section": cover.title, "what": label, "text": value})
    if cover.anonymous_note:
        out.append({"section": cover.title, "what": _("Note"), "text": cover.anonymous_note})
    for section in report.sections:
        about = ""
        base = {"section": section.title}
        for b in section.blocks:
            here = {**base, "about": about}
            if b.kind == "heading":
                about = b.text
            elif b.kind == "text":
                out.append({**here, "what": _("Note") if b.role == "note" else "", "text": b.text})
            elif b.kind == "facts":
                out += [{**here, "what": label, "text": value} for label, value in b.rows]
            elif b.kind == "items":
                out += [{**here, "what": b.label, "text": t} for t in b.items]
            elif b.kind == "chart":
                out += [{**here, "what": b.caption, "text": bar.label, "count": bar.count,
                         "percent": format_decimal(bar.percent, format="0.0")} for bar in b.bars]
            elif b.kind == "table":
                out += [{**here, "what": b.caption, **row} for row in b.rows]
    return out


def render(report: Report) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(_headers())
    for row in _rows(report):
        writer.writerow([safe_cell(row.get(k, "")) for k in KEYS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
