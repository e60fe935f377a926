"""Socket.IO: connect with an identity, `act` through the dispatcher, `sync` a fresh view.

The rooms a socket joins are named in `pusher`, which sends the views."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, request, session
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_socketio import SocketIO, join_room

# Not the builtin of the same name: only this one makes Flask-SocketIO refuse the
# connection; the builtin fell through to on_error and the connection was accepted.
from socketio.exceptions import ConnectionRefusedError

from facilitator.db import Store, iso, utcnow
from facilitator.errors import ActionError
from facilitator.i18n import locale_of
from facilitator.live.actions import BOARD, FACILITATOR, PARTICIPANT, Actor, Changes
from facilitator.live.pusher import (
    room_board,
    room_control,
    room_participant,
    room_phones,
    room_table,
)
from facilitator.live.screens import Views
from facilitator.room import participants, table_screens
from facilitator.room.table_screens import TABLE

log = logging.getLogger(__name__)

PARTICIPANT_COOKIE = "ftok_"


def _refuse(message: Any, code: str) -> ConnectionRefusedError:
    return ConnectionRefusedError(str(message), {"code": code})


def _authenticate(store: Store, auth: Any) -> tuple[Actor, str, dict[str, Any] | None]:
    """Resolve the handshake's `auth` to an actor, the screen's language and a participant."""
    if not isinstance(auth, dict):
        raise _refuse(_l("Please reload the page."), "bad_auth")
    kind = auth.get("kind")
    if kind == BOARD:
        token = auth.get("token")
        row = store.one("SELECT * FROM workshops WHERE board_token = ?", (str(token)[:100],))
        if row is None:
            raise _refuse(_l("This board link is not valid."), "bad_auth")
        return Actor(BOARD, row["id"]), row["language"], None
    if kind == TABLE:
        found = table_screens.lookup(store, auth.get("token"))
        if found is None:
            raise _refuse(_l("This table screen link is not valid."), "bad_auth")
        workshop, number = found
        return Actor(TABLE, workshop["id"], table=number), workshop["language"], None
    code = str(auth.get("code", ""))[:16].upper()
    row = store.one("SELECT * FROM workshops WHERE code = ?", (code,))
    if row is None:
        raise _refuse(_l("There is no workshop with this code. Check the code."), "bad_code")
    if kind == PARTICIPANT:
        token = auth.get("token") or request.cookies.get(PARTICIPANT_COOKIE + code)
        participant = participants.by_token(store, row["id"], token)
        if participant is None:
            raise _refuse(_l("Please join the workshop again."), "gone")
        return (
            Actor(PARTICIPANT, row["id"], participant_id=participant["id"]),
            row["language"],
            participant,
        )
    if kind == FACILITATOR:
        user = current_user
        if not user.is_authenticated or not user.may_run(row):
            raise _refuse(_l("Please log in again."), "login")
        return Actor(FACILITATOR, row["id"], user_id=user.id), user.language, None
    raise _refuse(_l("Please reload the page."), "bad_auth")


def _store() -> Store:
    return current_app.extensions["facilitator.store"]


def _actor() -> Actor | None:
    data = session.get("actor")
    return Actor(**data) if data else None


def _screen_language() -> Any:
    """Messages in the language this socket's screen was opened in (set at connect)."""
    return force_locale(locale_of(session.get("lang", "nl")))


def _genuine_connect() -> bool:
    """python-socketio also routes a client's own event named "connect" to the connect
    handler; only the real handshake passes the connection's environ first."""
    args = (getattr(request, "event", None) or {}).get("args") or ()
    return bool(args) and args[0] is request.environ


def register(socketio: SocketIO) -> None:
    """Attach the event handlers."""

    @socketio.on("connect")
    def on_connect(auth: Any = None) -> None:
        if not _genuine_connect():
            return None
        store = _store()
        actor, lang, participant = _authenticate(store, auth)
        session["actor"] = actor.__dict__
        session["lang"] = lang
        rooms = {
            BOARD: [room_board(actor.workshop_id)],
            FACILITATOR: [room_control(actor.workshop_id)],
            PARTICIPANT: [room_phones(actor.workshop_id)],
            TABLE: [room_table(actor.workshop_id, actor.table or 0)],
        }[actor.kind]
        if participant:
            rooms.append(room_participant(participant["id"]))
        for room in rooms:
            join_room(room)
        audience = table_screens.audience(actor.table) if actor.table else actor.kind
        participants.connected(
            store, request.sid, actor.workshop_id, audience, actor.participant_id
        )
        current_app.extensions["facilitator.pusher"].schedule(
            actor.workshop_id, Changes(board=True, control=True)
        )

    @socketio.on("disconnect")
    def on_disconnect(*_: Any) -> None:
        if socketio.server.manager.is_connected(request.sid, request.namespace):
            return  # a client's own event named "disconnect": it is still connected
        pusher = current_app.extensions["facilitator.pusher"]
        actor = _actor()
        if actor is not None and actor.participant_id is not None:
            pusher.forget(room_participant(actor.participant_id))
        workshop_id = participants.disconnected(_store(), request.sid)
        if workshop_id:
            pusher.schedule(workshop_id, Changes(board=True, control=True))

    @socketio.on("act")
    def on_act(envelope: Any = None) -> dict[str, Any]:
        actor = _actor()
        with _screen_language():
            if actor is None:
                return {
                    "ok": False,
                    "error": ActionError("bad_auth", _l("Please reload the page.")).render(),
                }
            return current_app.extensions["facilitator.dispatcher"].dispatch(actor, envelope)

    @socketio.on("sync")
    def on_sync(_: Any = None) -> dict[str, Any]:
        actor = _actor()
        with _screen_language():
            return sync_payload(_store(), actor)

    @socketio.on_error_default
    def on_error(exc: Exception) -> dict[str, Any] | bool:
        log.exception("socket handler failed", exc_info=exc)
        if (getattr(request, "event", None) or {}).get("message") == "connect":
            return False  # a failed handshake refuses the connection, never half-opens it
        with _screen_language():
            return {
                "ok": False,
                "error": ActionError(
                    "internal", _l("Something went wrong; please try again.")
                ).render(),
            }


def sync_payload(store: Store, actor: Actor | None) -> dict[str, Any]:
    """A fresh view of everything this screen shows, with the seq and the server time."""
    if actor is None:
        return {
            "ok": False,
            "error": ActionError("bad_auth", _l("Please reload the page.")).render(),
        }
    row = store.one("SELECT * FROM workshops WHERE id = ?", (actor.workshop_id,))
    if row is None:
        return {
            "ok": False,
            "error": ActionError("not_found", _l("This workshop no longer exists.")).render(),
        }
    workshop = dict(row)
    views = Views(store, workshop)
    out: dict[str, Any] = {"ok": True, "seq": views.seq, "now": iso(utcnow())}
    participant = None
    if actor.kind == PARTICIPANT:
        participant = store.one("SELECT * FROM participants WHERE id = ?", (actor.participant_id,))
        if participant is None:
            return {
                "ok": False,
                "error": ActionError("gone", _l("Please join the workshop again.")).render(),
            }
    # Views in the workshop's language, as the pusher renders them for the whole room
    # (one control push serves every facilitator): a sync must equal the last push.
    with force_locale(locale_of(workshop["language"])):
        if actor.kind == BOARD:
            out["board"] = views.board()
        elif actor.kind == FACILITATOR:
            out["control"] = views.control()
        elif actor.kind == TABLE:
            out["table"] = views.table(actor.table or 0)
        else:
            out["phone"] = views.phone()
            out["me"] = views.me(dict(participant or {}))
    return out
