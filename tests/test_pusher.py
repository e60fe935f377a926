"""The Pusher's rule for unchanged views (facilitator/live/pusher.py), with a recording stub
in place of Socket.IO."""

from typing import Any

from facilitator.live.pusher import Pusher, room_participant


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Any, str]] = []

    def emit(self, name: str, payload: Any, to: str) -> None:
        self.sent.append((name, payload, to))

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
