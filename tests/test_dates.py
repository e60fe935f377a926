"""Dates and times as people read them (issue 16, point 4): the reader's language and the
organisation's time zone, ISO only where machines read it."""

from __future__ import annotations

from typing import Any

import pytest
from flask_babel import force_locale

from facilitator import create_app
from facilitator.config import ConfigError
from facilitator.i18n import format_day, format_moment


def test_days_and_moments_in_dutch_english_and_the_organisations_zone(app: Any) -> None:
    with app.test_request_context():
        with force_locale("nl"):
            assert format_day("2026-12-08") == "di 8 december"
            # 08:17 UTC is 9:17 in Amsterdam in winter, 10:17 in summer.
            assert format_moment("2026-12-08T08:17:00.000Z") == "di 8 december 9:17"
            assert format_moment("2026-07-01T08:17:00Z") == "wo 1 juli 10:17"
            # Late in the evening UTC is already the next day here.
            assert format_day("2026-12-08T23:30:00Z") == "wo 9 december"
            assert format_day(None) == "" and format_moment("") == ""
        with force_locale("en"):
            assert format_day("2026-12-08") == "Tue 8 December"
            assert format_moment("2026-12-08T08:17:00Z") == "Tue 8 December 9:17"


def test_the_time_zone_is_a_setting(tmp_path: Any) -> None:
    app = create_app({"DATA_DIR": str(tmp_path), "ASYNC_MODE": "threading", "TESTING": True,
                      "TIMEZONE": "America/New_York"})
    with app.test_request_context(), force_locale("en"):
        assert format_moment("2026-12-08T08:17:00Z") == "Tue 8 December 3:17"
    app.extensions["facilitator.store"].close()
    with pytest.raises(ConfigError, match="FACILITATOR_TIMEZONE"):
        create_app({"DATA_DIR": str(tmp_path), "ASYNC_MODE": "threading",
                    "TIMEZONE": "Mars/Olympus"})
