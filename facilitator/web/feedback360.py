"""The 360 round's pages: a participant makes a link for someone outside the room (shown
once), a colleague in the room answers, and someone outside answers through their link,
on their own device, without an account. Answers go through `three_sixty.answer`."""

from __future__ import annotations

import json
import secrets
from typing import Any

from flask import Blueprint, abort, current_app, g, render_template, request
from flask_babel import gettext as _

from facilitator.activities.feedback360 import activity, store
from facilitator.db import current_store, utcnow
from facilitator.live.actions import GUEST, PARTICIPANT, Actor
from facilitator.room import links as room_links
from facilitator.security import hash_token, limiter
from facilitator.web.persons import _limits_off, _participant, _person_limit, _private, qr_data_uri

bp = Blueprint("feedback360", __name__)

ERRORS = {
    "scale": "That is not one of the choices.",
    "long": "Too long: at most %(max)s characters.",
    "empty": "Answer at least one question.",
}


def _actor(workshop: dict[str, Any], participant: dict[str, Any]) -> Actor:
    return Actor(PARTICIPANT, workshop["id"], participant_id=participant["id"],
                 token_hash=participant["token_hash"])


def _dispatch(actor: Actor, op: str, data: dict[str, Any], extra: dict[str, Any]) -> Any:
    return current_app.extensions["facilitator.dispatcher"].dispatch(
        actor, {"op": op, "op_id": secrets.token_hex(12), "data": data}, extra)


@bp.post("/w/<code>/360/invite")
@limiter.limit(_person_limit, exempt_when=_limits_off)
def invite(code: str) -> Any:
    workshop, participant = _participant(code)
    token = secrets.token_urlsafe(12)
    ack = _dispatch(_actor(workshop, participant), "three_sixty.invite",
                    {"perspective": request.form.get("perspective")},
                    {"token_hash": hash_token(token)})
    if not ack["ok"]:
        return _private(render_template("error.html", status=400,
                                        message=ack["error"]["message"]), 400)
    url = room_links.public_base() + f"/f/{token}"
    return _private(render_template(
        "feedback360/invite.html", workshop=workshop, url=url, qr=qr_data_uri(url),
        perspective=request.form.get("perspective"),
        expires=ack["result"]["expires_at"][:10]))


def _form_page(workshop: dict[str, Any], invite: dict[str, Any], action: str,
               error: str | None = None) -> Any:
    subject = current_store().one("SELECT name FROM participants WHERE id = ?",
                                  (invite["subject_id"],))
    return _private(render_template(
        "feedback360/answer.html", workshop=workshop, action=action,
        subject=(subject or {}).get("name") or _("a colleague"),
        questions=store.questions(workshop["language"]), scale=store.SCALE,
        answer_max=store.ANSWER_MAX, error=error, form=request.form), 400 if error else 200)


def _answer(workshop: dict[str, Any], invite: dict[str, Any], actor: Actor,
            extra: dict[str, Any], action: str) -> Any:
    answers, problem = store.check_answers(request.form)
    if problem:
        message = _(ERRORS[problem], max=store.ANSWER_MAX)
        return _form_page(workshop, invite, action, message)
    ack = _dispatch(actor, "three_sixty.answer", {"invite_id": invite["id"]},
                    {**extra, "answers": json.dumps(answers, ensure_ascii=False)})
    if not ack["ok"]:
        return _private(render_template("error.html", status=400,
                                        message=ack["error"]["message"]), 400)
    # A colleague in the room goes back to the workshop; someone outside just closes it.
    return _private(render_template("feedback360/thanks.html", workshop=workshop,
                                    back=actor.kind == PARTICIPANT))


def _refused(workshop: dict[str, Any] | None, invite: dict[str, Any] | None) -> Any:
    refusal = activity.open_invite(current_store(), invite, utcnow())
    if refusal is None:
        return None
    status = 404 if refusal.code == "not_found" else 410
    return _private(render_template("error.html", status=status,
                                    message=refusal.render()["message"]), status)


@bp.route("/w/<code>/360/answer/<int:invite_id>", methods=["GET", "POST"])
@limiter.limit(_person_limit, methods=["POST"], exempt_when=_limits_off)
def answer_here(code: str, invite_id: int) -> Any:
    """A colleague in the room answers (their participant cookie says who they are)."""
    workshop, participant = _participant(code)
    invite = current_store().one(
        "SELECT * FROM feedback360_invites WHERE id = ? AND workshop_id = ? AND answerer_id = ?",
        (invite_id, workshop["id"], participant["id"]))
    refused = _refused(workshop, invite)
    if refused is not None:
        return refused
    action = request.path
    if request.method == "GET":
        return _form_page(workshop, invite, action)
    return _answer(workshop, invite, _actor(workshop, participant), {}, action)


@bp.route("/f/<token>", methods=["GET", "POST"])
@limiter.limit(_person_limit, exempt_when=_limits_off)
def answer_outside(token: str) -> Any:
    """Someone outside the room answers through the link they were sent."""
    invite = None
    if 0 < len(token) <= 60:
        invite = current_store().one(
            "SELECT * FROM feedback360_invites WHERE token_hash = ?", (hash_token(token),))
    workshop = None
    if invite is not None:
        workshop = current_store().one("SELECT * FROM workshops WHERE id = ?",
                                       (invite["workshop_id"],))
        g.workshop_language = request.cookies.get("lang") or workshop["language"]
    if invite is None:
        abort(404)
    refused = _refused(workshop, invite)
    if refused is not None:
        return refused
    action = request.path
    if request.method == "GET":
        return _form_page(workshop, invite, action)
    return _answer(workshop, invite, Actor(GUEST, workshop["id"]),
                   {"token_hash": hash_token(token)}, action)
