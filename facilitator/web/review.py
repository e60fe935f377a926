"""Manager review: the team's agreements after the workshop, with status changes and exports."""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitator.agreements import access
from facilitator.agreements import exports as agreement_exports
from facilitator.agreements import store as agreements_store
from facilitator.db import current_store
from facilitator.programmes import catalogue

bp = Blueprint("review", __name__, url_prefix="/review")


def _filters() -> access.Filters:
    try:
        return access.parse_filters(current_store(), current_user, request.args)
    except access.AccessError as err:
        abort(err.status)


@bp.get("")
@login_required
def index() -> Any:
    filters = _filters()
    rows = access.search(current_store(), current_user, filters)
    teams = access.allowed_teams(current_store(), current_user)
    return render_template(
        "review/list.html",
        rows=rows,
        filters=filters,
        teams=teams,
        # A manager reads the reports of the team's programmes from here.
        programmes=catalogue.of_teams(current_store(), [t["id"] for t in teams])
        if current_user.role == "manager" else [],
        statuses=agreements_store.STATUS_LABELS,
        overdue_count=sum(1 for r in rows if r["overdue"]),
    )


@bp.get("/agreements.csv")
@login_required
def export_csv() -> Any:
    rows = access.search(current_store(), current_user, _filters())
    return Response(
        agreement_exports.to_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="afspraken.csv"'},
    )


@bp.get("/agreements.ics")
@login_required
def export_ics() -> Any:
    rows = access.search(current_store(), current_user, _filters())
    return Response(
        agreement_exports.to_ics(rows, request.host.split(":")[0]),
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="afspraken.ics"'},
    )


@bp.route("/<int:agreement_id>", methods=["GET", "POST"])
@login_required
def detail(agreement_id: int) -> Any:
    try:
        row = access.find(current_store(), current_user, agreement_id)
    except access.AccessError as err:
        abort(err.status)
    error = None
    if request.method == "POST":
        try:
            access.change_status(
                current_store(), current_user, agreement_id, request.form.get("status"),
                request.form.get("note", ""), current_app.extensions["facilitator.pusher"],
                # A double-clicked button sends the same op_id: applied once.
                op_id=request.form.get("op_id") or None,
            )
        except access.AccessError as err:
            error = err.message
        else:
            return redirect(url_for("review.detail", agreement_id=agreement_id, saved=1))
    return render_template(
        "review/detail.html",
        row=row,
        history=access.history(current_store(), agreement_id),
        statuses=agreements_store.STATUS_LABELS,
        choices=agreements_store.REVIEW_STATUSES,
        error=error,
        saved=request.args.get("saved") == "1" and not error,
        op_id=secrets.token_hex(12),
        note_max=agreements_store.NOTE_MAX,
        title=_("Agreement"),
    ), 400 if error else 200
