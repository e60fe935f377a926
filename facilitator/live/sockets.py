"""Socket.IO: connect with an identity, `act` through the dispatcher, `sync` a fresh view.

The rooms a socket joins are named in `pusher`, which sends the views."""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import current_app, request, session
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_socketio import SocketIO, join_room
from socketio import packet

# Not the builtin of the same name: only this one makes Flask-SocketIO refuse the
# connection; the builtin fell through to on_error and the connection was accepted.
from socketio.exceptions import ConnectionRefusedError

from facilitator.db import Store, current_store, iso, utcnow
from facilitator.errors import ActionError, not_allowed
from facilitator.i18n import LANGUAGES, locale_of
from facilitator.live import wire
from facilitator.live.actions import (
    BOARD,
    FACILITATOR,
    PARTICIPANT,
    Actor,
    Changes,
    refusal,
)
from facilitator.live.pusher import (
    Encoded,
    room_board,
    room_control,
    room_participant,
    room_phones,
    room_table,
)
from facilitator.live.ratelimit import SlidingWindow
from facilitator.live.screens import Views
from facilitator.room import participants, table_screens
from facilitator.room.table_screens import TABLE
from facilitator.security import hash_token, join_code_answered

log = logging.getLogger(__name__)

PARTICIPANT_COOKIE = "ftok_"
BINARY_HEADER = re.compile(r"^([56])\d*-")
MALFORMED = "malformed"


class TextOnlyPacket(packet.Packet):
    """Socket.IO packets as python-socketio decodes them, minus what the app never uses.

    - Binary packets are refused: the header of one names how many binary frames follow
      (up to 9,999,999,999), and the server buffered every one of them before handling
      the event. Now the header is read as a plain event whose argument is dropped (so
      `act` acks it `malformed`), and binary frames are dropped as they come.
    - JSON too deep (or not JSON) no longer raises inside python-socketio with a
      traceback in the log: an event keeps its name and ack id and gets `None` as its
      argument, which `act` answers with a `malformed` ack; other packets get no data.
    """

    json = wire  # outgoing packets (acks, syncs) encoded by orjson, incoming as before

    def __init__(self, *args: Any, encoded_packet: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, encoded_packet=encoded_packet, **kwargs)
        if encoded_packet is not None and not encoded_packet:
            self.decode(encoded_packet)  # an empty frame: python-socketio skips decoding

    def encode(self) -> Any:
        """A push whose payload the pusher encoded already (`Encoded`) is spliced in as it
        is; everything else as python-socketio encodes it."""
        data = self.data
        if (self.packet_type == packet.EVENT and isinstance(data, list) and len(data) == 2
                and isinstance(data[1], Encoded)):
            head = str(self.packet_type)
            if self.namespace is not None and self.namespace != "/":
                head += self.namespace + ","
            if self.id is not None:
                head += str(self.id)
            return f"{head}[{wire.dumps(data[0])},{data[1]}]"
        return super().encode()

    def decode(self, encoded_packet: Any) -> int:
        if not encoded_packet:
            self.packet_type, self.namespace, self.data, self.id = packet.ACK, None, None, None
            return 0
        if not isinstance(encoded_packet, str):
            # A binary frame: read as an ack nobody waits for, which python-socketio
            # ignores ("unknown callback").
            self.packet_type, self.namespace, self.data, self.id = packet.ACK, None, None, None
            return 0
        binary = BINARY_HEADER.match(encoded_packet)
        if binary:
            kind = packet.EVENT if binary.group(1) == str(packet.BINARY_EVENT) else packet.ACK
            encoded_packet = str(kind) + encoded_packet[binary.end():]
        try:
            super().decode(encoded_packet)
        except (RecursionError, ValueError):
            self.data = [MALFORMED, None] if self.packet_type == packet.EVENT else None
            name = EVENT_NAME.match(encoded_packet)
            if name and self.packet_type == packet.EVENT:
                self.data = [name.group(1), None]
            return 0
        if self.packet_type == packet.EVENT:
            data = self.data
            if not (isinstance(data, list) and data and isinstance(data[0], str)):
                self.data = [MALFORMED, None]
            elif binary:
                self.data = [data[0], None]  # what it carried is never looked at
        elif binary:
            self.id = None  # a binary ack: there is nothing of ours to answer
        return 0


EVENT_NAME = re.compile(r'^\d+(?:/[^,]*,)?\d*\[\s*"([A-Za-z_]{1,32})"')


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
    # Telling a valid code from an invalid one counts in the join limit, as on /join; a
    # logged-in facilitator's control page is not held up by guessers on the same address.
    signed_in = kind == FACILITATOR and current_user.is_authenticated
    row = store.one("SELECT * FROM workshops WHERE code = ?", (code,))
    if not signed_in and not join_code_answered(row is not None):
        raise _refuse(_l("Too many attempts. Wait a minute and try again."), "rate_limited")
    if row is None:
        raise _refuse(_l("There is no workshop with this code. Check the code."), "bad_code")
    if kind == PARTICIPANT:
        token = auth.get("token") or request.cookies.get(PARTICIPANT_COOKIE + code)
        participant = participants.by_token(store, row["id"], token)
        if participant is None:
            raise _refuse(_l("Please join the workshop again."), "gone")
        return (
            Actor(
                PARTICIPANT,
                row["id"],
                participant_id=participant["id"],
                token_hash=participant["token_hash"],
            ),
            participants.language_of(participant, dict(row)),
            participant,
        )
    if kind == FACILITATOR:
        # A client without a browser brings its API token (docs/protocol.md); a browser
        # brings its session cookie. A token given decides alone: a bad one never falls
        # back to whatever session the same client also carries.
        from facilitator.auth import user_by_api_token  # here: keeps this branch self-contained

        token = auth.get("token")
        if token is not None:
            user = user_by_api_token(store, token) if isinstance(token, str) else None
        else:
            user = current_user if current_user.is_authenticated else None
        if user is None or not user.may_run(row):
            raise _refuse(_l("Please log in again."), "login")
        return Actor(FACILITATOR, row["id"], user_id=user.id), _page_language(user), None
    raise _refuse(_l("Please reload the page."), "bad_auth")


def _page_language(user: Any) -> str:
    """The language the facilitator's pages speak (i18n.select_locale): the one chosen
    with the language switch, before or after logging in, else the account's own. Her
    refusals on the control page speak it too."""
    chosen = request.cookies.get("lang")
    return chosen if chosen in LANGUAGES else user.language


def _draft_item(value: Any) -> int | None:
    """An agenda item id a phone names for its unsent text; anything else is none."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        return value
    return None


def _actor() -> Actor | None:
    data = session.get("actor")
    return Actor(**data) if data else None


def _login_session(actor: Actor, auth: Any) -> str | None:
    """The hash of the login session a facilitator's browser connected with (None for
    an API token, a board, a table or a phone): its end ends this socket too."""
    if actor.kind != FACILITATOR or auth.get("token") is not None:
        return None
    session_id = getattr(current_user, "session_id", None)
    return hash_token(session_id) if session_id else None


def _login_holds() -> bool:
    """Whether this socket's login session still exists (checked on every act and sync:
    a logout in another process cannot disconnect this socket itself)."""
    login = session.get("login")
    if not login:
        return True
    return current_store().one("SELECT 1 FROM user_sessions WHERE id = ?", (login,)) is not None


def _logged_out() -> dict[str, Any]:
    """Refuse, and disconnect this socket once the refusal has gone out."""
    socketio = current_app.extensions["socketio"]
    sid = request.sid

    def later() -> None:
        socketio.sleep(0.2)
        socketio.server.disconnect(sid, namespace="/")

    socketio.start_background_task(later)
    return refusal(ActionError("login", _l("Please log in again.")))


def close_login_sockets(
    store: Store, session_hashes: list[str], user_id: int | None = None
) -> None:
    """Disconnect every socket opened under these (ended) login sessions, and with
    `user_id` every facilitator socket of that account (its API token's too)."""
    marks = ",".join("?" * len(session_hashes))
    rows = store.all(
        f"SELECT sid FROM presence WHERE login_session IN ({marks}) OR user_id = ?",
        (*session_hashes, user_id),
    )
    server = current_app.extensions["socketio"].server
    for sid in sorted({r["sid"] for r in rows}):
        try:
            server.disconnect(sid, namespace="/")
        except Exception:  # one broken connection must not keep the others open
            log.exception("could not disconnect %s", sid)


def _screen_language() -> Any:
    """Messages in the language this socket's screen was opened in (set at connect)."""
    return force_locale(locale_of(session.get("lang", "nl")))


def _genuine_connect() -> bool:
    """python-socketio also routes a client's own event named "connect" to the connect
    handler; only the real handshake passes the connection's environ first."""
    args = (getattr(request, "event", None) or {}).get("args") or ()
    return bool(args) and args[0] is request.environ


def _sync_limiter() -> SlidingWindow:
    extensions = current_app.extensions
    if "facilitator.sync_limiter" not in extensions:
        extensions["facilitator.sync_limiter"] = SlidingWindow(current_app.config["SYNC_RATE"])
    return extensions["facilitator.sync_limiter"]


def register(socketio: SocketIO) -> None:
    """Attach the event handlers."""
    # python-socketio's extension point for the wire format (its `serializer`).
    socketio.server.packet_class = TextOnlyPacket

    @socketio.on("connect")
    def on_connect(auth: Any = None) -> None:
        if not _genuine_connect():
            return None
        store = current_store()
        # A refusal comes before we know whose screen this is: it speaks the language the
        # page was shown in (`auth.lang`, a hint only), not the server's default.
        hint = auth.get("lang") if isinstance(auth, dict) else None
        with force_locale(locale_of(hint if isinstance(hint, str) else "nl")):
            actor, lang, participant = _authenticate(store, auth)
        session["actor"] = actor.__dict__
        session["lang"] = lang
        login = _login_session(actor, auth)
        session["login"] = login
        rooms = {
            BOARD: [room_board(actor.workshop_id)],
            FACILITATOR: [room_control(actor.workshop_id)],
            PARTICIPANT: [room_phones(actor.workshop_id, (participant or {}).get("language"))],
            TABLE: [room_table(actor.workshop_id, actor.table or 0)],
        }[actor.kind]
        if participant:
            rooms.append(room_participant(actor.workshop_id, participant["id"]))
        for room in rooms:
            join_room(room)
        audience = table_screens.audience(actor.table) if actor.table else actor.kind
        draft = _draft_item(auth.get("draft")) if actor.kind == PARTICIPANT else None
        participants.connected(
            store, request.sid, actor.workshop_id, audience, actor.participant_id, login,
            actor.user_id, draft,
        )
        pusher = current_app.extensions["facilitator.pusher"]
        if participant:
            pusher.phone_here(request.sid, actor.workshop_id, participant["id"])
        if actor.kind == FACILITATOR and auth.get("patches") is True:
            pusher.patches_for(request.sid)  # the control page (core/patch.js)
        pusher.schedule(actor.workshop_id, Changes(board=True, control=True))

    @socketio.on("disconnect")
    def on_disconnect(*_: Any) -> None:
        if socketio.server.manager.is_connected(request.sid, request.namespace):
            return  # a client's own event named "disconnect": it is still connected
        pusher = current_app.extensions["facilitator.pusher"]
        pusher.gone(request.sid)
        actor = _actor()
        if actor is not None and actor.participant_id is not None:
            pusher.forget(room_participant(actor.workshop_id, actor.participant_id))
        workshop_id = participants.disconnected(current_store(), request.sid)
        if workshop_id:
            pusher.schedule(workshop_id, Changes(board=True, control=True))

    @socketio.on("act")
    def on_act(envelope: Any = None) -> dict[str, Any]:
        actor = _actor()
        with _screen_language():
            if actor is None:
                return refusal(ActionError("bad_auth", _l("Please reload the page.")))
            if not _login_holds():
                return _logged_out()
            return current_app.extensions["facilitator.dispatcher"].dispatch(actor, envelope)

    @socketio.on("sync")
    def on_sync(_: Any = None) -> dict[str, Any]:
        actor = _actor()
        with _screen_language():
            # Per connection, like `act`: each sync computes and sends a whole view, and
            # pipelined syncs of a large one grew the server by hundreds of MB.
            if not _sync_limiter().hit(request.sid):
                slow = _l("Slow down a little, then try again.")
                return refusal(ActionError("rate_limited", slow))
            if not _login_holds():
                return _logged_out()
            return sync_payload(current_store(), actor)

    @socketio.on("draft")
    def on_draft(data: Any = None) -> dict[str, Any]:
        """A phone holds unsent text for an item now, or no longer (`{item_id}` or
        `{item_id: null}`): a fact about the phone, not a change to the workshop, so no
        action and no event; the control page counts it (issue 15, point 3)."""
        actor = _actor()
        with _screen_language():
            if actor is None or actor.kind != PARTICIPANT:
                return refusal(not_allowed())
            if not _sync_limiter().hit(request.sid):
                slow = _l("Slow down a little, then try again.")
                return refusal(ActionError("rate_limited", slow))
            item = _draft_item(data.get("item_id") if isinstance(data, dict) else None)
            workshop_id = participants.set_draft(current_store(), request.sid, item)
            if workshop_id:
                current_app.extensions["facilitator.pusher"].schedule(
                    workshop_id, Changes(control=True))
            return {"ok": True}

    @socketio.on("people")
    def on_people(_: Any = None) -> dict[str, Any]:
        actor = _actor()
        with _screen_language():
            if not _sync_limiter().hit(request.sid):
                slow = _l("Slow down a little, then try again.")
                return refusal(ActionError("rate_limited", slow))
            return people_payload(current_store(), actor)

    @socketio.on_error_default
    def on_error(exc: Exception) -> dict[str, Any] | bool:
        log.exception("socket handler failed", exc_info=exc)
        if (getattr(request, "event", None) or {}).get("message") == "connect":
            return False  # a failed handshake refuses the connection, never half-opens it
        with _screen_language():
            return refusal(ActionError("internal", _l("Something went wrong; please try again.")))


def sync_payload(store: Store, actor: Actor | None) -> dict[str, Any]:
    """A fresh view of everything this screen shows, with the seq and the server time."""
    if actor is None:
        return refusal(ActionError("bad_auth", _l("Please reload the page.")))
    row = store.one("SELECT * FROM workshops WHERE id = ?", (actor.workshop_id,))
    if row is None:
        return refusal(ActionError("not_found", _l("This workshop no longer exists.")))
    workshop = dict(row)
    views = Views(store, workshop)
    out: dict[str, Any] = {"ok": True, "seq": views.seq, "now": iso(utcnow())}
    participant = None
    if actor.kind == PARTICIPANT:
        participant = store.one(
            "SELECT * FROM participants WHERE id = ? AND workshop_id = ? AND token_hash = ?",
            (actor.participant_id, actor.workshop_id, actor.token_hash),
        )
        if participant is None:
            return refusal(ActionError("gone", _l("Please join the workshop again.")))
    # Views in the workshop's language, as the pusher renders them for the whole room
    # (one control push serves every facilitator): a sync must equal the last push.
    with force_locale(locale_of(workshop["language"])):
        if actor.kind == BOARD:
            out["board"] = views.board()
        elif actor.kind == FACILITATOR:
            out["control"] = views.control()
        elif actor.kind == TABLE:
            out["table"] = views.table(actor.table or 0)
    if actor.kind == PARTICIPANT:
        # A phone that chose its own language syncs in it, as its pushes come.
        with force_locale(locale_of(participants.language_of(participant, workshop))):
            out["phone"] = views.phone()
            out["me"] = views.me(participant or {})
    return out


def people_payload(store: Store, actor: Actor | None) -> dict[str, Any]:
    """The named participants, for a phone whose current activity offers a choice of
    colleagues (its phone view carries `people_rev`); asked for when that changes."""
    if actor is None or actor.kind != PARTICIPANT:
        return refusal(ActionError("bad_auth", _l("Please reload the page.")))
    row = store.one("SELECT * FROM workshops WHERE id = ?", (actor.workshop_id,))
    if row is None or not store.one(
        "SELECT 1 FROM participants WHERE id = ? AND workshop_id = ? AND token_hash = ?",
        (actor.participant_id, actor.workshop_id, actor.token_hash),
    ):
        return refusal(ActionError("gone", _l("Please join the workshop again.")))
    with force_locale(locale_of(row["language"])):
        item = Views(store, dict(row)).phone()["item"]
    view = item["view"] if item else None
    if not isinstance(view, dict) or "people_rev" not in view:
        return refusal(not_allowed())
    return {
        "ok": True,
        "rev": view["people_rev"],
        "people": participants.named(store, actor.workshop_id),
        # Who asks: a list to choose a colleague from leaves them out, whatever else the
        # phone has received yet (its own part may come later than the shared view).
        "self": actor.participant_id,
    }
