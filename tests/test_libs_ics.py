"""The agreements calendar, built by the icalendar library: escaped, folded, parseable."""

from __future__ import annotations

from datetime import UTC, date, datetime

import icalendar
import pytest

from facilitator import create_app
from facilitator.agreements.exports import to_ics

ROW = {
    "id": 7, "due_date": "2026-12-24", "owner_name": "Ann; de baas, ook",
    "what": "Bespreken in het teamoverleg, met een zin die langer is dan vijfenzeventig octetten: "
            "één ûnïcödé regel\nen een tweede",
    "with_names": ["Bob", "Cé"], "check_how": "", "status_label": "open",
    "workshop_title": "Team\\Intervisie", "workshop_at": "2026-12-01T10:00:00+00:00",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app({"DATA_DIR": str(tmp_path_factory.mktemp("ics"))})


def test_calendar_escapes_folds_and_round_trips(app):
    with app.test_request_context():
        out = to_ics([ROW], "example.org", now=datetime(2026, 12, 1, 9, 30, 15, 5, tzinfo=UTC))
    lines = out.split(b"\r\n")
    assert out.endswith(b"\r\n") and lines[0] == b"BEGIN:VCALENDAR"
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines), "the long summary is folded"
    out.decode("utf-8")  # folding never splits a UTF-8 character
    assert b"SUMMARY:Ann\\; de baas\\, ook" in out
    assert b"DTSTAMP:20261201T093015Z" in out
    event = icalendar.Calendar.from_ical(out).walk("VEVENT")[0]
    assert str(event["UID"]) == "agreement-7@example.org"
    assert str(event["SUMMARY"]) == f"{ROW['owner_name']}: {ROW['what']}"
    assert event.decoded("DTSTART") == date(2026, 12, 24)
    assert event.decoded("DTEND") == date(2026, 12, 25)
    description = str(event["DESCRIPTION"]).split("\n")
    assert description[0] == "Wie: Ann; de baas, ook"  # Dutch by default
    assert description[1] == "Met wie: Bob, Cé"
    assert description[-1] == "Sessie: Team\\Intervisie (2026-12-01)"
    assert str(event["TRANSP"]) == "TRANSPARENT"


def test_empty_calendar_is_valid(app):
    with app.test_request_context():
        calendar = icalendar.Calendar.from_ical(to_ics([], "example.org"))
    assert calendar.walk("VEVENT") == [] and str(calendar["METHOD"]) == "PUBLISH"
