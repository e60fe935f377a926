"""Socket.IO: connect with an identity, `act` through the dispatcher, `sync`, and pushes.

Pushes are full views of one audience's screen, each carrying the workshop's `seq`,
sent at once when the workshop was quiet and otherwise at most one per PUSH_DELAY
seconds, so that 200 phones pressing send at once cause a handful of board updates
instead of 200 (coalescing), while a phase change is not delayed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import current_app, request, session
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_socketio import SocketIO, join_room

# Not the builtin of the same name: only this one makes Flask-SocketIO refuse the
# connection; the builtin fell through to on_error and the connection was accepted.
from socketio.exceptions import ConnectionRefusedError

from . import participants, table_screens
from .actions import BOARD, FACILITATOR, PARTICIPANT, Actor, Changes
from .audiences import Views
from .db import Store, iso, utcnow
from .errors import ActionError
from .i18n import locale_of
from .table_screens import TABLE

log = logging.getLogger(__name__)

PARTICIPANT_COOKIE = "ftok_"

Message = tuple[str, int, Any, str]  # event name, seq, view, room


def room_board(workshop_id: int) -> str:
    return f"w{workshop_id}:board"


def room_control(workshop_id: int) -> str:
    return f"w{workshop_id}:control"


def room_phones(workshop_id: int) -> str:
    return f"w{workshop_id}:phones"


def room_participant(participant_id: int) -> str:
    return f"p{participant_id}"


def room_table(workshop_id: int, number: int) -> str:
    return f"w{workshop_id}:table{number}"


class Pusher:
    """Gathers changes per workshop and sends each audience its fresh view."""

    def __init__(self, app: Any, socketio: SocketIO, store: Store, delay: float):
        self.app = app
        self.socketio = socketio
        self.store = store
        self.delay = delay
        self.pending: dict[int, Changes] = {}
        self.lock = threading.Lock()
        self.sent: dict[str, int] = {}  # room -> hash of the last view pushed there (see forget)
        self.last_flush: dict[int, float] = {}  # workshop -> when its next push may go

    def schedule(self, workshop_id: int, changes: Changes) -> None:
        with self.lock:
            if workshop_id in self.pending:
                self.pending[workshop_id].merge(changes)
                return
            gathered = Changes()
            gathered.merge(changes)
            self.pending[workshop_id] = gathered
        self.socketio.start_background_task(self._flush_later, workshop_id)

    def _flush_later(self, workshop_id: int) -> None:
        # Throttle, not debounce: a change in a quiet workshop (a phase change) goes
        # out at once; changes within PUSH_DELAY of the last push are gathered into
        # the next one (a burst of submissions). A push whose views are expensive (a
        # control page listing 1,000 people and 1,000 dilemmas) spaces the next one by
        # twice its own cost, so pushing never takes more than a third of the server.
        while (wait := self.last_flush.get(workshop_id, 0.0) - time.monotonic()) > 0:
            self.socketio.sleep(wait)  # again: a push running meanwhile may move it
        started = time.monotonic()
        self.last_flush[workshop_id] = started + self.delay
        with self.lock:
            changes = self.pending.pop(workshop_id, None)
        if changes is None:
            return
        try:
            with self.app.app_context():
                self.flush(workshop_id, changes)
        except Exception:
            log.exception("push failed for workshop %s", workshop_id)
        finally:
            cost = time.monotonic() - started
            self.last_flush[workshop_id] = started + max(self.delay, 3 * cost)

    def flush(self, workshop_id: int, changes: Changes) -> None:
        """Send each changed audience its view, the shared screens first.

        The board, every phone and the table screens get theirs before the per-phone
        parts and the control page are computed: at 1,000 phones those take tens of ms,
        and a phase change should not wait for them. Each part is one snapshot: views
        are computed without yielding, so they match the seq read with them."""
        own = changes.control or changes.personal != set()
        if changes.board or changes.phones:
            self._send(self._shared(workshop_id, changes))
            if own:
                self.socketio.sleep(0)  # the sockets' writers send the shared views now
        if own:
            self._send(self._own(workshop_id, changes))

    def _snapshot(
        self, workshop_id: int, build: Callable[[Views, int], list[Message]]
    ) -> list[Message]:
        """Messages built from views of one moment, in the workshop's language."""
        row = self.store.one("SELECT * FROM workshops WHERE id = ?", (workshop_id,))
        if row is None:
            return []
        views = Views(self.store, dict(row))
        with force_locale(locale_of(views.workshop["language"])):
            return build(views, views.seq)

    def _shared(self, workshop_id: int, changes: Changes) -> list[Message]:
        def build(views: Views, seq: int) -> list[Message]:
            out: list[Message] = []
            if changes.board:
                out.append(("board", seq, views.board(), room_board(workshop_id)))
            if changes.phones:
                out.append(("phone", seq, views.phone(), room_phones(workshop_id)))
            if changes.board:  # a table screen shows one group of what the board shows
                for n in table_screens.connected(self.store, workshop_id):
                    out.append(("table", seq, views.table(n), room_table(workshop_id, n)))
            return out

        return self._snapshot(workshop_id, build)

    def _own(self, workshop_id: int, changes: Changes) -> list[Message]:
        def build(views: Views, seq: int) -> list[Message]:
            ids = (
                self._online(workshop_id) if changes.personal is None else sorted(changes.personal)
            )
            out: list[Message] = [
                ("me", seq, view, room_participant(pid))
                for pid, view in views.personal(ids).items()
            ]
            if changes.control:
                out.append(("control", seq, views.control(), room_control(workshop_id)))
            return out

        return self._snapshot(workshop_id, build)

    def _send(self, messages: list[Message]) -> None:
        for name, seq, view, room in messages:
            if self._fresh(room, view):
                self.socketio.emit(name, {"seq": seq, "view": view}, to=room)

    def _fresh(self, room: str, view: Any) -> bool:
        """Whether this view differs from the last one sent to the room. An action that
        marks the phones changed without changing what they show (a submission under a
        constant phone view) would otherwise resend it to every phone on every flush:
        1,000 phones x 40 flushes during a burst. Screens that missed a push sync on
        reconnect; an actor that sees no push for its ack's seq syncs (live.js)."""
        digest = hash(json.dumps(view, sort_keys=True, default=str))
        if self.sent.get(room) == digest:
            return False
        self.sent[room] = digest
        return True

    def forget(self, room: str) -> None:
        """A screen left the room: its next view goes out whatever it is (it syncs on
        reconnect anyway), and the map does not grow with every phone ever connected."""
        self.sent.pop(room, None)

    def _online(self, workshop_id: int) -> list[int]:
        rows = self.store.all(
            "SELECT DISTINCT participant_id FROM presence"
            " WHERE workshop_id = ? AND participant_id IS NOT NULL",
            (workshop_id,),
        )
        return [r[0] for r in rows]


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
    if actor.kind == BOARD:
        out["board"] = views.board()
    elif actor.kind == FACILITATOR:
        out["control"] = views.control()
    elif actor.kind == TABLE:
        out["table"] = views.table(actor.table or 0)
    else:
        participant = store.one("SELECT * FROM participants WHERE id = ?", (actor.participant_id,))
        if participant is None:
            return {
                "ok": False,
                "error": ActionError("gone", _l("Please join the workshop again.")).render(),
            }
        out["phone"] = views.phone()
        out["me"] = views.me(dict(participant))
    return out
