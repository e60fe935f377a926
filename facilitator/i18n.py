"""Languages: Dutch by default, English complete (Flask-Babel).

Message ids are the English texts; `translations/nl/LC_MESSAGES/messages.po` holds Dutch.
The .po files are compiled at start into a temporary folder, so the repository and
the installed package hold text only.
"""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import g, request
from flask_babel import Babel

LANGUAGES = ("nl", "en")
SOURCE = Path(__file__).parent / "translations"


def compile_catalogs() -> str:
    """Compile every .po into a fresh folder and return its path."""
    target = Path(tempfile.mkdtemp(prefix="facilitator-i18n-"))
    for po_path in SOURCE.glob("*/LC_MESSAGES/*.po"):
        lang = po_path.parent.parent.name
        out = target / lang / "LC_MESSAGES"
        out.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        with (out / po_path.with_suffix(".mo").name).open("wb") as f:
            write_mo(f, catalog)
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
        "saved": _("Sent"),
        "time_up": _("Time is up"),
        "two_minutes": _("Two minutes left"),
        "paused": _("paused"),
        "joined": _("%(n)s joined"),
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
    for activity in ACTIVITIES:
        for key, text in activity.client_strings.items():
            strings[f"{activity.kind}.{key}"] = str(text)
    return strings
