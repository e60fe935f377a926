"""Programmes in the facilitator's web part: the list (current and archived), the form
(make, change), a programme's page (its workshops in date order; add, move out, make a
new one in it, duplicate one inside it; archive it), its report in every format, and the
attendance export.

The owner and admins see and change a programme; the managers of its team read its
report and attendance; anyone else gets a 404, as for a programme that does not exist.
"""

from __future__ import annotations

import csv
import io
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
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitator import auth
from facilitator.agreements.exports import safe_cell
from facilitator.db import current_store
from facilitator.live.actions import FACILITATOR, Actor
from facilitator.programmes import access, attendance, catalogue
from facilitator.report import programme as programme_report
from facilitator.room.workshops import by_code
from facilitator.web.report import attachment, print_css_response

bp = Blueprint("programmes", __name__)


def _programme(programme_id: int, edit: bool = True) -> dict[str, Any]:
    programme = catalogue.get(current_store(), programme_id)
    if programme is None:
        abort(404)
    allowed = (access.may_edit(current_user, programme) if edit
               else access.may_read(current_store(), current_user, programme))
    if not allowed:
        abort(404)
    return programme


def _facilitators_only() -> None:
    if not current_user.may_facilitate:
        abort(404)


@bp.get("/programmes")
@login_required
def index() -> Any:
    _facilitators_only()
    programmes = catalogue.of_owner(current_store(), current_user.id)
    for p in programmes:
        p["period"] = programme_report.period(p, [])
    current = catalogue.current(programmes)
    return render_template(
        "programmes/list.html", programmes=current,
        archived=[p for p in programmes if p not in current],
        just_archived=request.args.get("archived") == "1")


def _form_page(programme: dict[str, Any] | None, status: int = 200,
               errors: dict[str, str] | None = None) -> Any:
    form = request.form if request.method == "POST" else {
        **(programme or {}), "team": str((programme or {}).get("team_id") or "")}
    return render_template(
        "programmes/form.html", programme=programme, form=form, errors=errors or {},
        teams=auth.teams_of(current_store(), current_user), name_max=catalogue.NAME_MAX,
        organisation_max=catalogue.ORGANISATION_MAX,
        description_max=catalogue.DESCRIPTION_MAX), status


@bp.route("/programmes/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    _facilitators_only()
    if request.method == "GET":
        return _form_page(None)
    teams = {t["id"] for t in auth.teams_of(current_store(), current_user)}
    fields, errors = catalogue.check(request.form, teams)
    if errors:
        return _form_page(None, 400, errors)
    programme_id = catalogue.create(current_store(), current_user.id, fields)
    return redirect(url_for("programmes.page", programme_id=programme_id))


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@login_required
def edit(programme_id: int) -> Any:
    programme = _programme(programme_id)
    if request.method == "GET":
        return _form_page(programme)
    # The user's teams, and the team it has (an admin's edit may keep the owner's).
    teams = {t["id"] for t in auth.teams_of(current_store(), current_user)}
    teams |= {programme["team_id"]} - {None}
    fields, errors = catalogue.check(request.form, teams)
    if errors:
        return _form_page(programme, 400, errors)
    catalogue.update(current_store(), programme_id, fields)
    return redirect(url_for("programmes.page", programme_id=programme_id, saved=1))


@bp.get("/programmes/<int:programme_id>")
@login_required
def page(programme_id: int, error: str | None = None, status: int = 200) -> Any:
    programme = _programme(programme_id)
    store = current_store()
    programme["period"] = programme_report.period(programme, [])
    workshops = catalogue.workshops_in(store, programme_id)
    for w in workshops:
        w["day"] = programme_report.day(w["created_at"])
    return render_template(
        "programmes/page.html", programme=programme, workshops=workshops,
        candidates=catalogue.others_of_owner(store, programme["owner_id"], programme_id),
        others=[p for p in catalogue.current(catalogue.of_owner(store, programme["owner_id"]))
                if p["id"] != programme_id],
        error=error, saved=request.args.get("saved") == "1"), status


@bp.post("/programmes/<int:programme_id>/archive")
@login_required
def archive(programme_id: int) -> Any:
    """Off the list of current programmes (the list's archive keeps it at hand)."""
    _programme(programme_id)
    catalogue.set_archived(current_store(), programme_id, True)
    return redirect(url_for("programmes.index", archived=1))


@bp.post("/programmes/<int:programme_id>/unarchive")
@login_required
def unarchive(programme_id: int) -> Any:
    _programme(programme_id)
    catalogue.set_archived(current_store(), programme_id, False)
    return redirect(url_for("programmes.page", programme_id=programme_id, saved=1))


@bp.post("/programmes/<int:programme_id>/workshops")
@login_required
def move(programme_id: int) -> Any:
    """Add a workshop to this programme, or move one of its workshops to another
    programme or out of every programme (`to` = 0): the `workshop.programme` action."""
    programme = _programme(programme_id)
    workshop = by_code(current_store(), request.form.get("code", ""))
    target = request.form.get("to", "")
    if (workshop is None or workshop["deleted_at"] is not None
            or not current_user.may_run(workshop) or not target.isdigit()):
        return page(programme_id, _("Choose a workshop and where it goes."), 400)
    if int(target) != programme_id and workshop["programme_id"] != programme_id:
        abort(404)  # only this programme's workshops move away from its page
    ack = current_app.extensions["facilitator.dispatcher"].dispatch(
        Actor(FACILITATOR, workshop["id"], user_id=current_user.id),
        {"op": "workshop.programme", "op_id": secrets.token_hex(12),
         "data": {"programme_id": int(target)}})
    if not ack["ok"]:
        return page(programme_id, ack["error"]["message"], 400)
    return redirect(url_for("programmes.page", programme_id=programme["id"]))


# --- the programme report -------------------------------------------------------------


@bp.get("/programmes/<int:programme_id>/report")
@login_required
def report(programme_id: int) -> Any:
    programme = _programme(programme_id, edit=False)
    return render_template(
        "programmes/report.html", programme=programme,
        report=programme_report.build(current_store(), programme),
        editor=access.may_edit(current_user, programme))


@bp.get("/programmes/<int:programme_id>/report.<any(md, docx, csv):fmt>")
@login_required
def report_download(programme_id: int, fmt: str) -> Any:
    programme = _programme(programme_id, edit=False)
    return attachment(programme_report.build(current_store(), programme), fmt,
                      f"trajectverslag-{programme['id']}.{fmt}")


@bp.get("/programmes/<int:programme_id>/report-print.css")
@login_required
def report_print_css(programme_id: int) -> Any:
    programme = _programme(programme_id, edit=False)
    return print_css_response(programme_report.build(current_store(), programme))


# --- attendance for accreditation -----------------------------------------------------


def _attendance_rows(programme_id: int) -> tuple[list[dict[str, str]], int]:
    meetings, unnamed = attendance.of_programme(current_store(), programme_id)
    language = str(get_locale())
    return [{
        "name": m.name or "—",
        "person": str(m.person_id) if m.person_id is not None else "",
        "day": programme_report.day(m.met_at), "met": m.met_at[:10], "workshop": m.workshop,
        "method": m.method_title(language), "minutes": str(m.minutes),
        "role": m.role_label, "facilitator": m.facilitator,
    } for m in meetings], unnamed


def _attendance_headers() -> list[tuple[str, str]]:
    return [("name", _("Name")), ("person", _("Person number")), ("met", _("Date")),
            ("workshop", _("Workshop")), ("method", _("Method")),
            ("minutes", _("Minutes")), ("role", _("Role")),
            ("facilitator", _("Facilitator"))]


@bp.get("/programmes/<int:programme_id>/attendance")
@login_required
def attendance_page(programme_id: int) -> Any:
    programme = _programme(programme_id, edit=False)
    rows, unnamed = _attendance_rows(programme_id)
    # On the page the person number goes beside the name, so the list fits an A4 page
    # (the CSV keeps its own column, fixed for Excel).
    headers = [(k, label) for k, label in _attendance_headers() if k != "person"]
    return render_template("programmes/attendance.html", programme=programme, rows=rows,
                           unnamed=unnamed, headers=headers,
                           editor=access.may_edit(current_user, programme))


@bp.get("/programmes/<int:programme_id>/attendance.csv")
@login_required
def attendance_csv(programme_id: int) -> Any:
    """For Excel with Dutch settings, as the agreements export: UTF-8 with a byte order
    mark, semicolons, CRLF, formula-looking cells quoted. No content, only the facts."""
    programme = _programme(programme_id, edit=False)
    rows, _unnamed = _attendance_rows(programme_id)
    headers = _attendance_headers()
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([label for _key, label in headers])
    for row in rows:
        writer.writerow([safe_cell(row[key]) for key, _label in headers])
    name = f"aanwezigheid-traject-{programme['id']}.csv"
    return Response(("\ufeff" + out.getvalue()).encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
