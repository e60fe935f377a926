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
from facilitator.live import patch, wire
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
        # control socket (sid) -> the number and the control view last sent to it, which
        # its next push is the patch from (live/patch.py); dropped when the socket goes.
        # The number (`v`: 1 for the whole view, one more each patch) lets a client that
        # handles messages in threads (python-socketio does) apply them in order.
        self.control_sent: dict[str, tuple[int, Any]] = {}
        # The control sockets that said they take patches (the control page does; a client
        # of docs/protocol.md that did not ask gets every control view whole).
        self.patching: set[str] = set()
        # Two pushes of one workshop may overlap (one yields to the sockets' writers):
        # a patch is made, sent and recorded as one step, or one could be made from a
        # view the socket was never sent.
        self.control_lock = threading.Lock()
        # The phones connected to this process: workshop -> participant -> its sockets
        # here, and each phone socket's place. Kept as they connect and go, so that a
        # phase change does not walk every room of the server to find them (at 5,000
        # phones that walk was 8 % of a phase change's CPU, docs/benchmarks.md).
        self.phones: dict[int, dict[int, int]] = {}
        self.phone_sockets: dict[str, tuple[int, int]] = {}
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
        with self.lock:  # a phone in the phones room of a language it chose counts too
            if self.phones.get(workshop_id):
                return True
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
            if not getattr(self.store, "closed", False):  # (closed: the app is shutting down)
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
        wait for them. Except when every phone's own part is recomputed too (a phase
        change): then each phone gets the phone view and its own part in one message
        (`_send_together`), one write per phone instead of two. Each part is one snapshot:
        views are computed without yielding, so they match the seq read with them.
        Returns the seconds it yielded."""
        together = changes.personal is None
        if changes.rooms:
            self._move(workshop_id, changes.rooms)
        if together:
            built = self._snapshot(workshop_id, self._build_together(workshop_id))
            if not built:
                return 0.0  # the workshop is gone
            self._send(built[0])
            self._send_together(workshop_id, *built[1])
        else:
            self._send(self._shared(workshop_id))
        if not (changes.control or changes.personal):  # (None: sent together above)
            return 0.0
        before = time.monotonic()
        self.socketio.sleep(0)  # the sockets' writers send the shared views now
        yielded = time.monotonic() - before
        rest = Changes(control=changes.control, personal=changes.personal or set())
        self._send(self._own(workshop_id, rest))
        return yielded

    def _shared(self, workshop_id: int) -> list[Message]:
        """The board, phone and table views of one moment."""
        return self._snapshot(workshop_id, self._build_shared(workshop_id))

    def _own(self, workshop_id: int, changes: Changes) -> list[Message]:
        """The marked phones' own parts and the control view, of one moment."""
        return self._snapshot(workshop_id, self._build_own(workshop_id, changes))

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

    def _snapshot(self, workshop_id: int, build: Callable[[Views, int], Any]) -> Any:
        """What `build` makes of views of one moment, in the workshop's language (an empty
        list when the workshop is gone)."""
        row = self.store.one("SELECT * FROM workshops WHERE id = ?", (workshop_id,))
        if row is None:
            return []
        views = Views(self.store, dict(row))
        with force_locale(locale_of(views.workshop["language"])):
            return build(views, views.seq)

    def _phone_views(self, workshop_id: int, views: Views,
                     languages: set[str] = frozenset()) -> dict[str, Any]:
        """The phone view per phones room: the room's language, and each language that
        phones chose (connected here, or among `languages`)."""
        phone = views.phone()
        out = {room_phones(workshop_id): phone}
        # Phones that chose their own language get the same view in it; the room's own
        # language is sent to its choosers too (they don't reload when it changes).
        room_language = views.workshop["language"]
        for language in sorted(set(self._chosen_languages(workshop_id)) | languages):
            if language == room_language:
                view = phone
            else:
                with force_locale(locale_of(language)):
                    view = views.phone()
            out[room_phones(workshop_id, language)] = view
        return out

    def _screens(self, workshop_id: int, views: Views, seq: int) -> list[Message]:
        """The board and the table screens."""
        out: list[Message] = [("board", seq, views.board(), room_board(workshop_id))]
        for n in table_screens.connected(self.store, workshop_id):
            out.append(("table", seq, views.table(n), room_table(workshop_id, n)))
        return out

    def _build_shared(self, workshop_id: int) -> Callable[[Views, int], list[Message]]:
        def build(views: Views, seq: int) -> list[Message]:
            screens = self._screens(workshop_id, views, seq)
            phones = self._phone_views(workshop_id, views)
            return screens[:1] + [("phone", seq, view, room) for room, view in phones.items()] \
                + screens[1:]
        return build

    def _build_together(self, workshop_id: int) -> Callable[[Views, int], Any]:
        def build(views: Views, seq: int) -> tuple[list[Message], Any]:
            ids = self._online(workshop_id)
            own, chosen = self._own_parts(views, workshop_id, ids)
            phones = self._phone_views(workshop_id, views, set(chosen.values()))
            return self._screens(workshop_id, views, seq), (seq, phones, own, chosen, ids)
        return build

    def _own_parts(self, views: Views, workshop_id: int, ids: list[int]
                   ) -> tuple[dict[int, Any], dict[int, str]]:
        """Each phone's own part, in the language it chose if it did; and those choices."""
        chosen = participants.own_languages(self.store, workshop_id, ids)
        own = views.personal([i for i in ids if i not in chosen])
        for language in sorted(set(chosen.values())):
            with force_locale(locale_of(language)):
                own.update(views.personal([i for i in ids if chosen.get(i) == language]))
        return own, chosen

    def _build_own(self, workshop_id: int, changes: Changes
                   ) -> Callable[[Views, int], list[Message]]:
        def build(views: Views, seq: int) -> list[Message]:
            ids = sorted(changes.personal or ())  # every phone's: sent with the phone view
            own, _ = self._own_parts(views, workshop_id, ids) if ids else ({}, {})
            out: list[Message] = [
                ("me", seq, view, room_participant(workshop_id, pid)) for pid, view in own.items()
            ]
            if changes.control:
                out.append(("control", seq, views.control(), room_control(workshop_id)))
            return out
        return build

    def _send_together(self, workshop_id: int, seq: int, phones: dict[str, Any],
                       own: dict[int, Any], chosen: dict[int, str], ids: list[int]) -> None:
        """The phone view and each phone's own part in one message per phone (`phone` with
        `me`), sent to the phones' personal rooms; phones with the same view and the same
        own part (most of them, just after a phase change) share one emit, encoded once;
        an own part equal to the one last sent is left out, so that phones whose own part
        did not change share the phone view as a broadcast would. A phone whose phones
        room's view did not change gets its own part alone (`me`), if that changed."""
        encoded = {room: wire.dumps(view) for room, view in phones.items()}
        fresh = {room for room, text in encoded.items() if self._fresh(room, text)}
        groups: dict[tuple[str | None, str | None], list[str]] = {}
        for pid in ids:
            language = chosen.get(pid)
            room = room_phones(workshop_id, language) if language else room_phones(workshop_id)
            mine = wire.dumps(own[pid]) if pid in own else None
            target = room_participant(workshop_id, pid)
            changed = mine is not None and self._fresh(target, mine)
            if room in fresh:  # an own part that did not change stays out: more share
                groups.setdefault((room, mine if changed else None), []).append(target)
            elif changed:
                groups.setdefault((None, mine), []).append(target)
        for (room, mine), targets in groups.items():
            if room is None:
                self._emit("me", Encoded(f'{{"seq":{int(seq)},"view":{mine}}}'), targets)
            else:
                me = f',"me":{mine}' if mine is not None else ""
                self._emit("phone", Encoded(
                    f'{{"seq":{int(seq)},"view":{encoded[room]}{me}}}'), targets)

    def _send(self, messages: list[Message]) -> None:
        for name, seq, view, room in messages:
            if name == "control":
                self._send_control(seq, view, room)
                continue
            # Encoded once: the same text decides whether it changed and is what is sent.
            encoded = wire.dumps(view)
            if not self._fresh(room, encoded):
                continue
            self._emit(name, Encoded(f'{{"seq":{int(seq)},"view":{encoded}}}'), room)

    def _emit(self, name: str, payload: Encoded, to: str | list[str]) -> None:
        if self.relay is None:
            self.socketio.emit(name, payload, to=to)
        else:  # to our own sockets: the other processes send theirs (live/relay.py)
            self.socketio.emit(name, payload, to=to, ignore_queue=True)

    def _send_control(self, seq: int, view: Any, room: str) -> None:
        """The control view to each control socket: whole to one that has none yet, else
        as the patch from the view it was last sent, and nothing when that is equal. One
        new dilemma at 2,000 dilemmas and 5,000 people is a few hundred bytes instead of
        1.5 MB (docs/benchmarks.md). A socket's pushes arrive in order while it is
        connected, and a new connection starts again from a whole view."""
        whole: str | None = None  # encoded once, for the sockets that get it whole
        with self.control_lock:
            for sid in list(self._rooms().get(room) or ()):
                last = self.control_sent.get(sid) if sid in self.patching else None
                if last is not None:
                    change = patch.diff(last[1], view)
                    if change is None:
                        continue
                    number = last[0] + 1
                    self._emit("control_patch", Encoded(
                        f'{{"seq":{int(seq)},"v":{number},"patch":{wire.dumps(change)}}}'), sid)
                else:
                    whole = wire.dumps(view) if whole is None else whole
                    if not self._fresh(sid, whole):
                        continue
                    number = 1
                    tag = ',"v":1' if sid in self.patching else ""
                    self._emit("control",
                               Encoded(f'{{"seq":{int(seq)}{tag},"view":{whole}}}'), sid)
                if sid in self.patching:
                    self.control_sent[sid] = (number, view)

    def patches_for(self, sid: str) -> None:
        """This control socket takes its pushes after the first as patches."""
        self.patching.add(sid)

    def phone_here(self, sid: str, workshop_id: int, participant_id: int) -> None:
        """A participant's phone connected to this process (after joining its rooms)."""
        with self.lock:
            self.phone_sockets[sid] = (workshop_id, participant_id)
            here = self.phones.setdefault(workshop_id, {})
            here[participant_id] = here.get(participant_id, 0) + 1

    def gone(self, sid: str) -> None:
        """A socket disconnected: its last control view is no longer needed, and a phone
        is no longer here."""
        self.control_sent.pop(sid, None)
        self.patching.discard(sid)
        self.sent.pop(sid, None)
        with self.lock:
            place = self.phone_sockets.pop(sid, None)
            if place is None:
                return
            workshop_id, participant_id = place
            here = self.phones.get(workshop_id, {})
            left = here.get(participant_id, 0) - 1
            if left > 0:
                here[participant_id] = left
                return
            here.pop(participant_id, None)
            if not here:
                self.phones.pop(workshop_id, None)

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
        """Participants with a phone connected to this process (`phone_here`): no query
        (at 5,000 phones the presence query cost 45-75 ms a push), and phones on another
        process of the deployment get theirs from that one (live/relay.py)."""
        with self.lock:
            return sorted(self.phones.get(workshop_id, ()))

    def _chosen_languages(self, workshop_id: int) -> list[str]:
        """The languages that phones connected here chose for themselves (their rooms)."""
        rooms = self._rooms()
        return [language for language in sorted(LANGUAGES)
                if rooms.get(room_phones(workshop_id, language))]

    def _rooms(self) -> dict[str, Any]:
        return self.socketio.server.manager.rooms.get("/", {})
