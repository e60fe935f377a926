"""The managers' page for a work conference: list the dilemmas you expect your
professionals to meet, before or at the start (issue 17.5). A manager of the workshop's
team (or its facilitator, or an admin) may use it; each addition is the action
`dilemma.expect` through the one dispatcher, like every change.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitator.activities.dilemmas import expected, store
from facilitator.db import current_store
from facilitator.live.actions import FACILITATOR, MANAGER, Actor, Changes

bp = Blueprint("expected", __name__)


def _workshop(code: str) -> tuple[dict[str, Any], str]:
    """The workshop and how this user acts on it; 404 for anyone else (no hint it exists)."""
    db = current_store()
    row = db.one("SELECT * FROM workshops WHERE code = ?", (code.upper(),))
    if row is None or row["status"] == "closed":
        abort(404)
    if current_user.is_admin or row["owner_id"] == current_user.id:
        return row, FACILITATOR
    in_team = row["team_id"] is not None and db.one(
        "SELECT 1 FROM team_members WHERE team_id = ? AND user_id = ?",
        (row["team_id"], current_user.id),
    )
    if current_user.role != "manager" or not in_team:
        abort(404)
    return row, MANAGER


def _act(workshop: dict[str, Any], kind: str, op: str, data: dict[str, Any]) -> dict[str, Any]:
    ack = current_app.extensions["facilitator.dispatcher"].dispatch(
        Actor(kind, workshop["id"], user_id=current_user.id),
        {"op": op, "op_id": request.form.get("op_id") or secrets.token_hex(12), "data": data},
    )
    if ack["ok"]:
        # The control page lists them as they come in.
        current_app.extensions["facilitator.pusher"].schedule(
            workshop["id"], Changes(board=True, control=True)
        )
    return ack


@bp.route("/w/<code>/expected", methods=["GET", "POST"])
@login_required
def page(code: str) -> Any:
    workshop, kind = _workshop(code)
    error = None
    if request.method == "POST":
        if request.form.get("remove"):
            try:
                data = {"expected_id": int(request.form["remove"])}
            except ValueError:
                abort(400)
            ack = _act(workshop, kind, "dilemma.expect_remove", data)
        else:
            ack = _act(workshop, kind, "dilemma.expect",
                       {"situation": request.form.get("situation", "")})
        if ack["ok"]:
            return redirect(url_for("expected.page", code=workshop["code"], saved=1))
        error = ack["error"]["message"]
    rows = expected.listed(current_store(), workshop["id"])
    return render_template(
        "conference/expected.html",
        workshop=workshop,
        rows=rows,
        mine=current_user.id,
        may_remove_all=kind == FACILITATOR,
        error=error,
        saved=request.args.get("saved") == "1" and not error,
        op_id=secrets.token_hex(12),
        situation_max=store.SITUATION_MAX,
        typed=request.form.get("situation", "") if error else "",
        title=_("Dilemmas you expect"),
    ), 400 if error else 200
