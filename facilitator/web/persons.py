"""A person's pages (issues 19.5, 19.6, 20.4): keeping a personal link from the phone, the
person's own page through that link (their portfolio), its downloads, and a facilitator's
list of the links in their workshop (to revoke one).

The person's page is private by construction: only its own link opens it (any other
token is a 404, there is no listing), it is never cached and never indexed.
"""

from __future__ import annotations

import secrets
from typing import Any

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from facilitator.activities.feedback360 import results as feedback360_results
from facilitator.db import current_store, iso, utcnow
from facilitator.live.actions import FACILITATOR, PARTICIPANT, Actor
from facilitator.live.sockets import PARTICIPANT_COOKIE
from facilitator.persons import links, portfolio
from facilitator.room import links as room_links
from facilitator.room import participants, workshops
from facilitator.room.workshops import by_code
from facilitator.security import hash_token, limiter

bp = Blueprint("persons", __name__)

PRIVATE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


def _person_limit() -> str:
    return current_app.config["RATELIMIT_PERSON"]


def _limits_off() -> bool:
    return not current_app.config["RATELIMIT_ENABLED"]


def _private(response: Any, status: int = 200) -> Response:
    response = make_response(response, status)
    response.headers.update(PRIVATE)
    return response


def returning(store: Any, workshop: dict[str, Any]) -> dict[str, Any]:
    """What the join page offers a phone that keeps a personal link: the person and the
    name used last time, or why the link no longer counts (revoked)."""
    person = links.by_token(store, request.cookies.get(links.COOKIE))
    if person is None:
        return {}
    if person["revoked_at"]:
        return {"refused": _("Your personal link was revoked. You join as a new participant.")}
    if not links.recognised_in(person, workshop):
        return {}
    return {"person": person, "name": links.last_name(store, person["id"])}


def _keep_cookie(response: Response, token: str) -> None:
    response.set_cookie(links.COOKIE, token, max_age=links.COOKIE_DAYS * 86400,
                        httponly=True, samesite="Lax", secure=request.is_secure)


def _participant(code: str) -> tuple[dict[str, Any], dict[str, Any]]:
    workshop = by_code(current_store(), workshops.normalise_code(code))
    if workshop is None:
        abort(404)
    g.workshop_language = workshop["language"]
    participant = participants.by_token(
        current_store(), workshop["id"], request.cookies.get(PARTICIPANT_COOKIE + workshop["code"]))
    if participant is None:
        abort(404)
    return workshop, participant


def person_url(token: str) -> str:
    return room_links.public_base() + url_for("persons.page", token=token)


def qr_data_uri(url: str) -> str:
    # A data: URI (the CSP allows data: images): the link's secret never sits in a
    # second URL that a log or cache could keep.
    return segno.make(url, error="m").svg_data_uri(scale=6, border=2)


@bp.route("/w/<code>/link", methods=["GET", "POST"])
@limiter.limit(_person_limit, methods=["POST"], exempt_when=_limits_off)
def keep(code: str) -> Any:
    """From the phone: make a personal link, shown once as a QR code and a short link."""
    workshop, participant = _participant(code)
    if request.method == "GET":
        return _private(render_template("persons/keep.html", workshop=workshop,
                                        has_link=bool(participant["person_id"])))
    token = links.new_token()
    ack = current_app.extensions["facilitator.dispatcher"].dispatch(
        Actor(PARTICIPANT, workshop["id"], participant_id=participant["id"],
              token_hash=participant["token_hash"]),
        {"op": "person.keep", "op_id": secrets.token_hex(12), "data": {}},
        {"token_hash": hash_token(token)},
    )
    if not ack["ok"]:
        return _private(render_template("persons/keep.html", workshop=workshop,
                                        has_link=bool(participant["person_id"]),
                                        error=ack["error"]["message"]), 400)
    url = person_url(token)
    response = _private(render_template("persons/kept.html", workshop=workshop, url=url,
                                        qr=qr_data_uri(url)))
    _keep_cookie(response, token)
    return response


@bp.route("/me")
def me() -> Any:
    """The phone's own page, from the personal link it keeps (the phone page links here)."""
    person = links.active(current_store(), request.cookies.get(links.COOKIE))
    if person is None:
        abort(404)
    return redirect(url_for("persons.page", token=request.cookies[links.COOKIE]))


def _person(token: str) -> dict[str, Any]:
    """The person of this link; any other token is a 404, a revoked one says so."""
    person = links.by_token(current_store(), token)
    if person is None:
        abort(404)
    if person["lang"]:
        g.workshop_language = request.cookies.get("lang") or person["lang"]
    if person["revoked_at"]:
        abort(_private(render_template(
            "error.html", status=410, message=_("This personal link was revoked.")), 410))
    return person


def _lang() -> str:
    from flask_babel import get_locale

    return str(get_locale())


def _data(person: dict[str, Any]) -> dict[str, Any]:
    return portfolio.portfolio(current_store(), person, _lang(), feedback360_results.minimum())


def _page(token: str, person: dict[str, Any], error: str | None = None) -> Response:
    response = _private(render_template(
        "persons/portfolio.html", token=token, data=_data(person),
        goal_max=portfolio.GOAL_MAX, error=error), 400 if error else 200)
    # Opening the link on a phone keeps it there: the next join offers this person.
    _keep_cookie(response, token)
    return response


@bp.route("/p/<token>")
@limiter.limit(_person_limit, exempt_when=_limits_off)
def page(token: str) -> Any:
    return _page(token, _person(token))


def _back(token: str, person: dict[str, Any], error: str | None = None) -> Any:
    if error:
        return _page(token, person, error)
    return redirect(url_for("persons.page", token=token) + "#goals", 303)


@bp.post("/p/<token>/goals")
@limiter.limit(_person_limit, exempt_when=_limits_off)
def goal_add(token: str) -> Any:
    person = _person(token)
    text, error = portfolio.check_goal(request.form.get("text"))
    error = error or portfolio.add_goal(current_store(), person["id"], text, iso(utcnow()))
    return _back(token, person, error)


@bp.post("/p/<token>/goals/<int:goal_id>")
@limiter.limit(_person_limit, exempt_when=_limits_off)
def goal_edit(token: str, goal_id: int) -> Any:
    person = _person(token)
    if request.form.get("remove") == "1":
        if not portfolio.remove_goal(current_store(), person["id"], goal_id):
            abort(404)
        return _back(token, person)
    text, error = portfolio.check_goal(request.form.get("text"))
    if error:
        return _back(token, person, error)
    if not portfolio.edit_goal(current_store(), person["id"], goal_id, text, iso(utcnow())):
        abort(404)
    return _back(token, person)


@bp.post("/p/<token>/revoke")
@limiter.limit(_person_limit, exempt_when=_limits_off)
def revoke(token: str) -> Any:
    person = _person(token)
    with current_store().write() as db:
        links.revoke(db, person["id"], iso(utcnow()))
    response = _private(render_template(
        "error.html", status=200, message=_("Your personal link is revoked. It no longer works.")))
    response.delete_cookie(links.COOKIE)
    return response


def _download(body: str, mimetype: str, name: str) -> Response:
    return _private(Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{name}"'}))


@bp.route("/p/<token>/attendance.csv")
@limiter.limit(_person_limit, exempt_when=_limits_off)
def attendance_csv(token: str) -> Any:
    person = _person(token)
    rows = portfolio.attendance(current_store(), person["id"], _lang())
    return _download(portfolio.attendance_csv(rows), "text/csv; charset=utf-8",
                     "intervision-attendance.csv")


@bp.route("/p/<token>/summary.txt")
@limiter.limit(_person_limit, exempt_when=_limits_off)
def summary(token: str) -> Any:
    person = _person(token)
    return _download(portfolio.summary_text(_data(person)), "text/plain; charset=utf-8",
                     "portfolio.txt")


# --- the facilitator's list ------------------------------------------------------------------


def _owned(code: str) -> dict[str, Any]:
    workshop = by_code(current_store(), code)
    if workshop is None or not current_user.may_run(workshop):
        abort(404)
    return workshop


@bp.route("/w/<code>/persons")
@login_required
def facilitator_list(code: str) -> Any:
    workshop = _owned(code)
    return _links_page(workshop)


def _links_page(workshop: dict[str, Any], error: str | None = None) -> Any:
    return render_template("persons/links.html", workshop=workshop,
                           people=links.people_with_links(current_store(), workshop["id"]),
                           error=error), 400 if error else 200


@bp.post("/w/<code>/persons/<int:person_id>/revoke")
@login_required
def facilitator_revoke(code: str, person_id: int) -> Any:
    workshop = _owned(code)
    ack = current_app.extensions["facilitator.dispatcher"].dispatch(
        Actor(FACILITATOR, workshop["id"], user_id=current_user.id),
        {"op": "person.revoke", "op_id": secrets.token_hex(12),
         "data": {"person_id": person_id}},
    )
    if not ack["ok"]:
        return _links_page(workshop, ack["error"]["message"])
    return redirect(url_for("persons.facilitator_list", code=workshop["code"]), 303)
