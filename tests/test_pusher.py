"""The Pusher's rule for unchanged views (facilitator/live/pusher.py), with a recording stub
in place of Socket.IO."""

import json
from typing import Any

from facilitator.live.pusher import Pusher, room_participant


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Any, str]] = []

    def emit(self, name: str, payload: Any, to: str) -> None:
        # The pusher sends its payload encoded (pusher.Encoded): read it back.
        self.sent.append((name, json.loads(payload), to))

    def sleep(self, seconds: float) -> None:
        pass


def test_an_unchanged_view_is_not_resent_until_the_screen_left_the_room() -> None:
    socket = Recorder()
    pusher = Pusher(app=None, socketio=socket, store=None, delay=0.05)
    room = room_participant(1, 7)
    view = {"dilemmas": [{"id": 1, "situation": "Één cliënt"}]}
    pusher._send([("me", 3, view, room)])
    pusher._send([("me", 4, dict(view), room)])  # the same view under a newer seq
    assert [(n, p["seq"], to) for n, p, to in socket.sent] == [("me", 3, room)]

    pusher._send([("me", 5, {"dilemmas": []}, room)])  # a changed view goes out
    assert len(socket.sent) == 2

    pusher.forget(room)  # the phone disconnected
    assert room not in pusher.sent
    pusher._send([("me", 6, {"dilemmas": []}, room)])  # same view, but the room was left
    assert [p["seq"] for _, p, _ in socket.sent] == [3, 5, 6]


def test_a_phone_is_online_here_while_one_of_its_sockets_is_connected() -> None:
    """The phones a phase change goes to (`_online`), kept as sockets connect and go: a
    participant with two tabs stays online until both are gone; other workshops apart."""
    pusher = Pusher(app=None, socketio=Recorder(), store=None, delay=0.05)
    pusher.phone_here("a", 1, 7)
    pusher.phone_here("b", 1, 7)  # a second tab of participant 7
    pusher.phone_here("c", 1, 3)
    pusher.phone_here("d", 2, 9)
    assert pusher._online(1) == [3, 7] and pusher._online(2) == [9]
    pusher.gone("a")
    assert pusher._online(1) == [3, 7]
    pusher.gone("b")
    pusher.gone("b")  # a disconnect handled twice changes nothing more
    pusher.gone("control-socket")  # not a phone
    assert pusher._online(1) == [3]
    # A workshop with a phone here is served here, whatever phones room it is in (the
    # changes of another process reach it: live/relay.py).
    assert pusher.serves(1)
    pusher.gone("c")
    pusher.gone("d")
    assert pusher._online(1) == [] and pusher.phones == {} and pusher.phone_sockets == {}


def test_every_flush_recomputes_the_shared_views_and_only_marked_own_parts() -> None:
    """Issue 13.7 by construction: a handler that marks nothing still gets the board,
    the phones and the tables refreshed; the costly parts go only by their marks."""
    from facilitator.live.actions import Changes

    pusher = Pusher(app=None, socketio=Recorder(), store=None, delay=0.05)
    calls: list[str] = []
    pusher._shared = lambda wid: calls.append("shared") or []  # type: ignore[method-assign]
    pusher._own = lambda wid, changes: calls.append("own") or []  # type: ignore[method-assign]
    pusher.flush(1, Changes())
    assert calls == ["shared"]
    calls.clear()
    pusher.flush(1, Changes(control=True))
    assert calls == ["shared", "own"]
    calls.clear()
    marked = Changes()
    marked.add_personal(7)
    pusher.flush(1, marked)
    assert calls == ["shared", "own"]


def test_a_push_is_encoded_once_and_framed_as_python_socketio_would() -> None:
    """The pusher's JSON text is what decides "changed?" and what is sent: the frame must
    be byte for byte the one python-socketio builds from the view itself."""
    from socketio import packet

    from facilitator.live.pusher import Encoded
    from facilitator.live.sockets import TextOnlyPacket

    socket = Recorder()
    pusher = Pusher(app=None, socketio=socket, store=None, delay=0.05)
    view = {"item": {"title": "Één casus, \"quoted\" </script>"}, "n": [1, 2.5, None, True]}
    pusher._send([("board", 9, view, "w1:board")])
    ((_, payload, _),) = socket.sent
    assert payload == {"seq": 9, "view": view}
    text = Encoded(json.dumps({"seq": 9, "view": view}, separators=(",", ":")))
    for namespace, ack_id in ((None, None), ("/", None), ("/other", 4)):
        ours = TextOnlyPacket(packet.EVENT, data=["board", text], namespace=namespace,
                              id=ack_id).encode()
        theirs = packet.Packet(packet.EVENT, data=["board", {"seq": 9, "view": view}],
                               namespace=namespace, id=ack_id).encode()
        assert ours == theirs
    # Anything else is python-socketio's own encoding.
    plain = TextOnlyPacket(packet.EVENT, data=["board", {"seq": 1}]).encode()
    assert plain == packet.Packet(packet.EVENT, data=["board", {"seq": 1}]).encode()


class Clock:
    """time.monotonic for the pusher, moved on by the test."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class App:
    def app_context(self) -> Any:
        import contextlib

        return contextlib.nullcontext()


def _timed_pusher(monkeypatch: Any, writers: float, work: float) -> tuple[Pusher, Clock]:
    """A pusher whose flush yields `writers` seconds to the sockets' writers and spends
    `work` seconds on its own per-phone parts and control page."""
    from facilitator.live import pusher as module
    from facilitator.live.actions import Changes

    clock = Clock()
    monkeypatch.setattr(module.time, "monotonic", clock)
    socket = Recorder()

    def sleep(seconds: float) -> None:
        clock.now += writers if seconds == 0 else seconds

    socket.sleep = sleep  # type: ignore[method-assign]
    pusher = Pusher(app=App(), socketio=socket, store=None, delay=0.05)
    pusher._shared = lambda wid: []  # type: ignore[method-assign]

    def own(wid: int, changes: Any) -> list[Any]:
        clock.now += work
        return []

    pusher._own = own  # type: ignore[method-assign]
    pusher.pending[1] = Changes(control=True)
    return pusher, clock


def test_a_push_spaces_the_next_by_three_times_its_own_work_not_the_time_it_yielded(
        monkeypatch: Any) -> None:
    # 0.4 s of sockets' writers (5,000 phones), 0.1 s of its own work.
    pusher, clock = _timed_pusher(monkeypatch, writers=0.4, work=0.1)
    started = clock.now
    pusher._flush_later(1)
    assert clock.now - started == 0.5
    assert abs(pusher.last_flush[1] - (started + 0.3)) < 1e-9  # not started + 1.5


def test_the_spacing_never_exceeds_a_second_however_long_a_push_stood(monkeypatch: Any) -> None:
    # A push that stood 5 s behind another process's write lock.
    pusher, clock = _timed_pusher(monkeypatch, writers=0.0, work=5.0)
    started = clock.now
    pusher._flush_later(1)
    assert abs(pusher.last_flush[1] - (started + 1.0)) < 1e-9  # not started + 15
    # A cheap push is still spaced by PUSH_DELAY.
    cheap, clock = _timed_pusher(monkeypatch, writers=0.0, work=0.001)
    started = clock.now
    cheap._flush_later(1)
    assert abs(cheap.last_flush[1] - (started + 0.05)) < 1e-9


def test_changes_for_the_other_processes_go_as_one_message_per_moment() -> None:
    """With several processes every commit's changes are published to the others, but a
    burst's are gathered: 100 submissions in a moment are one message, marks merged."""
    from facilitator.live.actions import Changes

    published: list[tuple[int, Changes]] = []
    tasks: list[Any] = []

    class Relay:
        on_changes = None

        def publish_changes(self, workshop_id: int, changes: Changes) -> None:
            published.append((workshop_id, changes))

    socket = Recorder()
    socket.start_background_task = lambda f, *a: tasks.append((f, a))  # type: ignore[attr-defined]
    pusher = Pusher(app=None, socketio=socket, store=None, delay=0.05, relay=Relay())
    pusher.serves = lambda wid: False  # type: ignore[method-assign]
    for n in range(100):
        changes = Changes(board=True)
        changes.add_personal(n)
        pusher.schedule(7, changes)
    pusher.schedule(8, Changes(control=True))
    assert len(tasks) == 2 and not published  # one for each workshop, not yet sent
    for task, args in tasks:
        task(*args)
    assert [w for w, _ in published] == [7, 8]
    seven = published[0][1]
    assert seven.board and seven.personal == set(range(100)) and not seven.control
    assert published[1][1].control
    pusher.schedule(7, Changes(phones=True))  # the next moment: a message of its own
    tasks[-1][0](*tasks[-1][1])
    assert len(published) == 3 and published[2][1].phones


def test_a_push_after_the_store_closed_stops_quietly_and_a_failing_one_is_logged(
        app: Any, caplog: Any) -> None:
    """A background push that runs after the app closed its database (a test's teardown,
    a server stopping) has nothing to send and no error to report; while the database is
    open, a push that fails is logged."""
    from facilitator.live.actions import Changes

    pusher = app.extensions["facilitator.pusher"]
    store = app.extensions["facilitator.store"]

    def broken(*_: Any) -> Any:
        raise RuntimeError("the disk is gone")

    caplog.set_level("ERROR", logger="facilitator.live.pusher")
    pusher.flush, real = broken, pusher.flush
    pusher.pending[1] = Changes(board=True)
    pusher._flush_later(1)
    assert [r.getMessage() for r in caplog.records] == ["push failed for workshop 1"]
    pusher.flush = real

    caplog.clear()
    store.close()
    pusher.last_flush.clear()
    pusher.pending[1] = Changes(board=True)
    pusher._flush_later(1)
    assert 1 not in pusher.pending  # it ran: the changes were taken
    assert caplog.records == []
