"""The action registry and the one dispatcher (DESIGN invariant 1).

Every change to a workshop, from any screen, arrives here as an action
`{op, op_id, data}`: schema check, role check, rate limit, idempotency by `op_id`,
one IMMEDIATE transaction that writes the domain rows and an event row with the
workshop's next `seq`; then the caller acks and the pusher sends fresh views.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.db import Store, dumps, iso, utcnow
from facilitator.errors import ActionError, not_allowed
from facilitator.live.ratelimit import SlidingWindow
from facilitator.schema import validate

log = logging.getLogger(__name__)

OP_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
OP_NAME = re.compile(r"^[a-z_]{1,32}\.[a-z_]{1,32}$")

FACILITATOR = "facilitator"
PARTICIPANT = "participant"
BOARD = "board"
GUEST = "guest"
# A manager (or a facilitator) reviewing agreements after the workshop, from the review
# pages or the API: not a screen in the room, but their changes are actions all the same.
MANAGER = "manager"


# The `actor` of a participant's events once their workshop has closed.
ANONYMOUS_PARTICIPANT = "p"


@dataclass(frozen=True)
class Actor:
    """Who acts: resolved from a session, a participant token or a board token."""

    kind: str
    workshop_id: int
    user_id: int | None = None
    participant_id: int | None = None
    table: int | None = None  # a table screen's number (read-only; no action names it)
    # A participant's token hash, checked with the id on every action and sync: an id
    # alone could name someone else if the row were ever replaced.
    token_hash: str | None = None

    @property
    def key(self) -> str:
        if self.kind == PARTICIPANT:
            return f"p:{self.participant_id}"
        if self.kind in (FACILITATOR, MANAGER):
            return f"u:{self.user_id}"
        return self.kind


@dataclass
class Changes:
    """Which per-person views an action changed (the control page, phones' own parts);
    the pusher refreshes the shared ones (board, phones, tables) after every action."""

    board: bool = False
    control: bool = False
    phones: bool = False
    # participant ids whose personal view changed; None means every participant
    personal: set[int] | None = field(default_factory=set)
    # connections (sids) to close once the change is committed: a removed participant's
    sockets: set[str] = field(default_factory=set)
    # participants whose phones move to another phones room (they chose their own language)
    rooms: set[int] = field(default_factory=set)

    def everything(self) -> Changes:
        self.board = self.control = self.phones = True
        self.personal = None
        return self

    def add_personal(self, participant_id: int) -> None:
        if self.personal is not None:
            self.personal.add(participant_id)

    def merge(self, other: Changes) -> None:
        self.board |= other.board
        self.control |= other.control
        self.phones |= other.phones
        self.sockets |= other.sockets
        self.rooms |= other.rooms
        if self.personal is None or other.personal is None:
            self.personal = None
        else:
            self.personal |= other.personal

    @property
    def empty(self) -> bool:
        return (
            not (self.board or self.control or self.phones or self.sockets)
            and self.personal == set()
        )


@dataclass
class Context:
    """What a handler gets: the open transaction, the workshop row and the actor."""

    db: Any
    workshop: dict[str, Any]
    actor: Actor
    now: datetime
    changes: Changes
    extra: dict[str, Any]

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.db.execute(sql, params)

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        row = self.db.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def all(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        return [dict(r) for r in self.db.execute(sql, params).fetchall()]

    @property
    def now_iso(self) -> str:
        return iso(self.now)

    def current_item(self, kind: str | None = None) -> dict[str, Any]:
        """The agenda item the room is on, its config parsed; refused if not of `kind`."""
        item = None
        if self.workshop["current_item_id"]:
            item = self.one(
                "SELECT * FROM agenda_items WHERE id = ?", (self.workshop["current_item_id"],)
            )
        if item is None or (kind and item["kind"] != kind):
            raise ActionError("not_now", _l("This activity is not running now."))
        return {**item, "config": json.loads(item["config"])}


Handler = Callable[[Context, dict[str, Any]], dict[str, Any] | None]


@dataclass(frozen=True)
class Action:
    name: str
    roles: frozenset[str]
    schema: dict[str, Any]
    handler: Handler
    # participants act only while the workshop is open; facilitators until it is closed
    any_status: bool = False


class ActionSet:
    """A module's actions, collected by decorator and registered in create_app."""

    def __init__(self) -> None:
        self.actions: dict[str, Action] = {}

    def __call__(
        self,
        name: str,
        roles: tuple[str, ...],
        schema: dict[str, Any] | None = None,
        any_status: bool = False,
    ) -> Callable[[Handler], Handler]:
        if not OP_NAME.match(name):
            raise ValueError(f"bad action name {name!r}")

        def register(handler: Handler) -> Handler:
            self.actions[name] = Action(name, frozenset(roles), schema or {}, handler, any_status)
            return handler

        return register

    def include(self, other: ActionSet) -> None:
        """Take in the actions of another set (a family's parts registered as one)."""
        clash = self.actions.keys() & other.actions.keys()
        if clash:
            raise ValueError(f"actions registered twice: {sorted(clash)}")
        self.actions.update(other.actions)


def refusal(err: ActionError) -> dict[str, Any]:
    """The answer to a refused action or sync: `{ok: false, error: {code, message}}`."""
    return {"ok": False, "error": err.render()}


class Dispatcher:
    def __init__(
        self,
        store: Store,
        action_sets: list[ActionSet],
        on_commit: Callable[[int, Changes], None],
        rate: str = "30/10second",
        max_bytes: int = 64 * 1024,
        close_sockets: Callable[[set[str]], None] | None = None,
        fail_op: str | None = None,
    ):
        self.store = store
        self.fail_op = fail_op
        self.actions: dict[str, Action] = {}
        for action_set in action_sets:
            for name, action in action_set.actions.items():
                if name in self.actions:
                    raise ValueError(f"action {name} registered twice")
                self.actions[name] = action
        self.on_commit = on_commit
        self.limiter = SlidingWindow(rate)
        self.max_bytes = max_bytes
        self.close_sockets = close_sockets or _close_sockets

    def dispatch(
        self, actor: Actor, envelope: Any, extra: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Run one action and return its ack. Never raises."""
        try:
            return self._dispatch(actor, envelope, extra or {})
        except ActionError as err:
            return refusal(err)
        except Exception:  # a bug must not reach the client as a stack trace
            log.exception("action failed: %r", envelope if isinstance(envelope, dict) else "?")
            return refusal(ActionError("internal", _l("Something went wrong; please try again.")))

    def _dispatch(self, actor: Actor, envelope: Any, extra: dict[str, Any]) -> dict[str, Any]:
        op, op_id, data = self._envelope(envelope)
        action = self.actions.get(op)
        if action is None:
            raise ActionError("unknown_action", _l("Unknown action."))
        if actor.kind not in action.roles:
            raise not_allowed()
        data = validate(action.schema, data)
        if op == self.fail_op:
            raise RuntimeError(f"test-only failure of {op}")
        duplicate = self._stored_ack(actor, op_id)
        if duplicate is not None:
            return duplicate
        # Per participant: a room's joins (guests) are limited over HTTP, and a
        # facilitator sorting fifty dilemmas must not be slowed down.
        if actor.kind == PARTICIPANT and not self.limiter.hit(
            f"{actor.workshop_id}:{actor.key}"
        ):
            raise ActionError("rate_limited", _l("Slow down a little, then try again."))

        changes = Changes()
        with self.store.write() as db:
            # Checked again inside the transaction: a resend may have raced us here.
            row = db.execute(
                "SELECT actor, result FROM events WHERE workshop_id = ? AND op_id = ?",
                (actor.workshop_id, op_id),
            ).fetchone()
            if row is not None:
                return _duplicate_ack(row, actor)
            workshop = db.execute(
                "SELECT * FROM workshops WHERE id = ?", (actor.workshop_id,)
            ).fetchone()
            if workshop is None:
                raise ActionError("not_found", _l("This workshop no longer exists."))
            workshop = dict(workshop)
            self._check_status(actor, action, workshop)
            self._check_actor(db, actor, workshop)
            ctx = Context(db, workshop, actor, utcnow(), changes, extra)
            result = action.handler(ctx, data) or {}
            seq = workshop["seq"] + 1
            ack = {"ok": True, "seq": seq, "result": result}
            db.execute("UPDATE workshops SET seq = ? WHERE id = ?", (seq, actor.workshop_id))
            db.execute(
                "INSERT INTO events (workshop_id, seq, op, op_id, actor, data, result, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    actor.workshop_id,
                    seq,
                    op,
                    op_id,
                    actor.key,
                    dumps(data),
                    dumps(ack),
                    ctx.now_iso,
                ),
            )
        if changes.sockets:
            # After the commit, before any push: nothing computed from now on reaches them.
            self.close_sockets(changes.sockets)
        # Always: the pusher recomputes the shared views after every action, marked or not.
        self.on_commit(actor.workshop_id, changes)
        return ack

    def _envelope(self, envelope: Any) -> tuple[str, str, Any]:
        if not isinstance(envelope, dict) or set(envelope) - {"op", "op_id", "data"}:
            raise ActionError("malformed", _l("The message is not in the expected form."))
        try:
            size = len(dumps(envelope))
        except (TypeError, ValueError, RecursionError):  # binary attachments, NaN, depth
            raise ActionError(
                "malformed", _l("The message is not in the expected form.")
            ) from None
        if size > self.max_bytes:
            raise ActionError("too_large", _l("The message is too large."))
        op, op_id = envelope.get("op"), envelope.get("op_id")
        if not isinstance(op, str) or not isinstance(op_id, str) or not OP_ID.match(op_id):
            raise ActionError("malformed", _l("The message is not in the expected form."))
        return op, op_id, envelope.get("data")

    def _stored_ack(self, actor: Actor, op_id: str) -> dict[str, Any] | None:
        row = self.store.one(
            "SELECT actor, result FROM events WHERE workshop_id = ? AND op_id = ?",
            (actor.workshop_id, op_id),
        )
        return None if row is None else _duplicate_ack(row, actor)

    @staticmethod
    def _check_status(actor: Actor, action: Action, workshop: dict[str, Any]) -> None:
        if action.any_status:
            return
        if workshop["status"] == "closed":
            raise ActionError("closed", _l("This workshop is closed."))
        if actor.kind == PARTICIPANT and workshop["status"] != "open":
            raise ActionError("not_open", _l("This workshop has not started yet."))

    @staticmethod
    def _check_actor(db: Any, actor: Actor, workshop: dict[str, Any]) -> None:
        """Authorization per action, not only at connect: rights can change meanwhile."""
        if actor.kind == PARTICIPANT:
            if not participant_holds(db, actor):
                raise not_allowed()
        elif actor.kind == FACILITATOR:
            row = db.execute("SELECT role FROM users WHERE id = ? AND deactivated_at IS NULL",
                             (actor.user_id,)).fetchone()
            if row is None or (row["role"] != "admin" and workshop["owner_id"] != actor.user_id):
                raise not_allowed()
        elif actor.kind == MANAGER:
            row = db.execute(
                "SELECT u.role, EXISTS (SELECT 1 FROM team_members m WHERE m.user_id = u.id"
                " AND m.team_id = ?) AS in_team FROM users u WHERE u.id = ?"
                " AND u.deactivated_at IS NULL",
                (workshop["team_id"], actor.user_id),
            ).fetchone()
            if row is None or not (row["role"] == "admin" or row["in_team"]):
                raise not_allowed()


def _close_sockets(sids: set[str]) -> None:
    """Disconnect these Socket.IO connections, server-side (their handlers run now)."""
    from flask import current_app

    socketio = current_app.extensions.get("socketio")
    server = getattr(socketio, "server", None)
    if server is None:
        return
    for sid in sorted(sids):
        try:
            server.disconnect(sid, namespace="/")
        except Exception:  # one broken connection must not keep the others open
            log.exception("could not disconnect %s", sid)


def participant_holds(db: Any, actor: Actor) -> bool:
    """Whether this participant actor still is who it was: same id, same workshop and,
    for a screen, the same token (actors built in-process carry none)."""
    sql = "SELECT 1 FROM participants WHERE id = ? AND workshop_id = ?"
    params: tuple[Any, ...] = (actor.participant_id, actor.workshop_id)
    if actor.token_hash is not None:
        sql += " AND token_hash = ?"
        params += (actor.token_hash,)
    return db.execute(sql, params).fetchone() is not None


def _duplicate_ack(row: Any, actor: Actor) -> dict[str, Any]:
    """The stored ack of a resent action; someone else's op_id gets no answer of theirs."""
    # A closed workshop's log no longer says which participant acted (room/closing.py):
    # a participant's resend of that op_id gets its ack (nothing in it names anyone,
    # and the workshop takes no more actions from phones).
    anonymised = row["actor"] == ANONYMOUS_PARTICIPANT and actor.kind == PARTICIPANT
    if row["actor"] != actor.key and not anonymised:
        raise ActionError("malformed", _l("The message is not in the expected form."))
    ack = json.loads(row["result"])
    ack["duplicate"] = True
    return ack
