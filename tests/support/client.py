"""A Socket.IO client that records its pushes, and the check that every screen shows the
truth: after an action, each connected screen's last view equals its fresh `sync`."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from typing import Any

import socketio.exceptions

AUDIENCES = ("board", "control", "phone", "me", "table")


class Client:
    """A python-socketio client that records every push it gets.

    `views` holds what the screen shows now: the initial sync a real screen makes on
    connect, then every push. With `screens` set (the room builder does that), every
    `act` ends with the truth check over all screens of the room."""

    def __init__(self, url: str, auth: dict[str, Any], headers: dict[str, str] | None = None,
                 screens: Screens | None = None, label: str = ""):
        import socketio

        self.pushes: list[tuple[str, dict[str, Any]]] = []
        self.views: dict[str, Any] = {}
        self.label = label or str(auth.get("kind"))
        self.screens = screens
        self.sio = socketio.Client(reconnection=False)
        self.sent_control: Any = None  # the control view as the server last sent it
        self.version = 0  # its number (`v`)
        self.early: dict[int, dict[str, Any]] = {}  # patches that came before their turn
        self.ordered = threading.Lock()
        self.patches = 0  # control pushes that came as patches
        self.together = 0  # phone pushes that carried the phone's own part
        for name in AUDIENCES:
            self.sio.on(name, lambda msg, name=name: self._pushed(name, msg))
        self.sio.on("control_patch", self._patched)
        if auth.get("kind") == "facilitator" and "patches" not in auth:
            auth = {**auth, "patches": True}  # as the control page connects (core/live.js)
        self.sio.connect(url, auth=auth, headers=headers or {}, transports=["websocket"],
                         wait_timeout=10)
        if screens is not None:
            self.views.update(self._views(self.sync()))  # as live.js does on connect
            screens.add(self)

    def _pushed(self, name: str, msg: dict[str, Any]) -> None:
        if name == "control" and "v" in msg:  # the whole view a patching socket starts from
            with self.ordered:
                self.sent_control, self.version = msg["view"], msg["v"]
                self._record(name, msg)
                self._drain()
            return
        self._record(name, msg)

    def _record(self, name: str, msg: dict[str, Any]) -> None:
        self.pushes.append((name, msg))
        self.views[name] = msg["view"]
        if name == "phone" and "me" in msg:  # a phone's own part, sent with the phone view
            self.together += 1
            self._pushed("me", {"seq": msg["seq"], "view": msg["me"]})

    def _patched(self, msg: dict[str, Any]) -> None:
        """A control push as the change from the last one (facilitator/live/patch.py):
        rebuilt as static/js/core/patch.js does, then recorded as a whole view. python-
        socketio hands each message to a thread of its own, so they may come here out of
        order: a patch waits until the one before it (`v`) is applied."""
        with self.ordered:
            self.early[msg["v"]] = msg
            self._drain()

    def _drain(self) -> None:
        from facilitator.live.patch import apply

        while self.sent_control is not None and self.version + 1 in self.early:
            msg = self.early.pop(self.version + 1)
            self.sent_control = apply(self.sent_control, msg["patch"])
            self.version = msg["v"]
            self.patches += 1
            self._record("control", {"seq": msg["seq"], "view": self.sent_control})

    @staticmethod
    def _views(payload: Any) -> dict[str, Any]:
        if not isinstance(payload, dict) or not payload.get("ok"):
            return {}
        return {k: payload[k] for k in AUDIENCES if k in payload}

    def act(self, op: str, data: dict[str, Any] | None = None, op_id: str | None = None) -> Any:
        envelope = {"op": op, "op_id": op_id or os.urandom(8).hex(), "data": data or {}}
        ack = self.sio.call("act", envelope, timeout=10)
        if self.screens is not None and self.screens.checking:
            self.screens.check(f"after {op} by {self.label}")
        return ack

    def sync(self, seq: int = 0) -> Any:
        return self.sio.call("sync", {"seq": seq}, timeout=10)

    def wait_for(self, name: str, predicate: Callable[[Any], bool] = lambda view: True,
                 timeout: float = 5) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for pushed, msg in reversed(self.pushes):
                if pushed == name and predicate(msg["view"]):
                    return msg
            time.sleep(0.02)
        raise AssertionError(f"no {name} push matching within {timeout}s; got {self.pushes!r}")

    def wait_seq(self, seq: int, timeout: float = 5) -> None:
        """Wait until a push of at least `seq` arrived: a negative check on `raw()` only
        means something once the push it inspects is here."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(msg.get("seq", 0) >= seq for _, msg in list(self.pushes)):
                return
            time.sleep(0.02)
        raise AssertionError(f"no push of seq {seq} within {timeout}s; got {self.pushes!r}")

    def raw(self) -> str:
        """Everything received, as text: for checks that something never travelled."""
        return json.dumps(self.pushes, ensure_ascii=False)

    @property
    def connected(self) -> bool:
        return bool(self.sio.connected)

    def close(self) -> None:
        if self.screens is not None:
            self.screens.discard(self)
        self.sio.disconnect()


def refusal(url: str, auth: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """Connect and expect a refusal; return its `connect_error` data ({message, data})
    so that a test checks the refusal's code: a handler that crashes refuses too."""
    import pytest
    import socketio

    errors: list[Any] = []
    sio = socketio.Client(reconnection=False)
    sio.on("connect_error", errors.append)
    with pytest.raises(socketio.exceptions.ConnectionError):
        sio.connect(url, auth=auth, headers=headers or {}, transports=["websocket"],
                    wait_timeout=10)
    sio.disconnect()
    assert errors and isinstance(errors[0], dict), (auth, errors)
    assert errors[0].get("message") and "Traceback" not in errors[0]["message"], errors
    return errors[0]


def settle(witness: Client, seq: int, *targets: Client, timeout: float = 5) -> None:
    """Make a negative check on `targets` mean something: wait until `witness` got the
    push of `seq` (best a control or own part: the pusher sends those last in a flush),
    then round-trip a sync on each target. Anything the server sent a target in that
    flush is on its socket before the sync's reply, so `raw()` holds it by then."""
    witness.wait_seq(seq, timeout)
    for target in targets:
        target.sync()


def shown(views: dict[str, Any]) -> dict[str, Any]:
    """What a screen shows, from its views as phone.js reads them: the own part only
    counts for the current item, and its name and id come from a sync only."""
    out = {k: v for k, v in views.items() if k != "me"}
    if "phone" in views or "me" in views:
        item = (views.get("phone") or {}).get("item")
        mine = views.get("me") or {}
        own = mine.get("view") if item and mine.get("item_id") == item["id"] else {}
        out["me"] = own or {}
    return out


class Screens:
    """The connected screens of one room, for the truth check."""

    def __init__(self, timeout: float = 3.0):
        self.members: list[Client] = []
        self.timeout = timeout
        self.checking = True
        self.checks = 0  # how many checks ran (a test of the check itself reads it)

    def add(self, client: Client) -> None:
        self.members.append(client)

    def discard(self, client: Client) -> None:
        if client in self.members:
            self.members.remove(client)

    def check(self, when: str = "") -> None:
        """Each connected screen's last view equals its fresh sync. Pushes travel after
        the ack, so a difference is retried until `timeout`; one that stays is a screen
        that shows something a reload would not."""
        self.checks += 1
        for client in list(self.members):
            if not client.connected:
                continue
            deadline = time.monotonic() + self.timeout
            while True:
                try:
                    answer = client.sync()
                except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
                    if client.connected:
                        raise
                    break  # the server closed it while syncing (a removed participant)
                synced = Client._views(answer)
                if not synced:
                    break  # the screen was refused (removed, workshop gone): nothing to show
                fresh, now = shown(synced), shown(client.views)
                stale = [k for k, v in fresh.items() if now.get(k) != v]
                if not stale:
                    break
                if time.monotonic() > deadline:
                    detail = {k: {"shown": now.get(k), "sync": fresh[k]} for k in stale}
                    raise AssertionError(
                        f"{client.label} shows a stale {', '.join(stale)} {when}: "
                        + json.dumps(detail, ensure_ascii=False, default=str)[:3000])
                time.sleep(0.02)
