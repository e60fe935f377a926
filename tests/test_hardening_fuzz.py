"""Fuzz: more than 10,000 random and malformed Socket.IO messages and 2,000 random HTTP
requests against a real server with a populated workshop. Afterwards the server is
alive, no answer was a 5xx or carried a stack trace, no action was accepted, and
everything stored is exactly as before.

The messages come from a seeded generator (reproducible: FUZZ_SEED), in kinds: random
JSON shapes, unknown ops, bad op_ids, every registered op with one invalidating change
to a valid payload (unknown key, wrong type, too long, not a choice, not an object),
deeply nested data, binary data, strings just under and over the size limit, `sync`
with junk, and unknown event names. Valid payloads would change state legitimately,
so the generator never sends one; an accepted action fails the test.
"""

from __future__ import annotations

import json
import os
import random
import string
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from hardening_support import (
    World,
    action_kinds,
    actions,
    cycle,
    env,
    make_world,
    payload,
    populate,
    rules,
)
from support import Client, Server

SEED = int(os.environ.get("FUZZ_SEED", "20261122"))
SOCKET_MESSAGES = 10_500
HTTP_REQUESTS = 2_000
LIMIT = 64 * 1024
ACTIONS = actions()
KINDS = action_kinds()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    server = Server(tmp_path_factory.mktemp("fuzz"),
                    env(FACILITATOR_RATELIMIT_ENABLED="0",
                        FACILITATOR_ACTION_RATE="1000000/1second"))
    server.start()
    world = make_world(server)
    fac = world.owner()
    phones = [world.phone("Ann"), world.phone("Bob")]
    populate(world, cycle(["Iets om kapot te maken", "Nog iets"]), phones, fac)
    yield world
    world.close()
    server.stop()


# --- generators ------------------------------------------------------------------------


def junk(rng: random.Random, depth: int = 0) -> Any:
    """A random JSON value (and sometimes not quite JSON: bytes)."""
    roll = rng.random()
    if depth > 3 or roll < 0.35:
        return rng.choice([
            None, True, False, 0, -1, 2**31, 2**63, -(2**63), 1e308, -0.0, 3.5,
            "", " ", "\x00", "\u202e", "🙂" * rng.randint(1, 50), "a" * rng.randint(1, 600),
            "".join(rng.choices(string.printable, k=rng.randint(1, 40))),
            "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%s%n%x",
            "{{7*7}}", "${7*7}", "NaN", "null", "[]", "{}", "\ud7ff",
            bytes(rng.randbytes(rng.randint(0, 64))),
        ])
    if roll < 0.65:
        return [junk(rng, depth + 1) for _ in range(rng.randint(0, 6))]
    return {"".join(rng.choices(string.ascii_letters + "_.$", k=rng.randint(0, 12))):
            junk(rng, depth + 1) for _ in range(rng.randint(0, 6))}


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for i in range(depth):
        value = [value] if i % 2 else {"n": value}
    return value


def op_id(rng: random.Random) -> Any:
    return "fz" + "".join(rng.choices(string.ascii_letters + string.digits, k=14))


def bad_op_id(rng: random.Random) -> Any:
    return rng.choice([None, 12345678, "", "short", "x" * 65, "has space in it", "ünïcødé-id-1",
                       ["list", "id"], {"id": 1}, "../../../..", "a;DROP TABLE events;--"])


def corrupt(rng: random.Random, name: str, data: dict[str, Any]) -> Any:
    """One change that makes a valid payload invalid, whatever the schema."""
    from facilitator import schema as s

    schema = ACTIONS[name].schema
    options = ["unknown_key", "not_an_object"]
    texts = [k for k, f in schema.items() if isinstance(f, s.Text)]
    ints = [k for k, f in schema.items() if isinstance(f, s.Int)]
    choices = [k for k, f in schema.items() if isinstance(f, s.Choice)]
    lists = [k for k, f in schema.items() if isinstance(f, s.ListOf)]
    options += ["text_type", "too_long"] * bool(texts) + ["int_type"] * bool(ints)
    options += ["choice"] * bool(choices) + ["list_type", "too_many"] * bool(lists)
    how = rng.choice(options)
    data = dict(data)
    if how == "unknown_key":
        data[rng.choice(["zz", "__proto__", "constructor", "op_id", "workshop_id", "role",
                         "participant_id_", "$where"])] = junk(rng)
    elif how == "not_an_object":
        return rng.choice([[], [data], "data", 42, True, 1.5, [1, 2, 3]])
    elif how == "text_type":
        data[rng.choice(texts)] = rng.choice([1, 0, True, [], {}, ["a"], {"t": "x"}, 2.5])
    elif how == "too_long":
        key = rng.choice(texts)
        limit = schema[key].max_len
        data[key] = "x" * (limit + rng.randint(1, 200))
    elif how == "int_type":
        data[rng.choice(ints)] = rng.choice(["1", "one", 1.5, [], {}, True, "", 2**70, -(2**70)])
    elif how == "choice":
        data[rng.choice(choices)] = rng.choice(["", "nope", 0, None, ["x"], "DROP"])
        if data[choices[0]] is None and not schema[choices[0]].required:
            data["zz"] = 1
    elif how == "list_type":
        data[rng.choice(lists)] = rng.choice(["not a list", 5, {"a": 1}, True])
    elif how == "too_many":
        key = rng.choice(lists)
        data[key] = ["x"] * (schema[key].max_items + rng.randint(1, 20))
    return data


def messages(world: World, rng: random.Random) -> Iterator[tuple[str, Any]]:
    """(event, payload) pairs; `act` payloads are envelopes."""
    names = sorted(ACTIONS)
    while True:
        roll = rng.random()
        if roll < 0.45:
            name = rng.choice(names)
            valid = payload(ACTIONS[name], "fuzz", world.ids(KINDS[name]))
            yield "act", {"op": name, "op_id": op_id(rng), "data": corrupt(rng, name, valid)}
        elif roll < 0.55:
            yield "act", junk(rng)
        elif roll < 0.62:
            yield "act", {"op": "".join(rng.choices(string.ascii_lowercase + "._", k=12)),
                          "op_id": op_id(rng), "data": junk(rng)}
        elif roll < 0.68:
            yield "act", {"op": rng.choice(names), "op_id": bad_op_id(rng), "data": {}}
        elif roll < 0.72:
            yield "act", {"op": rng.choice(names), "op_id": op_id(rng), "data": {},
                          rng.choice(["extra", "seq", "actor"]): junk(rng)}
        elif roll < 0.75:
            yield "act", {"op": rng.choice(names), "op_id": op_id(rng),
                          "data": nested(rng.choice([50, 200, 400]))}
        elif roll < 0.78:
            yield "act", {"op": rng.choice(names), "op_id": op_id(rng),
                          "data": {"blob": rng.randbytes(rng.randint(1, 2048))}}
        elif roll < 0.80:
            # Just under the message limit, with an unknown key: refused, not dropped.
            yield "act", {"op": rng.choice(names), "op_id": op_id(rng),
                          "data": {"zz": "u" * (LIMIT - 400 - rng.randint(0, 300))}}
        elif roll < 0.90:
            yield "sync", junk(rng)
        else:
            yield rng.choice(["acts", "ACT", "connect", "disconnect", "message", "x" * 200,
                              "board", "me", "", "__proto__"]), junk(rng)


def check_ack(event: str, ack: Any) -> None:
    text = json.dumps(ack, default=str)
    assert "Traceback" not in text and 'File "' not in text, text[:500]
    if event == "act":
        assert isinstance(ack, dict) and ack.get("ok") is False, text[:500]
        error = ack["error"]
        assert isinstance(error["code"], str) and isinstance(error["message"], str)
        assert error["code"] != "internal", text[:500]


class Sender:
    """Pipelines messages on one socket: emit with callbacks, then wait for the acks."""

    def __init__(self, make: Callable[[], Client]):
        self.make = make
        self.client = make()
        self.acks: list[tuple[str, Any]] = []
        self.lock = threading.Lock()
        self.reconnects = 0

    def send(self, batch: list[tuple[str, Any]]) -> int:
        waiting = threading.Semaphore(0)
        expected = 0
        for event, data in batch:
            if not self.client.sio.connected:
                self.reconnects += 1
                self.client = self.make()
            if event in ("act", "sync"):
                expected += 1

                def done(*args: Any, event: str = event) -> None:
                    with self.lock:
                        self.acks.append((event, args[0] if args else None))
                    waiting.release()

                try:
                    self.client.sio.emit(event, data, callback=done)
                except Exception:
                    expected -= 1  # could not be sent: the connection is gone
            else:
                try:
                    self.client.sio.emit(event, data)
                except Exception:
                    pass
        deadline = time.monotonic() + 30
        got = 0
        while got < expected and time.monotonic() < deadline:
            if waiting.acquire(timeout=0.5):
                got += 1
            elif not self.client.sio.connected:
                break  # a message dropped the connection; the rest get no ack
        return got


def tracebacks(world: World) -> int:
    return world.server.log.read_text(errors="replace").count("Traceback")


def test_forged_connect_and_disconnect_events_are_ignored(world: World) -> None:
    """python-socketio routes a client's own "connect"/"disconnect" events to those
    handlers: they must neither re-identify the socket nor drop its presence."""
    logged = tracebacks(world)
    phone = world.phone("Ann")
    me = phone.sync()["me"]["participant_id"]
    online = world.server.db_rows("SELECT COUNT(*) AS n FROM presence WHERE participant_id = ?",
                                  (me,))[0]["n"]
    phone.sio.emit("disconnect", "transport close")
    phone.sio.emit("disconnect")
    other = world.server.join(world.w["code"], "Eve")["token"]
    for args in ({"kind": "participant", "code": world.w["code"], "token": other},
                 ({"fake": "environ"}, {"kind": "participant", "code": world.w["code"],
                                        "token": other}),
                 ("junk", None), ({}, {"kind": "board", "token": "nope"})):
        phone.sio.call("connect", args, timeout=5)
    assert phone.sync()["me"]["participant_id"] == me  # still Ann
    assert world.server.db_rows("SELECT COUNT(*) AS n FROM presence WHERE participant_id = ?",
                                (me,))[0]["n"] == online
    assert tracebacks(world) == logged


def test_ten_thousand_malformed_socket_messages(world: World) -> None:
    rng = random.Random(SEED)
    senders = [Sender(world.owner), Sender(world.board),
               Sender(lambda: world.phone("Ann")), Sender(lambda: world.phone("Xena", world.x))]
    logged = tracebacks(world)
    before = world.state()
    stream = messages(world, rng)
    sent = 0
    while sent < SOCKET_MESSAGES:
        for sender in senders:
            batch = [next(stream) for _ in range(150)]
            sender.send(batch)
            sent += len(batch)
    # Oversized messages last: they drop the connection by design.
    for sender in senders:
        for size in (LIMIT + 1, LIMIT * 2, LIMIT * 16):
            sender.send([("act", {"op": "workshop.rename", "op_id": op_id(rng),
                                  "data": {"title": "z" * size}})])
    acks = [a for s in senders for a in s.acks]
    for event, ack in acks:
        check_ack(event, ack)
    assert sent >= 10_000
    assert len([a for a in acks if a[0] == "act"]) >= 6_000  # most were answered
    assert world.server.proc.poll() is None
    assert requests.get(world.server.url + "/healthz", timeout=5).ok
    assert world.state() == before
    assert tracebacks(world) == logged  # nothing the server did not expect
    # Still serving: a fresh facilitator's valid action is applied and acked.
    fac = world.owner()
    assert fac.act("workshop.rename", {"title": "Na de fuzz"})["ok"]


# --- HTTP ------------------------------------------------------------------------------


def paths(world: World, rng: random.Random) -> Iterator[str]:
    templates = [r.rule for r in rules()] + [
        "/api/v1/", "/api/v2/workshops", "/static/../run.py", "/socket.io/", "/w/", "/board/",
        "/%00", "/.git/config"]
    while True:
        path = rng.choice(templates)
        for start in range(path.count("<")):
            i, j = path.index("<"), path.index(">")
            path = path[:i] + rng.choice([
                world.w["code"], world.x["code"], "ABC123", "0", "-1", "99999999999999999999",
                "%2e%2e%2f", "..", "<script>", "😀", "a" * 3000, "%00", "'", "NaN",
                "".join(rng.choices(string.printable.strip(), k=rng.randint(1, 20)))
            ]) + path[j + 1:]
            del start
        if rng.random() < 0.2:
            path += rng.choice(["?", "?a=1&a=2", "?next=//evil.example", "?status=<x>",
                                "?team=abc", "?%zz", "?" + "q=1&" * 500])
        yield path


def bodies(rng: random.Random) -> tuple[dict[str, str], Any]:
    roll = rng.random()
    if roll < 0.4:
        value = junk(rng)
        if isinstance(value, dict):
            value.pop("title", None)  # never a valid new workshop
        try:
            return {"Content-Type": "application/json"}, json.dumps(value, default=str)
        except ValueError:
            return {"Content-Type": "application/json"}, "{"
    if roll < 0.6:
        return ({"Content-Type": "application/x-www-form-urlencoded"},
                {"".join(rng.choices(string.ascii_letters, k=5)): str(junk(rng))[:500]
                 for _ in range(rng.randint(0, 5))})
    if roll < 0.75:
        return {"Content-Type": rng.choice(["application/json", "text/plain",
                                             "multipart/form-data; boundary=x", "",
                                             "application/json; charset=utf-7"])}, \
            rng.randbytes(rng.randint(0, 4096))
    if roll < 0.8:
        return {"Content-Type": "application/json"}, "[" * 5000 + "]" * 5000
    return {}, None


def test_two_thousand_random_http_requests(world: World) -> None:
    rng = random.Random(SEED + 1)
    before = world.state()
    auths = [None, "Bearer nope", "Bearer " + world.other_token, "Basic Zm9vOmJhcg==",
             "Bearer " + "x" * 5000]
    stream = paths(world, rng)
    session = requests.Session()
    statuses: dict[int, int] = {}
    for _ in range(HTTP_REQUESTS):
        method = rng.choice(["GET", "GET", "POST", "POST", "PUT", "PATCH", "DELETE",
                             "OPTIONS", "HEAD"])
        headers, body = bodies(rng)
        auth = rng.choice(auths)
        if auth:
            headers["Authorization"] = auth
        if rng.random() < 0.1:
            headers[rng.choice(["X-Forwarded-For", "X-Forwarded-Host", "Origin", "Referer",
                                "Accept-Language", "Cookie"])] = "".join(
                ch for ch in str(junk(rng))[:200] if 32 <= ord(ch) < 127)
        path = next(stream)
        kwargs = {"data": body} if not isinstance(body, dict) else {"data": body}
        try:
            response = session.request(method, world.server.url + path, headers=headers,
                                       timeout=15, allow_redirects=False, **kwargs)
        except (requests.exceptions.InvalidHeader, UnicodeEncodeError):
            continue  # refused by the client library before it was sent
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, (method, path, response.status_code)
        assert "Traceback" not in response.text, (method, path)
        if path.startswith("/api/") and response.status_code >= 400 and method != "HEAD":
            assert response.headers["Content-Type"].startswith("application/json"), path
    assert world.server.proc.poll() is None
    assert world.state() == before
    assert sum(statuses.values()) >= HTTP_REQUESTS * 0.95
