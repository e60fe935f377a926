"""The report's routes: the printable page and its downloads (Markdown, Word, CSV), all
rendered from one model (facilitator/report/model.py), and the report's settings.

The facilitator of the workshop and admins read it and change its settings; the
managers of the workshop's team read it (read-only); anyone else gets a 404.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from facilitator.db import current_store
from facilitator.live.actions import FACILITATOR, Actor
from facilitator.report import access, markdown, model, settings, spreadsheet
from facilitator.room.workshops import by_code

bp = Blueprint("report", __name__)


def _word(report: Any) -> bytes:
    # python-docx is imported when a Word file is asked for: at start it cost 80 ms of
    # the time a restarted server keeps its phones waiting (docs/benchmarks.md).
    from facilitator.report import word

    return word.render(report)


DOWNLOADS = {
    "md": ("text/markdown", markdown.render),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             _word),
    "csv": ("text/csv", spreadsheet.render),
}


def _workshop(code: str) -> dict[str, Any]:
    workshop = by_code(current_store(), code)
    if workshop is None or not access.may_read(current_store(), current_user, workshop):
        abort(404)
    # The report speaks the workshop's language, like the board did.
    g.workshop_language = workshop["language"]
    return workshop


def attachment(report: Any, fmt: str, name: str) -> Response:
    """A built report (a workshop's or a programme's) in one format, as an attachment."""
    mimetype, render = DOWNLOADS[fmt]
    body = render(report)
    if isinstance(body, str):
        body = body.encode("utf-8")
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def download(workshop: dict[str, Any], fmt: str) -> Response:
    """One format of the report as an attachment (also the API's report.md)."""
    return attachment(model.build(current_store(), workshop), fmt,
                      f"verslag-{workshop['code']}.{fmt}")


@bp.get("/w/<code>/report")
@login_required
def page(code: str) -> Any:
    workshop = _workshop(code)
    editor = access.may_edit(current_user, workshop)
    return render_template(
        "report/report.html",
        report=model.build(current_store(), workshop),
        workshop=workshop,
        editor=editor,
        options=settings.of(workshop),
        place_max=settings.PLACE_MAX,
        op_id=secrets.token_hex(12),
        saved=request.args.get("saved") == "1",
    )


@bp.post("/w/<code>/report/settings")
@login_required
def save_settings(code: str) -> Any:
    workshop = _workshop(code)
    if not access.may_edit(current_user, workshop):
        abort(404)
    envelope = {
        "op": "report.settings",
        # A double-clicked button sends the same op_id: applied once.
        "op_id": request.form.get("op_id") or secrets.token_hex(12),
        "data": {"place": request.form.get("place", ""),
                 "anonymous": request.form.get("anonymous") == "1"},
    }
    ack = current_app.extensions["facilitator.dispatcher"].dispatch(
        Actor(FACILITATOR, workshop["id"], user_id=current_user.id), envelope)
    if not ack["ok"]:
        return render_template(
            "report/report.html", report=model.build(current_store(), workshop),
            workshop=workshop, editor=True, options=envelope["data"],
            place_max=settings.PLACE_MAX, op_id=secrets.token_hex(12), saved=False,
            error=ack["error"]["message"]), 400
    return redirect(url_for("report.page", code=workshop["code"], saved=1))


@bp.get("/w/<code>/report.<any(md, docx, csv):fmt>")
@login_required
def download_route(code: str, fmt: str) -> Any:
    return download(_workshop(code), fmt)


def css_string(text: str) -> str:
    """Text as a CSS string: every character that could end or bend it escaped (the
    space after an escape ends it, so a space that follows the character stays)."""
    return '"' + "".join(c if c.isalnum() or c in " ·-" else f"\\{ord(c):06x} "
                         for c in text) + '"'


@bp.get("/w/<code>/report-print.css")
@login_required
def print_css(code: str) -> Any:
    """The running footer and page numbers of the printed report: CSS margin boxes,
    whose text cannot come from the page (no inline styles under the CSP)."""
    return print_css_response(model.build(current_store(), _workshop(code)))


def print_css_response(report: Any) -> Response:
    """The print CSS of a report (also the programme report's)."""
    page = report.labels["page_of"]
    css = (
        "@media print {\n"
        f"  @page {{ @bottom-left {{ content: {css_string(report.footer)}; }}\n"
        f"    @bottom-right {{ content: {css_string(page[0])} counter(page)"
        f" {css_string(page[1])} counter(pages); }} }}\n"
        "  @page :first { @bottom-left { content: none; } @bottom-right { content: none; } }\n"
        "}\n"
    )
    return Response(css, mimetype="text/css", headers={"Cache-Control": "private, no-cache"})


@bp.get("/report/logo")
@login_required
def logo() -> Any:
    path = model.logo_path()
    if path is None:
        abort(404)
    return send_file(path, max_age=3600)
