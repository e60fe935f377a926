"""JSON API for agreements (managers, facilitators, admins with a token; see docs/api.md)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from facilitator.agreements import access
from facilitator.agreements import exports as agreement_exports
from facilitator.db import current_store
from facilitator.security import limiter
from facilitator.web.api import _api_limit, _limits_off, error, token_required

bp = Blueprint("api_agreements", __name__, url_prefix="/api/v1")
# An id SQLite can hold: a larger one in the path is a 404, not an OverflowError (a 500).
ID_MAX = 2**63 - 1


def _refused(err: access.AccessError) -> Any:
    return error(err.status, err.code, err.message)


def _rows() -> list[dict[str, Any]]:
    store = current_store()
    return access.search(store, g.api_user, access.parse_filters(store, g.api_user, request.args))


@bp.get("/agreements")
@token_required
@limiter.limit(_api_limit, exempt_when=_limits_off)
def list_agreements() -> Any:
    try:
        rows = _rows()
    except access.AccessError as err:
        return _refused(err)
    return jsonify({"agreements": [access.as_json(r) for r in rows]})


@bp.get("/agreements.csv")
@token_required
@limiter.limit(_api_limit, exempt_when=_limits_off)
def agreements_csv() -> Any:
    try:
        rows = _rows()
    except access.AccessError as err:
        return _refused(err)
    return Response(
        agreement_exports.to_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="afspraken.csv"'},
    )


@bp.get("/agreements.ics")
@token_required
@limiter.limit(_api_limit, exempt_when=_limits_off)
def agreements_ics() -> Any:
    try:
        rows = _rows()
    except access.AccessError as err:
        return _refused(err)
    return Response(
        agreement_exports.to_ics(rows, request.host.split(":")[0]),
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="afspraken.ics"'},
    )


@bp.get(f"/agreements/<int(max={ID_MAX}):agreement_id>")
@token_required
@limiter.limit(_api_limit, exempt_when=_limits_off)
def get_agreement(agreement_id: int) -> Any:
    try:
        row = access.find(current_store(), g.api_user, agreement_id)
    except access.AccessError as err:
        return _refused(err)
    return jsonify({**access.as_json(row), "history": [
        {k: h[k] for k in ("from_status", "status", "note", "actor", "at")}
        for h in access.history(current_store(), agreement_id)
    ]})


@bp.patch(f"/agreements/<int(max={ID_MAX}):agreement_id>")
@token_required
@limiter.limit(_api_limit, exempt_when=_limits_off)
def patch_agreement(agreement_id: int) -> Any:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) - {"status", "note"}:
        return error(400, "invalid", access.invalid_body_message())
    try:
        row = access.change_status(
            current_store(), g.api_user, agreement_id, body.get("status"), body.get("note"),
            current_app.extensions["facilitator.pusher"],
        )
    except access.AccessError as err:
        return _refused(err)
    return jsonify(access.as_json(row))
