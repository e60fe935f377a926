"""The pusher: gathers changes per workshop and sends each audience its fresh view.

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

from flask_babel import force_locale
from flask_socketio import SocketIO

from facilitator.db import Store
from facilitator.i18n import LANGUAGES, locale_of
from facilitator.live import wire
from facilitator.live.actions import Changes
from facilitator.live.relay import RoomManager
from facilitator.live.screens import Views
from facilitator.room import participants, table_screens

log = logging.getLogger(__name__)

Message = tuple[str, int, Any, str]  # event name, seq, view, room
SPACING_MAX = 1.0  # seconds: the most one push's spacing holds the next one back
RELAY_GATHER = 0.01  # seconds: changes for the other processes gathered into one message


class Encoded(str):
    """A push's payload as JSON text already: the packet (live/sockets.py) puts it in the
    frame as it is instead of encoding the view a second time."""


def room_board(workshop_id: int) -> str:
    return f"w{workshop_id}:board"


def room_control(workshop_id: int) -> str:
    return f"w{workshop_id}:control"


def room_phones(workshop_id: int, language: str | None = None) -> str:
    """The phones that follow the room's language, or those that chose `language`."""
    return f"w{workshop_id}:phones" + (f":{language}" if language else "")


def room_participant(workshop_id: int, participant_id: int) -> str:
    # Per workshop: a personal push can only ever reach a phone of that workshop.
    return f"w{workshop_id}:p{participant_id}"


def room_table(workshop_id: int, number: int) -> str:
    return f"w{workshop_id}:table{number}"


class Pusher:
    """Gathers changes per workshop and sends each audience its fresh view."""

    def __init__(self, app: Any, socketio: SocketIO, store: Store, delay: float,
                 relay: RoomManager | None = None):
        self.app = app
        self.socketio = socketio
        self.store = store
        self.delay = delay
        self.pending: dict[int, Changes] = {}
        self.outgoing: dict[int, Changes] = {}  # for the other processes (_tell_others)
        self.lock = threading.Lock()
        self.sent: dict[str, int] = {}  # room -> hash of the last view pushed there (see forget)
        self.last_flush: dict[int, float] = {}  # workshop -> when its next push may go
        # Several processes (live/relay.py): changes go to the others, pushes stay local.
        self.relay = relay
        if relay is not None:
            relay.on_changes = self._from_other

    def schedule(self, workshop_id: int, changes: Changes) -> None:
        """Refresh the views these changes touched, on every screen of the workshop."""
        if self.relay is not None:
            self._tell_others(workshop_id, changes)
            if not self.serves(workshop_id):
                return
        self._gather(workshop_id, changes)

    def _tell_others(self, workshop_id: int, changes: Changes) -> None:
        """Publish the changes to the other processes, gathered for RELAY_GATHER seconds:
        one message per workshop per moment of a burst, not one per action. Published
        from every commit, the Redis round trips (and the connections a burst's many
        greenlets opened at once) took 29 % of a busy process (docs/benchmarks.md)."""
        if self._add(self.outgoing, workshop_id, changes):
            self.socketio.start_background_task(self._publish, workshop_id)

    def _publish(self, workshop_id: int) -> None:
        self.socketio.sleep(RELAY_GATHER)
        with self.lock:
            changes = self.outgoing.pop(workshop_id, None)
        if changes is None or self.relay is None:
            return
        try:
            self.relay.publish_changes(workshop_id, changes)
        except Exception:  # Redis down: this process's own screens still get theirs
            log.exception("could not tell the other processes about workshop %s", workshop_id)

    def _from_other(self, workshop_id: int, changes: Changes) -> None:
        """Changes committed by another process of the deployment (live/relay.py)."""
        if self.serves(workshop_id):
            self._gather(workshop_id, changes)

    def serves(self, workshop_id: int) -> bool:
        """Whether a screen of this workshop is connected to this process."""
        rooms = self._rooms()
        if any(rooms.get(room) for room in (
                room_board(workshop_id), room_control(workshop_id), room_phones(workshop_id))):
            return True
        return any(rooms.get(room_table(workshop_id, n))
                   for n in table_screens.connected(self.store, workshop_id))

    def _gather(self, workshop_id: int, changes: Changes) -> None:
        if self._add(self.pending, workshop_id, changes):
            self.socketio.start_background_task(self._flush_later, workshop_id)

    def _add(self, pile: dict[int, Changes], workshop_id: int, changes: Changes) -> bool:
        """Merge into the workshop's gathered changes; True when these are the first."""
        with self.lock:
            if workshop_id in pile:
                pile[workshop_id].merge(changes)
                return False
            gathered = Changes()
            gathered.merge(changes)
            pile[workshop_id] = gathered
            return True

    def _flush_later(self, workshop_id: int) -> None:
        # Throttle, not debounce: a change in a quiet workshop (a phase change) goes
        # out at once; changes within PUSH_DELAY of the last push are gathered into
        # the next one (a burst of submissions). A push whose views are expensive (a
        # control page listing 1,000 people and 1,000 dilemmas) spaces the next one by
        # three times its own cost from its start, so pushing never takes more than a
        # third of the server. Its cost is its own work, not the time it yielded to the
        # sockets' writers and to other actions: counted in, that time (150-400 ms at
        # 5,000 phones) held the next phase change back by up to 2 s after a heavy push.
        # And never more than SPACING_MAX: with several processes a push can stand
        # behind the other process's writes for seconds, and three times that once kept
        # a board stale for over a minute (docs/benchmarks.md, "4 workshops of 1,000").
        while (wait := self.last_flush.get(workshop_id, 0.0) - time.monotonic()) > 0:
            self.socketio.sleep(wait)  # again: a push running meanwhile may move it
        started = time.monotonic()
        self.last_flush[workshop_id] = started + self.delay
        with self.lock:
            changes = self.pending.pop(workshop_id, None)
        if changes is None:
            return
        yielded = 0.0
        try:
            with self.app.app_context():
                yielded = self.flush(workshop_id, changes)
        except Exception:
            log.exception("push failed for workshop %s", workshop_id)
        finally:
            cost = time.monotonic() - started - yielded
            spacing = min(max(self.delay, 3 * cost), max(self.delay, SPACING_MAX))
            self.last_flush[workshop_id] = started + spacing

    def flush(self, workshop_id: int, changes: Changes) -> float:
        """Send each changed audience its view, the shared screens first.

        The shared views (board, phones, table screens) are recomputed after every
        action whatever it marked, and only those that changed are sent (`_fresh`): a
        handler that forgets a mark (intervision.start closing the groups on phones
        not in one) can no longer leave a screen showing what a sync would not. They
        are one view each, cheap at any room size; the control page and the per-phone
        parts are not, so those still go by the handler's marks.

        The shared views go out before the per-phone parts and the control page are
        computed: at 1,000 phones those take tens of ms, and a phase change should not
        wait for them. Each part is one snapshot: views are computed without yielding,
        so they match the seq read with them. Returns the seconds it yielded."""
        own = changes.control or changes.personal != set()
        if changes.rooms:
            self._move(workshop_id, changes.rooms)
        self._send(self._shared(workshop_id))
        if not own:
            return 0.0
        before = time.monotonic()
        self.socketio.sleep(0)  # the sockets' writers send the shared views now
        yielded = time.monotonic() - before
        self._send(self._own(workshop_id, changes))
        return yielded

    def _move(self, workshop_id: int, participant_ids: set[int]) -> None:
        """Put these participants' connected phones in the phones room of the language they
        chose now, before the next push, so that no push of the other one reaches them."""
        rows = self.store.all(
            "SELECT s.sid, p.language FROM presence s JOIN participants p"
            " ON p.id = s.participant_id WHERE s.workshop_id = ? AND s.process = ?"
            " AND s.participant_id IN (SELECT value FROM json_each(?))",
            (workshop_id, participants.PROCESS_ID, json.dumps(sorted(participant_ids))),
        )
        rooms = [room_phones(workshop_id)] + [
            room_phones(workshop_id, language) for language in LANGUAGES
        ]
        for row in rows:
            target = room_phones(workshop_id, row["language"])
            for room in rooms:
                if room != target:
                    self.socketio.server.leave_room(row["sid"], room, namespace="/")
            self.socketio.server.enter_room(row["sid"], target, namespace="/")
            self.forget(target)  # the newcomer gets the room's view even if unchanged

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

    def _shared(self, workshop_id: int) -> list[Message]:
        def build(views: Views, seq: int) -> list[Message]:
            phone = views.phone()
            out: list[Message] = [
                ("board", seq, views.board(), room_board(workshop_id)),
                ("phone", seq, phone, room_phones(workshop_id)),
            ]
            # Phones that chose their own language get the same view in it; the room's
            # own language is sent to its choosers too (they don't reload when it changes).
            room_language = views.workshop["language"]
            for language in self._chosen_languages(workshop_id):
                if language == room_language:
                    view = phone
                else:
                    with force_locale(locale_of(language)):
                        view = views.phone()
                out.append(("phone", seq, view, room_phones(workshop_id, language)))
            for n in table_screens.connected(self.store, workshop_id):
                out.append(("table", seq, views.table(n), room_table(workshop_id, n)))
            return out

        return self._snapshot(workshop_id, build)

    def _own(self, workshop_id: int, changes: Changes) -> list[Message]:
        def build(views: Views, seq: int) -> list[Message]:
            ids = (
                self._online(workshop_id) if changes.personal is None else sorted(changes.personal)
            )
            own = participants.own_languages(self.store, workshop_id, ids)
            out: list[Message] = [
                ("me", seq, view, room_participant(workshop_id, pid))
                for pid, view in views.personal([i for i in ids if i not in own]).items()
            ]
            for language in sorted(set(own.values())):
                with force_locale(locale_of(language)):
                    chosen = views.personal([i for i in ids if own.get(i) == language])
                out.extend(
                    ("me", seq, view, room_participant(workshop_id, pid))
                    for pid, view in chosen.items()
                )
            if changes.control:
                out.append(("control", seq, views.control(), room_control(workshop_id)))
            return out

        return self._snapshot(workshop_id, build)

    def _send(self, messages: list[Message]) -> None:
        for name, seq, view, room in messages:
            # Encoded once: the same text decides whether it changed and is what is sent.
            encoded = wire.dumps(view)
            if not self._fresh(room, encoded):
                continue
            payload = Encoded(f'{{"seq":{int(seq)},"view":{encoded}}}')
            if self.relay is None:
                self.socketio.emit(name, payload, to=room)
            else:  # to our own sockets: the other processes send theirs (live/relay.py)
                self.socketio.emit(name, payload, to=room, ignore_queue=True)

    def _fresh(self, room: str, encoded: str) -> bool:
        """Whether this view differs from the last one sent to the room. An action that
        marks the phones changed without changing what they show (a submission under a
        constant phone view) would otherwise resend it to every phone on every flush:
        1,000 phones x 40 flushes during a burst. Screens that missed a push sync on
        reconnect; an actor that sees no push for its ack's seq syncs (live.js). Views
        are built in a fixed key order, so equal views encode alike."""
        digest = hash(encoded)
        if self.sent.get(room) == digest:
            return False
        self.sent[room] = digest
        return True

    def forget(self, room: str) -> None:
        """A screen left the room: its next view goes out whatever it is (it syncs on
        reconnect anyway), and the map does not grow with every phone ever connected."""
        self.sent.pop(room, None)

    def _online(self, workshop_id: int) -> list[int]:
        """Participants with a phone connected to this process, from their personal rooms:
        no query (at 5,000 phones the presence query cost 45-75 ms a push), and phones on
        another process of the deployment get theirs from that one (live/relay.py)."""
        prefix = f"w{workshop_id}:p"
        return sorted(
            int(room[len(prefix):]) for room, sids in list(self._rooms().items())
            # Every socket is also in room None and in a room named by its sid.
            if sids and isinstance(room, str) and room.startswith(prefix)
            and room[len(prefix):].isdigit()
        )

    def _chosen_languages(self, workshop_id: int) -> list[str]:
        """The languages that phones connected here chose for themselves (their rooms)."""
        rooms = self._rooms()
        return [language for language in sorted(LANGUAGES)
                if rooms.get(room_phones(workshop_id, language))]

    def _rooms(self) -> dict[str, Any]:
        return self.socketio.server.manager.rooms.get("/", {})
