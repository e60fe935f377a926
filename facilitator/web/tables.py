"""Table screen pages: the screen itself (by its secret link) and its QR code."""

from __future__ import annotations

import io
from typing import Any

import segno
from flask import Blueprint, Response, abort, g, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitator.db import current_store
from facilitator.room import links, table_screens
from facilitator.room.workshops import by_code

bp = Blueprint("tables", __name__)


@bp.route("/table/<token>")
def screen(token: str) -> Any:
    found = table_screens.lookup(current_store(), token)
    if found is None:
        # A mistyped or old link: say so in the room's words, not a bare 404.
        return render_template(
            "error.html",
            status=404,
            message=_("This table screen link is not valid. Ask the facilitator for the link."),
        ), 404
    workshop, number = found
    g.workshop_language = workshop["language"]
    return render_template("table.html", workshop=workshop, number=number, token=token)


@bp.route("/w/<code>/table/<int:number>/qr.svg")
@login_required
def qr(code: str, number: int) -> Any:
    """The table link as a QR code, for the facilitator to scan with the table's tablet."""
    workshop = by_code(current_store(), code)
    if workshop is None or not current_user.may_run(workshop):
        abort(404)
    if not 1 <= number <= table_screens.MAX_TABLE:
        abort(404)
    url = links.public_base() + table_screens.path(workshop, number)
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=8, border=4, title=_("Table %(n)s", n=number)
    )
    # Private: the image carries the table's secret link.
    return Response(
        buffer.getvalue(), mimetype="image/svg+xml", headers={"Cache-Control": "private, no-store"}
    )
