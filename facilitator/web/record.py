"""A participant's own record, downloaded from their phone (issue 19, point 4).

Only that phone may have it: the participant's cookie (set when they joined) names
them; anyone else, a wrong or missing cookie, or a record whose content retention has
deleted, gets the friendly 404 page. Never cached: it is personal and changes while
the round goes on.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, g, render_template, request
from flask_babel import gettext as _

from facilitator.activities.intervision import record
from facilitator.db import current_store
from facilitator.live.sockets import PARTICIPANT_COOKIE
from facilitator.room import participants, workshops

bp = Blueprint("record", __name__)

NO_STORE = "private, no-store"


def _record(code: str) -> dict[str, Any]:
    code = workshops.normalise_code(code)
    store = current_store()
    workshop = workshops.by_code(store, code)
    if workshop is None:
        abort(404)
    g.workshop_language = workshop["language"]
    participant = participants.by_token(
        store, workshop["id"], request.cookies.get(PARTICIPANT_COOKIE + code)
    )
    mine = record.build(store, workshop, participant) if participant else None
    if mine is None:
        abort(404)
    return mine


@bp.route("/w/<code>/record.txt")
def download(code: str) -> Any:
    mine = _record(code)
    # The file name in the room's language too: "mijn-verslag-K7Q2.txt".
    prefix = _("my-record")
    name = f"{prefix}-{mine['code']}.txt"
    return Response(
        record.as_text(mine).encode("utf-8"),
        mimetype="text/plain",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": NO_STORE,
        },
    )


@bp.route("/w/<code>/record")
def page(code: str) -> Any:
    """The same record as a page to print, or to save as PDF from the phone's browser."""
    mine = _record(code)
    response = Response(render_template("record.html", record=mine))
    response.headers["Cache-Control"] = NO_STORE
    return response
