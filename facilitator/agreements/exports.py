"""Agreements as files: CSV for Excel with Dutch settings, iCalendar for due dates.

CSV: UTF-8 with a byte order mark (Excel otherwise reads it as Windows-1252),
semicolons (the list separator under Dutch settings), CRLF line ends, dates as
YYYY-MM-DD, and every cell that a spreadsheet would read as a formula prefixed with
a quote (CSV injection). iCalendar: RFC 5545 through the icalendar library.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
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


def to_ics(rows: list[dict[str, Any]], host: str, now: datetime | None = None) -> bytes:
    """One all-day event per agreement on its due date (the library escapes and folds)."""
    # Imported here: 60 ms of every server start (and restart after a crash) otherwise,
    # for a download few ask for.
    from icalendar import Calendar, Event

    stamp = (now or utcnow()).astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//Facilitator//Agreements//NL")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Agreements"))
    for r in rows:
        due = date.fromisoformat(r["due_date"])
        details = [
            f"{_('Who')}: {r['owner_name']}",
            f"{_('With whom')}: {', '.join(r['with_names'])}" if r["with_names"] else "",
            f"{_('How and when checked')}: {r['check_how']}" if r["check_how"] else "",
            f"{_('Status')}: {r['status_label']}",
            f"{_('Workshop')}: {r['workshop_title']} ({r['workshop_at'][:10]})",
        ]
        event = Event()
        event.add("uid", f"agreement-{r['id']}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", due)
        event.add("dtend", due + timedelta(days=1))
        event.add("summary", f"{r['owner_name']}: {r['what']}")
        event.add("description", "\n".join(d for d in details if d))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
