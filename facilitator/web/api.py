"""JSON API v1 with Bearer tokens (see docs/api.md)."""

from __future__ import annotations

import secrets
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, request
from flask_babel import gettext as _

from facilitator import auth
from facilitator.activities import registry
from facilitator.db import Store, current_store, utcnow
from facilitator.live.screens import ViewContext
from facilitator.room import links, participants, workshops
from facilitator.room.items import agenda_of
from facilitator.security import join_code_answered, limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def error(status: int, code: str, message: str) -> Any:
    return jsonify({"error": {"code": code, "message": message}}), status


def _api_limit() -> str:
    return current_app.config["RATELIMIT_API"]


def _limits_off() -> bool:
    return not current_app.config["RATELIMIT_ENABLED"]


def token_required(view: Any) -> Any:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        bearer = scheme.lower() == "bearer"
        user = auth.user_by_api_token(current_store(), token.strip()) if bearer else None
        if user is None:
            return error(401, "unauthorized", _("A valid API token is needed."))
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper


def _summary(workshop: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": workshop["code"],
        "title": workshop["title"],
        "language": workshop["language"],
        "status": workshop["status"],
        "locked": bool(workshop["locked"]),
        "team_id": workshop["team_id"],
        "created_at": workshop["created_at"],
        "closed_at": workshop["closed_at"],
        "join_url": links.join_url(workshop["code"]),
        "board_url": links.board_url(workshop),
        "control_url": links.control_url(workshop),
    }


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400)
    return body


@bp.post("/workshops")
@token_required
@limiter.limit(_api_limit, exempt_when=_limits_off)
def create() -> Any:
    user = g.api_user
    if not user.may_facilitate:
        return error(403, "forbidden", _("You may not do that here."))
    body = _json_body()
    teams = {t["id"] for t in auth.teams_of(current_store(), user)}
    fields, errors = workshops.check_new(
        body.get("title"),
        body.get("language", "nl"),
        body.get("agenda", "welcome"),
        body.get("team_id"),
        teams,
    )
    if errors:
        return error(400, "invalid", next(iter(errors.values())))
    workshop = workshops.create_workshop(current_store(), user.id, **fields)
    return jsonify(_summary(workshop)), 201


@bp.get("/workshops")
@token_required
@limiter.limit(_api_limit, exempt_when=_limits_off)
def list_workshops() -> Any:
    rows = current_store().all(
        # A deleted workshop's row (kept for its agreements) is not a workshop any more.
        "SELECT * FROM workshops WHERE owner_id = ? AND deleted_at IS NULL"
        " ORDER BY created_at DESC", (g.api_user.id,)
    )
    return jsonify({"workshops": [_summary(dict(r)) for r in rows]})


@bp.get("/workshops/<code>")
@token_required
@limiter.limit(_api_limit, exempt_when=_limits_off)
def get_workshop(code: str) -> Any:
    workshop = workshops.by_code(current_store(), code)
    if workshop is None or not g.api_user.may_run(workshop):
        return error(404, "not_found", _("This page does not exist."))
    return jsonify(export(current_store(), workshop))


def export(store: Store, workshop: dict[str, Any]) -> dict[str, Any]:
    """The whole workshop as JSON; each activity decides what of it may leave."""
    v = ViewContext(store, workshop, utcnow())
    kinds = registry()
    agenda = []
    for item in agenda_of(store, workshop["id"]):
        activity = kinds.get(item["kind"])
        entry = {"id": item["id"], "kind": item["kind"], "title": item["title"]}
        if activity is not None and activity.export is not None:
            entry["content"] = activity.export(v, item)
        agenda.append(entry)
    counts = participants.counts(store, workshop["id"])
    return {
        **_summary(workshop),
        "participants": counts["joined"],
        "current_item_id": workshop["current_item_id"],
        "agenda": agenda,
    }


@bp.post("/join")
@limiter.limit(lambda: current_app.config["RATELIMIT_JOIN_FLOOD"], exempt_when=_limits_off)
def join() -> Any:
    """Join as a participant without a browser (kiosks, load tests): returns the token."""
    body = _json_body()
    workshop = workshops.by_code(current_store(), str(body.get("code", "")))
    # Failed codes count in the one join limit of the pages and the socket (item 14).
    if not join_code_answered(workshop is not None):
        return error(429, "rate_limited", _("Too many attempts. Wait a minute and try again."))
    if workshop is not None:
        g.workshop_language = workshop["language"]
    refusal = participants.join_refusal(workshop)
    if refusal is not None:
        return error(404, refusal.code, refusal.render()["message"])
    token, ack = participants.join_phone(
        current_app.extensions["facilitator.dispatcher"],
        workshop,
        body.get("op_id") or secrets.token_hex(12),
        body.get("name"),
        bool(body.get("anonymous")),
    )
    if not ack["ok"]:
        return error(400, ack["error"]["code"], ack["error"]["message"])
    if ack.get("duplicate"):
        return error(409, "duplicate", _("You have joined already."))
    return jsonify(
        {
            "token": token,
            "participant_id": ack["result"]["participant_id"],
            "code": workshop["code"],
        }
    ), 201


@bp.get("/workshops/<code>/report.md")
@token_required
@limiter.limit(_api_limit, exempt_when=_limits_off)
def report_markdown(code: str) -> Any:
    """The report as Markdown, for a client that holds a token instead of a login."""
    from facilitator.web import report  # the page's own renderers: one report, two doors

    workshop = workshops.by_code(current_store(), code)
    if workshop is None or not g.api_user.may_run(workshop):
        return error(404, "not_found", _("This page does not exist."))
    g.workshop_language = workshop["language"]  # as the report page: the room's language
    return report.download(workshop, "md")
