"""Languages: Dutch by default, English complete (Flask-Babel).

Message ids are the English texts; `translations/nl/LC_MESSAGES/messages.po` holds Dutch
(kept up to date with `bash scripts/i18n.sh`). The repository and the installed package
hold text only: at start each .po is compiled into `DATA_DIR/translations`, again only
when the .po has changed since.
"""

from __future__ import annotations

import hashlib
import io
import os
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g, request
from flask_babel import Babel

LANGUAGES = ("nl", "en")
SOURCE = Path(__file__).parent / "translations"


def compile_catalogs(data_dir: str | Path, source: Path = SOURCE) -> str:
    """Compile every .po of `source` into DATA_DIR/translations; return that folder.

    A .mo is rewritten only when its .po differs from the one it was compiled from (a
    digest beside it says which): comparing content, not times, also catches an
    upgrade that brings an older-dated .po."""
    target = Path(data_dir) / "translations"
    for po_path in source.glob("*/LC_MESSAGES/*.po"):
        lang = po_path.parent.parent.name
        mo_path = target / lang / "LC_MESSAGES" / po_path.with_suffix(".mo").name
        stamp = mo_path.with_suffix(".sha256")
        text = po_path.read_bytes()
        digest = hashlib.sha256(text).hexdigest()
        if mo_path.exists() and stamp.exists() and stamp.read_text() == digest:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a second process starting on the same data folder
        # never reads half a file.
        partial = mo_path.with_name(f".{mo_path.name}.{os.getpid()}")
        with partial.open("wb") as f:
            write_mo(f, read_po(io.BytesIO(text), locale=lang))
        os.replace(partial, mo_path)
        stamp.write_text(digest)
    return str(target)


def select_locale() -> str:
    """A page for the room speaks the workshop's language; others the user's choice."""
    forced = getattr(g, "workshop_language", None)
    if forced in LANGUAGES:
        return forced
    chosen = request.cookies.get("lang") if request else None
    if chosen in LANGUAGES:
        return chosen
    from flask_login import current_user

    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.language
    return "nl"


babel = Babel()


# Dates and times as people read them, in the reader's language and the organisation's
# time zone (FACILITATOR_TIMEZONE): "di 8 december", "9:17". ISO stays in the API and CSV.
def format_day(value: Any) -> str:
    """A date (or the date of an ISO date-time) as "di 8 december"; "" for none."""
    from flask_babel import format_date

    if not value:
        return ""
    day = _as_datetime(value)
    if isinstance(day, datetime):
        day = _local(day).date()
    return format_date(day, "EEE d MMMM")


def format_moment(value: Any) -> str:
    """An ISO date-time as "di 8 december 9:17" in the organisation's time zone."""
    from flask_babel import format_date, format_time

    if not value:
        return ""
    moment = _local(_as_datetime(value))
    return f"{format_date(moment.date(), 'EEE d MMMM')} {format_time(moment.time(), 'H:mm')}"


def _as_datetime(value: Any) -> date | datetime:
    if isinstance(value, date):
        return value
    text = str(value)
    if len(text) == 10:
        return date.fromisoformat(text)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _local(moment: datetime) -> datetime:
    from flask_babel import get_timezone

    return moment.astimezone(get_timezone())


@cache
def locale_of(lang: str) -> Locale:
    """A parsed Locale per language, for force_locale on every socket event and push:
    Babel parses the identifier anew each time, which showed up in the load profile."""
    return Locale.parse(lang if lang in LANGUAGES else "nl")


def client_strings() -> dict[str, str]:
    """Texts the page scripts show, in the current language."""
    from flask_babel import gettext as _

    from facilitator.activities import ACTIVITIES

    strings = {
        "connecting": _("Connecting…"),
        "online": _("Connected"),
        "offline": _("No connection. What you send is kept and sent when the connection is back."),
        "pending": _("Waiting to send: %(n)s"),
        "saved": _("Saved"),
        "time_up": _("Time is up"),
        "two_minutes": _("Two minutes left"),
        "paused": _("paused"),
        "joined": _("%(n)s joined"),
        "joined.one": _("1 joined"),
        "online_count": _("%(n)s online"),
        "anonymous": _("Anonymous"),
        "gone": _("Please join the workshop again."),
        "status_draft": _("draft"),
        "status_open": _("open"),
        "status_closed": _("closed"),
        "locked": _("locked: no new joins"),
        "unlocked": _("open for new joins"),
        "go_to": _("Go to"),
        "current": _("now"),
        "online_now": _("online"),
        "dropped_out": _("dropped out"),
        "remove": _("Remove"),
        "step": _("Step %(n)s of %(total)s"),
        "stage_error": _("This part could not be shown. It is tried again with the next update."),
        "send.sending": _("Sending…"),
        "send.queued": _(
            "No connection: kept on this device and sent when the connection is back."
        ),
        "send.retrying": _("Not sent yet; trying again…"),
        "send.short_sending": _("sending…"),
        "send.short_queued": _("waiting for the connection"),
        "send.short_retrying": _("trying again…"),
        "send.failed": _("Could not be sent (%(reason)s). Your text is kept; try again later."),
    }
    strings.update(_board_strings())
    for activity in ACTIVITIES:
        for key, text in activity.client_strings.items():
            strings[f"{activity.kind}.{key}"] = str(text)
    return strings


def _board_strings() -> dict[str, str]:
    """The board's slides and the control page's board controls (room/board_state.py)."""
    from flask_babel import gettext as _

    return {
        "board.page_of": _("Page %(page)s of %(pages)s"),
        "board.took_part": _("%(n)s people took part"),
        "board.took_part.one": _("1 person took part"),
        "board.kind_dilemma": _("Dilemma"),
        "board.kind_argument": _("Argument"),
        "board.kind_need": _("What is needed"),
        "board.kind_recommendation": _("Recommendation"),
        "board.kind_agreement": _("Agreement"),
        "board.kind_feedback": _("Feedback to the team"),
        "board.spotlight": _("On the board"),
        "board.spotlight_label": _("Put this on the board, full screen"),
        "board.spotlight_off": _("Take it off the board"),
        "board.join_show": _("Show the join slide"),
        "board.join_hide": _("Hide the join slide"),
                        "board.by_hand": _("I turn the pages"),
        "board.every": _("Every %(n)s seconds"),
        "board.every.one": _("Every second"),
        "board.now": _("On the board now"),
        "board.now_join": _("the join slide (code and QR code)"),
        "board.now_closing": _("the closing slide"),
        "board.now_spotlight": _("in the spotlight: %(text)s"),
        "board.now_page": _("page %(page)s of %(pages)s"),
        "board.more": _("+%(n)s more"),
        "board.more.one": _("+1 more"),
    }
