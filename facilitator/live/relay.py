"""Several server processes of one deployment: what one process tells the others.

With `FACILITATOR_MESSAGE_QUEUE=redis://...` Flask-SocketIO's Redis manager connects the
processes: a server-side disconnect (a removed participant, an ended login) reaches a
socket on any of them. Pushes do not go through it. nginx routes every socket of one
workshop to one process (docs/deploy.md), whose pusher remembers what each of its rooms
was last sent (`Pusher._fresh`); a view emitted into that room by another process would
make that memory wrong, and the room could then miss a change. So a process that commits
an action publishes its *changes* (which audiences to refresh, not the views), and every
process that holds screens of that workshop computes and sends their views itself, to its
own sockets only. While a workshop's screens are split over two processes (one of them
just died, its phones are moving), each sends to its own: nobody misses a push.

The changes travel on the Socket.IO manager's own Redis channel and listener, as an
event no client ever receives (`CHANGES`), so each process has one Redis connection
pair and python-socketio's reconnecting listener, not a second one of ours.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import socketio

from facilitator.live.actions import Changes

log = logging.getLogger(__name__)

CHANGES = "facilitator:changes"  # never emitted to a client: handled in _handle_emit


def encode(workshop_id: int, changes: Changes) -> dict[str, Any]:
    personal = None if changes.personal is None else sorted(changes.personal)
    # Not `sockets`: the committing process already disconnected them, through the queue.
    return {"workshop": workshop_id, "board": changes.board, "control": changes.control,
            "phones": changes.phones, "personal": personal}


def decode(data: dict[str, Any]) -> tuple[int, Changes]:
    personal = data.get("personal")
    return int(data["workshop"]), Changes(
        board=bool(data.get("board")),
        control=bool(data.get("control")),
        phones=bool(data.get("phones")),
        personal=None if personal is None else {int(p) for p in personal},
    )


class RoomManager(socketio.RedisManager):
    """python-socketio's Redis manager, carrying the deployment's changes as well."""

    def __init__(self, url: str, channel: str = "facilitator"):
        super().__init__(url, channel=channel)
        self.on_changes: Callable[[int, Changes], None] | None = None

    def publish_changes(self, workshop_id: int, changes: Changes) -> None:
        """Tell the other processes (python-socketio skips our own host_id)."""
        self._publish({"method": "emit", "event": CHANGES, "data": encode(workshop_id, changes),
                       "namespace": "/", "room": None, "skip_sid": None, "callback": None,
                       "host_id": self.host_id})

    def _handle_emit(self, message: dict[str, Any]) -> Any:
        if message.get("event") != CHANGES:
            return super()._handle_emit(message)
        if self.on_changes is None:
            return None
        try:
            workshop_id, changes = decode(message["data"])
        except (KeyError, TypeError, ValueError):
            log.warning("ignored a malformed changes message")
            return None
        self.on_changes(workshop_id, changes)
        return None
