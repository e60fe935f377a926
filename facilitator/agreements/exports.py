"""Agreements as files: CSV for Excel with Dutch settings, iCalendar for due dates.

CSV: UTF-8 with a byte order mark (Excel otherwise reads it as Windows-1252),
semicolons (the list separator under Dutch settings), CRLF line ends, dates as
YYYY-MM-DD, and every cell that a spreadsheet would read as a formula prefixed with
a quote (CSV injection). iCalendar: RFC 5545 by hand, with escaping and line folding.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _

from facilitator.db import utcnow

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([
        _("Number"), _("Team"), _("Workshop"), _("Workshop date"), _("Who"), _("What"),
        _("With whom"), _("Due date"), _("How and when checked"), _("Status"), _("Overdue"),
        _("Last note"), _("Last change"),
    ])
    for r in rows:
        writer.writerow([safe_cell(v) for v in (
            r["id"], r["team_name"] or "", r["workshop_title"], r["workshop_at"][:10],
            r["owner_name"], r["what"], ", ".join(r["with_names"]), r["due_date"],
            r["check_how"], r["status_label"], _("yes") if r["overdue"] else _("no"),
            r["last_note"], r["updated_at"][:10],
        )])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _escape(text: str) -> str:
    """TEXT value escaping, RFC 5545 section 3.3.11."""
    return (
        text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space (section 3.1);
    never split inside a UTF-8 character."""
    parts: list[str] = []
    current, size = "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        limit = 75 if not parts else 74  # a continuation line starts with a space
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += ch
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def to_ics(rows: list[dict[str, Any]], host: str, now: datetime | None = None) -> bytes:
    """One all-day event per agreement on its due date."""
    stamp = (now or utcnow()).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Facilitator//Agreements//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(_('Agreements'))}",
    ]
    for r in rows:
        due = date.fromisoformat(r["due_date"])
        details = [
            f"{_('Who')}: {r['owner_name']}",
            f"{_('With whom')}: {', '.join(r['with_names'])}" if r["with_names"] else "",
            f"{_('How and when checked')}: {r['check_how']}" if r["check_how"] else "",
            f"{_('Status')}: {r['status_label']}",
            f"{_('Workshop')}: {r['workshop_title']} ({r['workshop_at'][:10]})",
        ]
        lines += [
            "BEGIN:VEVENT",
            f"UID:agreement-{r['id']}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{due.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(due + timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{_escape(r['owner_name'] + ': ' + r['what'])}",
            f"DESCRIPTION:{_escape(chr(10).join(d for d in details if d))}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
