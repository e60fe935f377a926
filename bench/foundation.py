"""Foundation benchmark: time to join and push latency with a handful of phones.

    .venv/bin/python bench/foundation.py [--phones 10] [--rounds 20] [--mode eventlet]

Starts the real server (`python run.py`, as tests/conftest.Server does) on a free
loopback port with a throw-away data folder, creates a workshop through the JSON API,
and then:

  join   each phone: HTTP join (POST /api/v1/join), Socket.IO connect with the token,
         first `sync` answered; measured one phone after another.
  push   the facilitator moves the agenda (agenda.next / agenda.prev, alternating);
         the time from sending the action until each phone has the "phone" push with
         the action's seq. Includes the server's coalescing delay (PUSH_DELAY, 50 ms).

Prints p50 / p95 / max per measure (milliseconds) as a Markdown table. Bounded: at most
200 phones and 500 rounds, every wait has a timeout (10 s), the rounds stop after 5 minutes,
and the server is stopped at the end.
Timings are for reading, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import Server, login_cookie  # noqa: E402

WAIT = 10.0  # seconds: the most any single step may take
BUDGET = 300.0  # seconds: the whole run per mode; later rounds are skipped past it


class Phone:
    """A participant's phone: joined over HTTP, connected over Socket.IO."""

    def __init__(self, url: str, code: str, name: str):
        started = time.perf_counter()
        response = requests.post(url + "/api/v1/join", json={"code": code, "name": name},
                                 timeout=WAIT)
        response.raise_for_status()
        joined = time.perf_counter()
        self.arrivals: dict[int, float] = {}  # seq -> when the "phone" push arrived
        self.got = threading.Condition()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("phone", self._on_phone)
        self.sio.connect(url, auth={"kind": "participant", "code": code,
                                    "token": response.json()["token"]},
                         transports=["websocket"], wait_timeout=WAIT)
        connected = time.perf_counter()
        reply = self.sio.call("sync", {"seq": 0}, timeout=WAIT)
        assert reply["ok"], reply
        synced = time.perf_counter()
        self.timings = {"http": joined - started, "connect": connected - joined,
                        "sync": synced - connected, "total": synced - started}

    def _on_phone(self, msg: dict[str, Any]) -> None:
        with self.got:
            self.arrivals.setdefault(msg["seq"], time.perf_counter())
            self.got.notify_all()

    def wait_for(self, seq: int) -> float:
        deadline = time.monotonic() + WAIT
        with self.got:
            while not any(s >= seq for s in self.arrivals):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no push with seq {seq}")
                self.got.wait(left)
            return min(t for s, t in self.arrivals.items() if s >= seq)


def percentiles(values: list[float]) -> dict[str, float]:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, max(0, round(0.95 * len(ms)) - 1))]
    return {"n": len(ms), "p50": statistics.median(ms), "p95": p95, "max": ms[-1]}


def run(phones: int, rounds: int, mode: str) -> dict[str, Any]:
    data = Path(tempfile.mkdtemp(prefix="facilitator-bench-"))
    server = Server(data, env={"FACILITATOR_ASYNC_MODE": mode,
                               "FACILITATOR_ACTION_RATE": "1000/10second",
                               "FACILITATOR_RATELIMIT_JOIN_FLOOD": "10000/minute"})
    server.start()
    clients: list[Any] = []
    try:
        server.add_user("bench@example.nl", "facilitator")
        token = server.token("bench@example.nl")
        workshop = server.create_workshop(token, title="Benchmark")
        code = workshop["code"]
        fac = socketio.Client(reconnection=False)
        fac.connect(server.url, auth={"kind": "facilitator", "code": code},
                    headers={"Cookie": login_cookie(server, "bench@example.nl")},
                    transports=["websocket"], wait_timeout=WAIT)
        clients.append(fac)

        def act(op: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
            ack = fac.call("act", {"op": op, "op_id": os.urandom(8).hex(), "data": data or {}},
                           timeout=WAIT)
            assert ack["ok"], ack
            return ack

        act("agenda.add", {"kind": "welcome", "title": "Tweede"})
        act("workshop.open")

        joins: list[dict[str, float]] = []
        devices: list[Phone] = []
        for i in range(phones):
            phone = Phone(server.url, code, f"Telefoon {i + 1}")
            clients.append(phone.sio)
            devices.append(phone)
            joins.append(phone.timings)

        latencies: list[float] = []
        acks: list[float] = []
        deadline = time.monotonic() + BUDGET
        for r in range(rounds):
            if time.monotonic() > deadline:
                rounds = r
                break
            time.sleep(0.1)  # let the previous round's pushes settle
            sent = time.perf_counter()
            ack = act("agenda.next" if r % 2 == 0 else "agenda.prev")
            acks.append(time.perf_counter() - sent)
            latencies.extend(phone.wait_for(ack["seq"]) - sent for phone in devices)
        return {
            "mode": mode,
            "phones": phones,
            "rounds": rounds,
            "join_total": percentiles([j["total"] for j in joins]),
            "join_http": percentiles([j["http"] for j in joins]),
            "join_connect": percentiles([j["connect"] for j in joins]),
            "join_sync": percentiles([j["sync"] for j in joins]),
            "ack": percentiles(acks),
            "push": percentiles(latencies),
        }
    finally:
        for client in clients:
            try:
                client.disconnect()
            except Exception:
                pass
        server.stop()


ROWS = [
    ("join_total", "time to join (HTTP join + connect + first sync)"),
    ("join_http", "  of which HTTP join"),
    ("join_connect", "  of which Socket.IO connect"),
    ("join_sync", "  of which first sync"),
    ("ack", "facilitator's agenda.next acked"),
    ("push", "agenda.next until a phone has the push"),
]


def table(results: list[dict[str, Any]]) -> str:
    lines = ["| mode | measure | n | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|---|"]
    for result in results:
        for key, label in ROWS:
            p = result[key]
            lines.append(f"| {result['mode']} | {label.strip()} | {p['n']} | {p['p50']:.1f} "
                         f"| {p['p95']:.1f} | {p['max']:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--mode", action="append", choices=("eventlet", "gevent"),
                        help="async mode of the server (repeatable; default eventlet)")
    args = parser.parse_args()
    phones = max(1, min(args.phones, 200))
    rounds = max(1, min(args.rounds, 500))
    results = [run(phones, rounds, mode) for mode in args.mode or ["eventlet"]]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Facilitator foundation benchmark: {phones} phones, {rounds} agenda moves, "
          f"Python {platform.python_version()}, {os.cpu_count()} CPUs, loopback, "
          f"load average after the run {load}\n")
    print(table(results))


if __name__ == "__main__":
    main()
