"""Account administration for admins (people, roles, teams), and the one-time password
links it hands out. Every change is a CSRF-protected POST (Flask-WTF, app-wide) by an
admin; anyone else gets 403 before anything is read. The store is facilitator/accounts.py,
which run.py's `user` and `team` commands use too."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from werkzeug.datastructures import MultiDict

from facilitator import accounts, auth
from facilitator.db import current_store
from facilitator.i18n import LANGUAGES
from facilitator.room import links
from facilitator.security import limiter

bp = Blueprint("admin", __name__, url_prefix="/admin")
password_bp = Blueprint("password", __name__)

ROLE_LABELS = {
    "admin": _l("admin"),
    "facilitator": _l("facilitator"),
    "manager": _l("manager"),
}


@bp.before_request
def admins_only() -> Any:
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    return None


def _user_or_404(user_id: int) -> dict[str, Any]:
    row = accounts.by_id(current_store(), user_id)
    if row is None:
        abort(404)
    return row


def _link_for(user_id: int) -> str:
    token = accounts.new_password_link(
        current_store(), user_id, current_app.config["PASSWORD_LINK_HOURS"]
    )
    return links.public_base() + url_for("password.set_password", token=token)


def _users_page(status: int = 200, **extra: Any) -> Any:
    store = current_store()
    context = {
        "users": accounts.list_users(store),
        "teams": accounts.list_teams(store),
        "roles": ROLE_LABELS,
        "languages": LANGUAGES,
        "errors": {},
        "form": MultiDict(),
        "link": None,
        "link_user": None,
        "hours": current_app.config["PASSWORD_LINK_HOURS"],
        "email_max": accounts.EMAIL_MAX,
        "name_max": accounts.NAME_MAX,
        "notice": None,
        "refused": status >= 400,
    }
    context.update(extra)
    return render_template("admin/users.html", **context), status


def _check_account(form: Any, team_ids: set[int]) -> tuple[dict[str, Any], dict[str, str]]:
    """The new account's fields, and per field what is wrong (translated)."""
    errors: dict[str, str] = {}
    email = form.get("email", "").strip()
    if "@" not in email or len(email) > accounts.EMAIL_MAX or any(c.isspace() for c in email):
        errors["email"] = _("Use a valid email address.")
    elif accounts.by_email(current_store(), email) is not None:
        errors["email"] = _("An account with this email address exists already.")
    role = form.get("role", "")
    if role not in accounts.ROLES:
        errors["role"] = _("That is not one of the choices.")
    language = form.get("language", "nl")
    if language not in LANGUAGES:
        errors["language"] = _("That is not one of the choices.")
    chosen = [int(t) for t in form.getlist("team") if t.isdigit()]
    if len(chosen) != len(form.getlist("team")) or not set(chosen) <= team_ids:
        errors["team"] = _("That is not one of the choices.")
    fields = {
        "email": email,
        "name": form.get("name", "").strip()[: accounts.NAME_MAX],
        "role": role,
        "language": language,
        "team_ids": chosen,
    }
    return fields, errors


@bp.get("")
def index() -> Any:
    return redirect(url_for("admin.users"))


@bp.route("/users", methods=["GET", "POST"])
def users() -> Any:
    if request.method == "GET":
        return _users_page()
    store = current_store()
    fields, errors = _check_account(request.form, {t["id"] for t in accounts.list_teams(store)})
    if errors:
        return _users_page(400, errors=errors, form=request.form)
    try:
        user = accounts.create_account(store, **fields)
    except ValueError:  # a second form with the same address won the race
        errors["email"] = _("An account with this email address exists already.")
        return _users_page(400, errors=errors, form=request.form)
    # The link is shown once, in this answer only: never in a cookie or a redirect.
    return _users_page(201, link=_link_for(user.id), link_user=accounts.by_id(store, user.id),
                       notice=_("Account added."))


@bp.post("/users/<int:user_id>/deactivate")
def deactivate(user_id: int) -> Any:
    user = _user_or_404(user_id)
    if user_id == current_user.id:
        return _users_page(400, notice=_("You cannot deactivate your own account."))
    try:
        accounts.deactivate(current_store(), user_id)
    except ValueError:
        return _users_page(400, notice=_("Keep at least one active admin."))
    return _users_page(notice=_("%(who)s is deactivated and logged out everywhere.",
                                who=user["name"] or user["email"]))


@bp.post("/users/<int:user_id>/reactivate")
def reactivate(user_id: int) -> Any:
    user = _user_or_404(user_id)
    accounts.reactivate(current_store(), user_id)
    return _users_page(notice=_("%(who)s can log in again.", who=user["name"] or user["email"]))


@bp.post("/users/<int:user_id>/link")
def password_link(user_id: int) -> Any:
    user = _user_or_404(user_id)
    if user["deactivated_at"] is not None:
        return _users_page(400, notice=_("Reactivate the account first."))
    return _users_page(link=_link_for(user_id), link_user=user)


# --- teams --------------------------------------------------------------------------------


@bp.route("/teams", methods=["GET", "POST"])
def teams() -> Any:
    store = current_store()
    error = None
    status = 200
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        if not name or len(name) > accounts.TEAM_NAME_MAX:
            error = _("Give the team a name of at most %(n)s characters.",
                      n=accounts.TEAM_NAME_MAX)
            status = 400
        else:
            team_id = accounts.add_team(store, name)
            return redirect(url_for("admin.team", team_id=team_id))
    return render_template("admin/teams.html", teams=accounts.list_teams(store), error=error,
                           name_max=accounts.TEAM_NAME_MAX), status


def _team_or_404(team_id: int) -> dict[str, Any]:
    found = accounts.team(current_store(), team_id)
    if found is None:
        abort(404)
    return found


def _team_page(team_id: int, status: int = 200, error: str | None = None) -> Any:
    found = _team_or_404(team_id)
    inside = {p["id"] for p in found["members"] + found["managers"]}
    candidates = [u for u in accounts.list_users(current_store())
                  if u["active"] and u["id"] not in inside]
    return render_template("admin/team.html", team=found, candidates=candidates,
                           roles=ROLE_LABELS, error=error), status


@bp.get("/teams/<int:team_id>")
def team(team_id: int) -> Any:
    return _team_page(team_id)


@bp.post("/teams/<int:team_id>/members")
def add_member(team_id: int) -> Any:
    _team_or_404(team_id)
    raw = request.form.get("user", "")
    user = accounts.by_id(current_store(), int(raw)) if raw.isdigit() else None
    if user is None or user["deactivated_at"] is not None:
        return _team_page(team_id, 400, _("Choose a person from the list."))
    accounts.add_member(current_store(), team_id, user["id"])
    return redirect(url_for("admin.team", team_id=team_id))


@bp.post("/teams/<int:team_id>/members/<int:user_id>/remove")
def remove_member(team_id: int, user_id: int) -> Any:
    _team_or_404(team_id)
    accounts.remove_member(current_store(), team_id, user_id)
    return redirect(url_for("admin.team", team_id=team_id))


# --- the one-time link (no login) ---------------------------------------------------------


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _limits_off() -> bool:
    return not current_app.config["RATELIMIT_ENABLED"]


@password_bp.route("/password/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], exempt_when=_limits_off)
def set_password(token: str) -> Any:
    store = current_store()
    user = accounts.password_link_user(store, token)
    if user is None:
        abort(404)
    error = None
    if request.method == "POST":
        password = request.form.get("password", "")
        if password != request.form.get("password2", ""):
            error = _("The two passwords differ.")
        elif len(password) < auth.PASSWORD_MIN:
            error = _("Use a password of at least %(n)s characters.", n=auth.PASSWORD_MIN)
        else:
            done = accounts.use_password_link(store, token, password)
            if done is None:
                abort(404)
            login_user(auth.start_session(store, done))
            return redirect(url_for("pages.workshop_list"))
    return render_template("password.html", user=user, error=error,
                           min_length=auth.PASSWORD_MIN), 400 if error else 200
