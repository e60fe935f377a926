"""Pages: login, setup, workshops, control, board, join and phone."""

from __future__ import annotations

import io
import secrets
from typing import Any
from zoneinfo import ZoneInfo

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
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from facilitator import auth
from facilitator.activities import ACTIVITIES
from facilitator.db import current_store
from facilitator.i18n import LANGUAGES
from facilitator.live.actions import FACILITATOR, Actor
from facilitator.live.sockets import PARTICIPANT_COOKIE
from facilitator.programmes import catalogue
from facilitator.room import agenda_templates, archive, links, participants, workshops
from facilitator.room.agenda import choices as agenda_choices
from facilitator.room.items import TITLE_MAX
from facilitator.room.workshops import by_code
from facilitator.security import CSP, join_code_answered, limiter, same_site_path
from facilitator.web import persons as person_pages

bp = Blueprint("pages", __name__)


def _owned_workshop(code: str) -> dict[str, Any]:
    workshop = by_code(current_store(), code)
    if workshop is None or not current_user.may_run(workshop):
        abort(404)
    return workshop


def _join_flood_limit() -> str:
    return current_app.config["RATELIMIT_JOIN_FLOOD"]


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _login_key() -> str:
    # Per address and account: wrong passwords for one account must not lock another
    # account out of a shared office address (issue 12, item 15).
    email = request.form.get("email", "").strip().lower()[:200]
    return f"{get_remote_address()}|{email}"


def _login_flood_limit() -> str:
    # Every failed login from one address, whatever the account: spraying many accounts.
    return current_app.config["RATELIMIT_LOGIN_FLOOD"]


def _login_failed(response: Response) -> bool:
    return response.status_code == 401


def _limits_on() -> bool:
    return not current_app.config["RATELIMIT_ENABLED"]


@bp.route("/")
def index() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("pages.workshop_list"))
    return redirect(url_for("pages.join"))


@bp.route("/healthz")
def healthz() -> Any:
    current_store().scalar("SELECT 1")
    return {"ok": True}


# --- accounts ------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    _login_limit,
    methods=["POST"],
    exempt_when=_limits_on,
    key_func=_login_key,
    deduct_when=_login_failed,
)
@limiter.limit(
    _login_flood_limit, methods=["POST"], exempt_when=_limits_on, deduct_when=_login_failed
)
def login() -> Any:
    error = None
    if request.method == "POST":
        user = auth.check_login(
            current_store(), request.form.get("email", ""), request.form.get("password", "")
        )
        if user is None:
            error = _("Email address or password is not right.")
        else:
            login_user(auth.start_session(current_store(), user))
            # Only same-site paths: no open redirect.
            target = same_site_path(request.args.get("next")) or url_for("pages.workshop_list")
            return redirect(target)
    return render_template("login.html", error=error), 401 if error else 200


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    auth.end_session(current_store(), current_user)
    logout_user()
    return redirect(url_for("pages.login"))


@bp.route("/setup/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], exempt_when=_limits_on)
def setup(token: str) -> Any:
    if not auth.setup_token_valid(current_store(), token):
        abort(404)
    error = None
    if request.method == "POST":
        form = request.form
        if form.get("password", "") != form.get("password2", ""):
            error = _("The two passwords differ.")
        else:
            try:
                user = auth.add_user(
                    current_store(),
                    form.get("email", ""),
                    form.get("password", ""),
                    "admin",
                    form.get("name", ""),
                )
            except ValueError:
                error = _(
                    "Use a valid email address and a password of at least %(n)s characters.",
                    n=auth.PASSWORD_MIN,
                )
            else:
                login_user(auth.start_session(current_store(), user))
                return redirect(url_for("pages.workshop_list"))
    return render_template("setup.html", error=error, min_length=auth.PASSWORD_MIN)


@bp.route("/language", methods=["POST"])
def set_language() -> Any:
    lang = request.form.get("lang")
    response = redirect(same_site_path(request.form.get("next")) or "/")
    if lang in LANGUAGES:
        response.set_cookie(
            "lang",
            lang,
            max_age=365 * 86400,
            samesite="Lax",
            secure=request.is_secure,
            httponly=True,
        )
        if current_user.is_authenticated:
            current_store().run(
                "UPDATE users SET language = ? WHERE id = ?", (lang, current_user.id)
            )
    return response


# --- workshops (facilitator) ----------------------------------------------------------


@bp.route("/workshops")
@login_required
def workshop_list() -> Any:
    if current_user.role == "manager":
        return redirect(url_for("review.index"))
    if not current_user.may_facilitate:
        return redirect(url_for("pages.join"))
    return _workshop_list_page()


def _workshop_list_page(error: str | None = None, status: int = 200) -> Any:
    store = current_store()
    teams = archive.teams_in_list(store, current_user.id)
    programmes = catalogue.of_owner(store, current_user.id)
    filters = archive.parse_filters(request.args, {t["id"] for t in teams},
                                    {p["id"] for p in programmes})
    rows = archive.workshops_of(store, current_user.id, filters,
                                ZoneInfo(current_app.config["TIMEZONE"]))
    return render_template(
        "workshops.html",
        workshops=rows,
        filters=filters,
        teams=teams,
        programmes=programmes,
        archived=archive.archived_count(store, current_user.id),
        here=request.full_path if request.query_string else request.path,
        error=error,
        query_max=archive.QUERY_MAX,
    ), 400 if filters.errors and status == 200 else status


def _workshop_action(code: str, op: str) -> Any:
    """Archive or restore from the list: an action through the one dispatcher."""
    workshop = _owned_workshop(code)
    ack = current_app.extensions["facilitator.dispatcher"].dispatch(
        Actor(FACILITATOR, workshop["id"], user_id=current_user.id),
        {"op": op, "op_id": secrets.token_hex(12), "data": {}},
    )
    if not ack["ok"]:
        return _workshop_list_page(ack["error"]["message"], 400)
    return redirect(same_site_path(request.form.get("next")) or url_for("pages.workshop_list"))


@bp.post("/w/<code>/archive")
@login_required
def workshop_archive(code: str) -> Any:
    return _workshop_action(code, "workshop.archive")


@bp.post("/w/<code>/unarchive")
@login_required
def workshop_unarchive(code: str) -> Any:
    return _workshop_action(code, "workshop.unarchive")


@bp.route("/w/<code>/delete", methods=["GET", "POST"])
@login_required
def workshop_delete(code: str) -> Any:
    """A confirmation page that says what goes and what stays; deleting is its POST."""
    workshop = _owned_workshop(code)
    error = None
    if request.method == "POST":
        if workshops.normalise_code(request.form.get("confirm", "")) != workshop["code"]:
            error = _("Type the workshop's code to confirm.")
        else:
            try:
                kept = archive.delete_workshop(current_store(), workshop["id"])
            except ValueError:
                error = _("Close the workshop before you delete it.")
            else:
                return redirect(url_for("pages.workshop_list", deleted=1, kept=kept))
    return render_template(
        "workshop_delete.html",
        workshop=workshop,
        counts=archive.what_goes(current_store(), workshop["id"]),
        error=error,
    ), 400 if error else 200


@bp.route("/workshops/new", methods=["GET", "POST"])
@login_required
def workshop_new() -> Any:
    if not current_user.may_facilitate:
        abort(403)
    store = current_store()
    teams = auth.teams_of(store, current_user)
    own = agenda_templates.choices(store, current_user.id)
    every_programme = catalogue.of_owner(store, current_user.id)
    own_programmes = catalogue.current(every_programme)
    errors: dict[str, str] = {}
    form = request.form
    # A new workshop inside a programme: chosen on the form, or preset from its page.
    programme = form.get("programme", request.args.get("programme", ""))
    if request.method == "POST":
        team_raw = form.get("team", "")
        fields, errors = workshops.check_new(
            form.get("title", ""),
            form.get("language", "nl"),
            form.get("agenda", "welcome"),
            int(team_raw) if team_raw.isdigit() else None,
            {t["id"] for t in teams},
            {key for key, _name in own},
        )
        if programme and programme not in {str(p["id"]) for p in own_programmes}:
            errors["programme"] = (
                _("That programme is archived: take it out of the archive first.")
                if programme in {str(p["id"]) for p in every_programme}
                else _("That is not one of the choices."))
        if not errors:
            # An own template's items, or None for a ready-made agenda.
            items = agenda_templates.items(store, current_user.id, fields["agenda"])
            workshop = workshops.create_workshop(store, current_user.id, **fields, items=items)
            if programme:
                current_app.extensions["facilitator.dispatcher"].dispatch(
                    Actor(FACILITATOR, workshop["id"], user_id=current_user.id),
                    {"op": "workshop.programme", "op_id": secrets.token_hex(12),
                     "data": {"programme_id": int(programme)}})
            return redirect(url_for("pages.control", code=workshop["code"]))
    return render_template(
        "workshop_new.html",
        teams=teams,
        agendas=agenda_choices(),
        own_agendas=own,
        programmes=own_programmes,
        programme=programme,
        errors=errors,
        form=form,
        title_max=TITLE_MAX,
    ), 400 if errors else 200


@bp.route("/w/<code>/control")
@login_required
def control(code: str) -> Any:
    workshop = _owned_workshop(code)
    return render_template(
        "control.html",
        workshop=workshop,
        activity_choices=[(a.kind, str(a.title)) for a in ACTIVITIES],
        title_max=TITLE_MAX,
        join_url=links.join_url(workshop["code"]),
        board_url=links.board_url(workshop),
        public_base=links.public_base(),
    )


@bp.route("/w/<code>/duplicate", methods=["POST"])
@login_required
def duplicate(code: str) -> Any:
    """A copy of the workshop's agenda and settings, without content or participants; the
    copy's control page opens (CSRF checked like every form)."""
    workshop = _owned_workshop(code)
    copy = workshops.duplicate(current_store(), workshop, current_user.id)
    return redirect(url_for("pages.control", code=copy["code"]))


@bp.route("/board/<token>")
def board(token: str) -> Any:
    row = current_store().one("SELECT * FROM workshops WHERE board_token = ?", (token[:100],))
    if row is None:
        abort(404)
    workshop = dict(row)
    g.workshop_language = workshop["language"]
    response = make_response(render_template(
        "board.html",
        workshop=workshop,
        join_url=links.join_url(workshop["code"]),
        join_base=links.public_base() + url_for("pages.join"),
    ))
    # The control page shows the board small in a frame of its own origin; no one else may.
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = CSP.replace(
        "frame-ancestors 'none'", "frame-ancestors 'self'")
    return response


def _answer_lookup(workshop: dict[str, Any] | None) -> None:
    """Refuse (429) when this address may not learn whether the code it tried is valid:
    one count over every route that tells codes apart (security.join_code_answered)."""
    if not join_code_answered(workshop is not None):
        abort(429)


@bp.route("/w/<code>/qr.svg")
def qr(code: str) -> Any:
    workshop = by_code(current_store(), code)
    _answer_lookup(workshop)
    if workshop is None:
        abort(404)
    buffer = io.BytesIO()
    segno.make(links.join_url(workshop["code"]), error="m").save(
        buffer, kind="svg", scale=10, border=4, title=workshop["code"]
    )
    return Response(
        buffer.getvalue(),
        mimetype="image/svg+xml",
        # Private: it names a workshop's join code; no shared cache may keep it.
        headers={"Cache-Control": "private, max-age=3600"},
    )


# --- joining (phones) -----------------------------------------------------------------


def _participant_cookie(code: str) -> str:
    return PARTICIPANT_COOKIE + code


@bp.route("/join", methods=["GET", "POST"])
def join() -> Any:
    error = None
    code = ""
    if request.method == "POST":
        code = workshops.normalise_code(request.form.get("code", ""))
        workshop = by_code(current_store(), code)
        _answer_lookup(workshop)
        refusal = participants.join_refusal(workshop)
        if refusal is None:
            return redirect(url_for("pages.join_code", code=code))
        error = refusal.render()["message"]
    return render_template("join.html", error=error, code=code), 404 if error else 200


@bp.route("/j/<code>", methods=["GET", "POST"])
@limiter.limit(_join_flood_limit, methods=["POST"], exempt_when=_limits_on)
def join_code(code: str) -> Any:
    code = workshops.normalise_code(code)
    workshop = by_code(current_store(), code)
    _answer_lookup(workshop)
    if workshop is not None:
        g.workshop_language = workshop["language"]
        known = participants.by_token(
            current_store(), workshop["id"], request.cookies.get(_participant_cookie(code))
        )
        if known is not None:
            return redirect(url_for("pages.phone", code=code))
    refusal = participants.join_refusal(workshop)
    if refusal is not None:
        return render_template("join.html", error=refusal.render()["message"], code=code), 404
    error = None
    # A personal link kept on this phone (persons.links): offered, never forced.
    returning = person_pages.returning(current_store(), workshop)
    if request.method == "POST":
        as_person = returning.get("person") if request.form.get("as_person") == "1" else None
        token, ack = participants.join_phone(
            current_app.extensions["facilitator.dispatcher"],
            workshop,
            request.form.get("op_id", ""),
            request.form.get("name", ""),
            request.form.get("anonymous") == "1",
            as_person["id"] if as_person else None,
        )
        if ack["ok"] and not ack.get("duplicate"):
            response = make_response(redirect(url_for("pages.phone", code=code)))
            response.set_cookie(
                _participant_cookie(code),
                token,
                max_age=30 * 86400,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure,
            )
            return response
        if ack["ok"]:
            # A double-tapped form: the first answer already carried the cookie.
            return redirect(url_for("pages.phone", code=code))
        error = ack["error"]["message"]
    return render_template(
        "join_name.html",
        workshop=workshop,
        error=error,
        op_id=secrets.token_hex(12),
        name_max=participants.NAME_MAX,
        name=request.form.get("name", "") or returning.get("name") or "",
        returning=returning,
    ), 400 if error else 200


@bp.route("/w/<code>/phone")
def phone(code: str) -> Any:
    code = workshops.normalise_code(code)
    workshop = by_code(current_store(), code)
    _answer_lookup(workshop)
    if workshop is None:
        abort(404)
    participant = participants.by_token(
        current_store(), workshop["id"], request.cookies.get(_participant_cookie(code))
    )
    if participant is None:
        return redirect(url_for("pages.join_code", code=code))
    g.workshop_language = participants.language_of(participant, workshop)
    return render_template("phone.html", workshop=workshop, participant=participant,
                           other_language=[x for x in LANGUAGES if x != g.workshop_language][0])
