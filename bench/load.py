"""Load benchmark: the real server under a swarm of phones, against a bare floor.

    .venv/bin/python bench/load.py --phones 1000 --mode eventlet --mode gevent

Starts `python run.py` as a subprocess (one per async mode) and drives it from this
process with asyncio python-socketio clients on loopback. Scenarios:

  a  N phones join one workshop and connect
  b  all N submit at once (the activity's participant `submit` action)
  c  the facilitator changes phase (agenda.next); all N phones must show it
  d  all N drop and reconnect within a few seconds (a change made meanwhile must arrive)
  e  20 workshops of 25 phones at once (join, submit, phase change)
  f  the server is SIGKILLed in the middle of (b) and restarted; outboxes resend

and the push of (c) on bench/bare_server.py (same async mode, broadcast only) for the
ratio to that floor. Lost and duplicated are counted from the database. Everything is
bounded: each wait has a timeout, the whole run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import swarm  # noqa: E402
from submit_spec import SubmitSpec, find_submit  # noqa: E402
from swarm import (  # noqa: E402
    AppServer,
    BareServer,
    ClusterServer,
    Screen,
    gather_limited,
    join_phones,
    raise_fd_limit,
    wait_until,
)

WAIT = 60.0  # seconds: the most any single scenario step may take
QUIET = 1.0  # seconds of quiet before each measured phase change in c
# Refusals that are a final answer from the activity (e.g. "at most 500 dilemmas").
FINAL_REFUSALS = {"limit"}


@dataclass
class Row:
    """One line of the results table."""

    scenario: str
    phones: int
    acks_s: float | None = None  # until every action is acked
    board_s: float | None = None  # until the board shows all of it
    p50_ms: float | None = None  # push latency to the phones
    p95_ms: float | None = None
    p99_ms: float | None = None
    cpu_s: float | None = None  # server CPU during the scenario
    lost: int = 0
    duplicated: int = 0
    refused: int = 0  # final refusals by the activity (its limits), not losses
    note: str = ""


@dataclass
class Result:
    mode: str
    phones: int
    rows: list[Row] = field(default_factory=list)
    rss_base_mib: float = 0.0
    kib_per_phone: float = 0.0
    bare: dict[str, float] = field(default_factory=dict)
    ratio_p99: float | None = None
    ratio_p50: float | None = None

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print(f"  {row}", flush=True)
        return row


def percentiles(latencies: list[float]) -> tuple[float, float, float]:
    if not latencies:
        return (float("nan"),) * 3  # type: ignore[return-value]
    q = statistics.quantiles(sorted(latencies), n=100, method="inclusive")
    return q[49] * 1000, q[94] * 1000, q[98] * 1000


@contextlib.contextmanager
def no_client_gc() -> Any:
    """The swarm is one Python process holding 1,000 clients: a full collection in it
    pauses every phone at once for a few hundred ms, and that pause landed in the push
    tails of the app and the bare server alike. The instrument collects before a
    measured push and not during it."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@dataclass
class Room:
    """One workshop: the facilitator's control page, the board and the phones."""

    workshop: dict[str, Any]
    control: Screen
    board: Screen
    phones: list[Screen]
    items: dict[str, int]

    @property
    def id(self) -> int:
        return int(self.workshop["id"])


class Bench:
    def __init__(self, server: AppServer, spec: SubmitSpec | None):
        self.server = server
        self.spec = spec
        self.token = server.add_facilitator("bench@example.nl")
        self.cookie = server.login_cookie("bench@example.nl")
        self.unacked_at_kill = 0  # scenario f: actions in flight when the server died
        self.profile: Path | None = None  # where py-spy writes (--profile)

    # --- setting up a room --------------------------------------------------------------

    async def open_room(self, title: str) -> Room:
        ws = await asyncio.to_thread(self.server.create_workshop, self.token, title)
        ws["id"] = self.server.rows("SELECT id FROM workshops WHERE code = ?", (ws["code"],))[0][0]
        url = self.server.socket_url(ws["code"])
        control = Screen(url, {"kind": "facilitator", "code": ws["code"]},
                         {"Cookie": self.cookie}, names=("control",))
        board = Screen(url, {"kind": "board", "token": ws["board_token"]}, names=("board",))
        await control.connect()
        await board.connect()
        await wait_until(lambda: bool(control.seen["control"]), 10)
        first = control.seen["control"][-1][2]["item"]["id"]
        items = {"first": first}
        await self.must(control, "workshop.open")
        if self.spec:
            ack = await self.must(control, "agenda.add", {"kind": self.spec.kind})
            items["submit"] = ack["result"]["item_id"]
        ack = await self.must(control, "agenda.add", {"kind": "welcome", "title": "Next"})
        items["next"] = ack["result"]["item_id"]
        if self.spec:
            await self.must(control, "agenda.goto", {"item_id": items["submit"]})
            for op, data in self.spec.prepare(items["submit"]):
                await self.must(control, op, data)
        return Room(ws, control, board, [], items)

    @staticmethod
    async def must(screen: Screen, op: str, data: dict[str, Any] | None = None) -> Any:
        ack = await asyncio.wait_for(screen.act(op, data), WAIT)
        if not ack.get("ok"):
            raise RuntimeError(f"{op} refused: {ack}")
        return ack

    async def join(self, room: Room, count: int) -> int:
        """Join and connect `count` phones; returns how many failed."""
        import aiohttp

        async with aiohttp.ClientSession() as session:
            joined = await join_phones(session, self.server.url, room.workshop["code"], count)
        url = self.server.socket_url(room.workshop["code"])
        failed = sum(isinstance(j, BaseException) for j in joined)
        phones = [Screen(url, {"kind": "participant", "code": room.workshop["code"],
                               "token": j["token"]}) for j in joined if isinstance(j, dict)]
        results = await gather_limited([p.connect() for p in phones], 100)
        failed += sum(isinstance(r, BaseException) for r in results)
        room.phones.extend(p for p, r in zip(phones, results, strict=True)
                           if not isinstance(r, BaseException))
        return failed

    # --- scenarios ----------------------------------------------------------------------

    async def scenario_a(self, room: Room, count: int) -> Row:
        cpu = self.server.cpu_seconds()
        start = time.monotonic()
        failed = await self.join(room, count)
        joined_s = time.monotonic() - start
        # The board counts who is online: complete when it shows every phone.
        await wait_until(lambda: self._board_online(room) >= count, WAIT, 0.02)
        board_s = time.monotonic() - start
        in_db = self.server.rows(
            "SELECT COUNT(*), COUNT(DISTINCT token_hash) FROM participants WHERE workshop_id = ?",
            (room.id,))[0]
        lost = failed + max(0, count - self._board_online(room))
        return Row("a join+connect", count, round(joined_s, 2), round(board_s, 2),
                   cpu_s=round(self.server.cpu_seconds() - cpu, 2), lost=lost,
                   duplicated=max(0, in_db[0] - count) + (in_db[0] - in_db[1]))

    def _board_online(self, room: Room) -> int:
        seen = room.board.seen["board"]
        return int(seen[-1][2]["people"]["online"]) if seen else 0

    async def submit_all(
        self, rooms: list[Room], tag: str
    ) -> tuple[list[Any], dict[int, set[str]]]:
        """Every phone of every room submits once; returns acks and the op_ids per room."""
        assert self.spec is not None
        ops: dict[int, set[str]] = {}
        jobs = []
        for room in rooms:
            ops[room.id] = set()
            for i, phone in enumerate(room.phones):
                op_id = f"{tag}-{room.id}-{i}-{time.time_ns() % 10**9}"
                ops[room.id].add(op_id)
                jobs.append(phone.act(self.spec.op, self.spec.data(room.items["submit"], i),
                                      op_id=op_id))
        acks = await asyncio.wait_for(asyncio.gather(*jobs, return_exceptions=True), WAIT * 2)
        return list(acks), ops

    def count_losses(self, ops: dict[int, set[str]], acks: list[Any]) -> tuple[int, int, int]:
        """Lost: sent but neither stored nor refused; duplicated: stored more than once.
        Also returns how many the activity refused (its own limits, a final answer)."""
        assert self.spec is not None
        refused_ids = {a["op_id"] for a in acks if isinstance(a, dict) and not a.get("ok")
                       and a.get("error", {}).get("code") in FINAL_REFUSALS}
        lost = sum(not isinstance(a, dict) for a in acks)
        lost += sum(1 for a in acks if isinstance(a, dict) and not a.get("ok")
                    and a.get("op_id") not in refused_ids)
        duplicated = 0
        for workshop_id, op_ids in ops.items():
            stored = dict(self.server.rows(
                "SELECT op_id, COUNT(*) FROM events WHERE workshop_id = ? AND op = ?"
                " GROUP BY op_id", (workshop_id, self.spec.op)))
            lost += sum(1 for op_id in op_ids if op_id not in stored and op_id not in refused_ids)
            duplicated += sum(n - 1 for op_id, n in stored.items() if op_id in op_ids)
            rows = self.spec.domain_rows(self.server, workshop_id)
            events = self.server.rows(
                "SELECT COUNT(*) FROM events WHERE workshop_id = ? AND op = ?",
                (workshop_id, self.spec.op))[0][0]
            if rows is not None:
                duplicated += max(0, rows - events)
                lost += max(0, events - rows)
        return lost, duplicated, len(refused_ids)

    async def scenario_b(self, rooms: list[Room], label: str = "b submit at once") -> Row:
        phones = sum(len(r.phones) for r in rooms)
        cpu = self.server.cpu_seconds()
        start = time.monotonic()
        acks, ops = await self.submit_all(rooms, "b")
        acks_s = time.monotonic() - start
        # seq is per workshop: each board against its own workshop's acks (the acks come
        # in the order of the rooms' phones).
        top, at = {}, 0
        for r in rooms:
            mine = acks[at:at + len(r.phones)]
            at += len(r.phones)
            top[r.id] = max((a.get("seq", 0) for a in mine if isinstance(a, dict)), default=0)
        # The board is complete once it shows a view as new as the last submission.
        await wait_until(lambda: all(
            r.board.seen["board"] and r.board.seen["board"][-1][1] >= top[r.id] for r in rooms),
            WAIT, 0.01)
        board_s = time.monotonic() - start
        lost, dup, refused = self.count_losses(ops, acks)
        return Row(label, phones, round(acks_s, 2), round(board_s, 2),
                   cpu_s=round(self.server.cpu_seconds() - cpu, 2), lost=lost, duplicated=dup,
                   refused=refused)

    async def phase_change(self, rooms: list[Room], op: str = "agenda.next",
                           target: str = "next") -> tuple[list[float], int]:
        """The facilitators change phase; returns per-phone latencies and phones missing it."""
        for room in rooms:
            want = room.items[target]
            for p in room.phones:
                p.expect("phone", lambda s, v, w=want: (v.get("item") or {}).get("id") == w)
        phones = [p for r in rooms for p in r.phones]
        with no_client_gc():
            start = time.time()
            await asyncio.gather(*(self.must(r.control, op, {"item_id": r.items[target]}
                                             if op == "agenda.goto" else None) for r in rooms))
            await wait_until(lambda: all(p.hit is not None for p in phones), WAIT, 0.01)
        arrivals = [p.hit for p in phones]
        return [t - start for t in arrivals if t is not None], arrivals.count(None)

    async def scenario_c(self, room: Room, rounds: int) -> Row:
        cpu = self.server.cpu_seconds()
        latencies: list[float] = []
        missing = 0
        for r in range(rounds):
            if r:  # back to where we were, then measure the step forward again
                await self.must(room.control, "agenda.prev")
            # Each measured step starts in a quiet room: the push of the step back (or
            # the tail of b's burst) would otherwise be counted in this one.
            await asyncio.sleep(QUIET)
            got, lost = await self.phase_change([room])
            latencies += got
            missing += lost
            await asyncio.sleep(0.3)
        p50, p95, p99 = percentiles(latencies)
        return Row(f"c phase change x{rounds}", len(room.phones), p50_ms=round(p50),
                   p95_ms=round(p95), p99_ms=round(p99),
                   cpu_s=round(self.server.cpu_seconds() - cpu, 2), lost=missing)

    async def scenario_d(self, room: Room) -> Row:
        import random

        cpu = self.server.cpu_seconds()
        rng = random.Random(4)
        await asyncio.gather(*(p.disconnect() for p in room.phones))
        await wait_until(lambda: self._board_online(room) == 0, 10, 0.02)
        # Meanwhile the room moves on: every phone must see it after coming back.
        marker = f"while you were away {time.time_ns()}"
        await self.must(room.control, "welcome.set_text",
                        {"item_id": room.items["next"], "text": marker})

        gate = asyncio.Semaphore(200)

        async def back(phone: Screen) -> None:
            await asyncio.sleep(rng.uniform(0, 2))
            async with gate:
                await phone.connect()

        def caught_up(p: Screen) -> bool:
            return p.hit is not None

        for p in room.phones:
            p.expect("phone", lambda s, v: (((v.get("item") or {}).get("view") or {})
                                            .get("text") == marker))
        start = time.monotonic()  # from here: every phone back within 0-2 s, then synced
        results = await asyncio.gather(*(back(p) for p in room.phones), return_exceptions=True)
        await wait_until(lambda: all(caught_up(p) for p in room.phones), WAIT, 0.02)
        synced_s = time.monotonic() - start
        await wait_until(lambda: self._board_online(room) >= len(room.phones), WAIT, 0.02)
        lost = sum(isinstance(r, BaseException) for r in results)
        lost += sum(not caught_up(p) for p in room.phones)
        return Row("d drop+reconnect", len(room.phones), acks_s=round(synced_s, 2),
                   board_s=round(time.monotonic() - start, 2),
                   cpu_s=round(self.server.cpu_seconds() - cpu, 2), lost=lost,
                   note="reconnects spread over 2 s; acks = all back with the change made "
                        "while away, board = all counted online")

    async def scenario_e(self, workshops: int, per: int) -> list[Row]:
        cpu = self.server.cpu_seconds()
        rooms = [await self.open_room(f"Room {i}") for i in range(workshops)]
        start = time.monotonic()
        failed = sum(await asyncio.gather(*(self.join(r, per) for r in rooms)))
        joined_s = time.monotonic() - start
        await wait_until(lambda: all(self._board_online(r) >= per for r in rooms), WAIT, 0.02)
        spread = getattr(self.server, "spread", None)
        rows = [Row(f"e join {workshops}x{per}", workshops * per, round(joined_s, 2),
                    round(time.monotonic() - start, 2),
                    lost=failed + sum(max(0, per - self._board_online(r)) for r in rooms),
                    note=spread() if spread else "")]
        if self.spec:
            rows.append(await self.scenario_b(rooms, f"e submit {workshops}x{per}"))
        await asyncio.sleep(QUIET)  # as in c: the phase change alone, not b's tail
        cpu = self.server.cpu_seconds()
        latencies, missing = await self.phase_change(rooms)
        p50, p95, p99 = percentiles(latencies)
        rows.append(Row(f"e phase {workshops}x{per}", workshops * per, p50_ms=round(p50),
                        p95_ms=round(p95), p99_ms=round(p99),
                        cpu_s=round(self.server.cpu_seconds() - cpu, 2), lost=missing))
        await self.close(rooms)
        return rows

    async def scenario_f(self, room: Room) -> Row:
        start = time.monotonic()
        submitting = asyncio.ensure_future(self.submit_all([room], "f"))
        # Kill once some, not all, acks are in: the middle of the burst.
        await wait_until(lambda: sum(p.sent for p in room.phones) >= len(room.phones), 10, 0.001)
        await asyncio.sleep(0.05)
        pending_before = sum(len(p.pending) for p in room.phones)
        self.unacked_at_kill = pending_before
        connects = sum(p.connects for p in room.phones)
        await asyncio.to_thread(self.server.kill)
        killed_at = time.monotonic() - start
        await asyncio.to_thread(self.server.start)
        up_at = time.monotonic() - start
        if self.profile is not None:  # the restarted server while the phones come back
            start_spy("server-restarted.txt", self.server.pid, self.profile, seconds=10)
        await wait_until(lambda: sum(p.connects for p in room.phones) > connects, WAIT, 0.005)
        first_back = time.monotonic() - start
        acks, ops = await submitting
        acks_s = time.monotonic() - start
        lost, dup, refused = self.count_losses(ops, acks)
        resent = sum(p.sent for p in room.phones) - len(room.phones)
        return Row("f SIGKILL during b", len(room.phones), round(acks_s, 2), lost=lost,
                   duplicated=dup, refused=refused,
                   note=f"killed at {killed_at:.2f}s with {pending_before} of "
                        f"{len(room.phones)} unacked; up again at {up_at:.2f}s, first phone "
                        f"back at {first_back:.2f}s; {resent} resends")

    @staticmethod
    async def close(rooms: list[Room]) -> None:
        screens = [s for r in rooms for s in (r.control, r.board, *r.phones)]
        await asyncio.gather(*(s.disconnect() for s in screens), return_exceptions=True)


async def bare_push(server: BareServer, count: int, rounds: int, payload: Any,
                    event: str = "go") -> list[float]:
    """The same broadcast on the bare server (`each`: one emit per phone): latencies of
    every phone in every round."""
    phones = [Screen(server.url, {}, names=("phone",)) for _ in range(count)]
    await gather_limited([p.connect() for p in phones], 100)
    controller = Screen(server.url, {}, names=())
    await controller.connect()
    await asyncio.sleep(1)
    latencies: list[float] = []
    for r in range(rounds):
        marker = 10_000 + r
        await asyncio.sleep(QUIET)  # as in c
        for p in phones:
            p.expect("phone", lambda s, v, m=marker: s == m)
        with no_client_gc():
            start = time.time()
            await controller.sio.call(event, {"seq": marker, "view": payload}, timeout=WAIT)
            await wait_until(lambda: all(p.hit is not None for p in phones), WAIT, 0.01)
        latencies += [p.hit - start for p in phones if p.hit is not None]
        await asyncio.sleep(0.3)
    await asyncio.gather(*(p.disconnect() for p in [*phones, controller]),
                         return_exceptions=True)
    return latencies


async def bare_kill(server: BareServer, count: int) -> Row:
    """Scenario f on the bare server: its floor. Every phone sends one action; once all
    are sent the server is SIGKILLed and restarted, and the phones reconnect, sync and
    resend as against the real one (swarm.Screen). Until every action is acknowledged."""
    phones = [Screen(server.url, {}, names=()) for _ in range(count)]
    await gather_limited([p.connect() for p in phones], 100)
    await asyncio.sleep(1)
    start = time.monotonic()
    acting = asyncio.ensure_future(asyncio.gather(*(p.act("bare.submit", {"n": i})
                                                    for i, p in enumerate(phones))))
    await wait_until(lambda: sum(p.sent for p in phones) >= count, 10, 0.001)
    await asyncio.sleep(0.05)
    pending = sum(len(p.pending) for p in phones)
    connects = sum(p.connects for p in phones)
    await asyncio.to_thread(server.kill)
    killed_at = time.monotonic() - start
    await asyncio.to_thread(server.start)
    up_at = time.monotonic() - start
    await wait_until(lambda: sum(p.connects for p in phones) > connects, WAIT, 0.005)
    first_back = time.monotonic() - start
    acks = await asyncio.wait_for(acting, WAIT)
    acks_s = time.monotonic() - start
    await asyncio.gather(*(p.disconnect() for p in phones), return_exceptions=True)
    return Row("f on the bare server", count, round(acks_s, 2),
               lost=count - sum(1 for a in acks if a.get("ok")),
               note=f"killed at {killed_at:.2f}s with {pending} of {count} unacked; up again "
                    f"at {up_at:.2f}s, first phone back at {first_back:.2f}s")


def start_spy(name: str, pid: int, folder: Path, seconds: float | None = None) -> Any:
    """A sampling profile of process `pid` into folder/name (py-spy from PyPI), for the
    whole run or `seconds`."""
    import subprocess

    argv = [str(Path(sys.executable).parent / "py-spy"), "record", "--format", "raw",
            "--rate", "200", "--pid", str(pid), "-o", str(folder / name)]
    if seconds is not None:
        argv += ["--duration", str(int(seconds))]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)



async def run_mode(mode: str, args: argparse.Namespace, workdir: Path) -> Result:
    print(f"== {mode}: {args.phones} phones", flush=True)
    result = Result(mode, args.phones)
    if args.processes:
        server: AppServer = ClusterServer(workdir / mode, mode, args.processes)
        result.mode = f"{mode}, {args.processes} processes + Redis + nginx"
    else:
        server = AppServer(workdir / mode, mode)
    server.start()
    spy = None
    if args.profile:
        spy = start_spy(f"server-{mode}-{args.phones}.txt", server.pid, args.profile)
    bare = BareServer(workdir / mode, mode)
    try:
        spec = find_submit()
        bench = Bench(server, spec)
        bench.profile = args.profile
        room = await bench.open_room("Load")
        await asyncio.sleep(0.5)
        base = server.rss_bytes()
        result.rss_base_mib = round(base / 2**20, 1)
        result.add(await bench.scenario_a(room, args.phones))
        await asyncio.sleep(1)
        result.kib_per_phone = round((server.rss_bytes() - base) / 1024 / args.phones, 1)
        if spec:
            result.add(await bench.scenario_b([room]))
        else:
            result.add(Row("b submit at once", args.phones, note="no participant submit action"))
        c = result.add(await bench.scenario_c(room, args.rounds))
        payload = room.phones[0].seen["phone"][-1][2]
        if "d" in args.scenarios:
            result.add(await bench.scenario_d(room))
        await bench.close([room])
        if "f" in args.scenarios and spec and not args.processes:
            # A fresh workshop, so that the activity's own limits leave room for N more.
            fresh = await bench.open_room("Crash")
            await bench.join(fresh, args.phones)
            await asyncio.sleep(1)
            result.add(await bench.scenario_f(fresh))
            await bench.close([fresh])
        if "e" in args.scenarios:
            for row in await bench.scenario_e(args.workshops, args.per_workshop):
                result.add(row)
        server.stop()
        if args.bare:
            bare.start()
            if "f" in args.scenarios and spec and not args.processes:
                result.add(await bare_kill(bare, args.phones))
                await asyncio.sleep(1)
            p50, p95, p99 = percentiles(await bare_push(bare, args.phones, args.rounds, payload))
            result.bare = {"p50_ms": round(p50), "p95_ms": round(p95), "p99_ms": round(p99),
                           "payload_bytes": len(json.dumps(payload))}
            if c.p99_ms and p99:
                result.ratio_p99 = round(c.p99_ms / p99, 2)
                result.ratio_p50 = round(c.p50_ms / p50, 2) if c.p50_ms and p50 else None
    finally:
        server.stop()
        bare.stop()
        if spy is not None:
            spy.wait(timeout=30)
    return result


def table(results: list[Result]) -> str:
    def cell(value: Any) -> str:
        return "" if value is None else str(value)

    lines = []
    for res in results:
        lines.append(f"\n### {res.mode}, {res.phones} phones\n")
        lines.append("| scenario | phones | all acks s | board complete s | push p50 ms "
                     "| p95 ms | p99 ms | server CPU s | lost | duplicated | refused | note |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in res.rows:
            lines.append("| " + " | ".join(cell(v) for v in (
                r.scenario, r.phones, r.acks_s, r.board_s, r.p50_ms, r.p95_ms, r.p99_ms,
                r.cpu_s, r.lost, r.duplicated, r.refused, r.note)) + " |")
        if res.bare:
            lines.append(f"| bare python-socketio broadcast | {res.phones} | | | "
                         f"{res.bare['p50_ms']} | {res.bare['p95_ms']} | {res.bare['p99_ms']} "
                         f"| | | | | payload {res.bare['payload_bytes']} bytes |")
        lines.append("")
        lines.append(f"Server memory: {res.rss_base_mib} MiB before the phones, "
                     f"{res.kib_per_phone} KiB per connected phone. "
                     f"Push latency ratio to the bare server: p50 {res.ratio_p50}x, "
                     f"p99 {res.ratio_p99}x.")
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="facilitator-load-") as tmp:
        results = []
        for mode in args.mode:
            results.append(await asyncio.wait_for(run_mode(mode, args, args.keep or Path(tmp)),
                                                  args.time_limit))
        return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, default=100)
    parser.add_argument("--mode", action="append", choices=("eventlet", "gevent"))
    parser.add_argument("--rounds", type=int, default=3, help="phase changes measured in c")
    parser.add_argument("--workshops", type=int, default=20)
    parser.add_argument("--per-workshop", type=int, default=25)
    parser.add_argument("--scenarios", default="abcdef")
    parser.add_argument("--no-bare", dest="bare", action="store_false")
    parser.add_argument("--time-limit", type=float, default=300, help="seconds per mode")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", type=Path, help="data folders and logs here, kept")
    parser.add_argument("--backoff", choices=("swarm", "browser"), default="swarm",
                        help="the phones' reconnection delays: the swarm's (0.3 s to 2 s)"
                             " or the browser's (1 s to 5 s, as live.js)")
    parser.add_argument("--profile", type=Path, help="py-spy the server into this folder")
    parser.add_argument("--processes", type=int, default=0,
                        help="run N processes behind nginx with Redis (run.py cluster);"
                             " leave out f, which kills the one server")
    args = parser.parse_args(argv)
    args.mode = args.mode or ["eventlet"]
    if args.backoff == "browser":
        swarm.BACKOFF[:] = [1.0, 5.0]
    raise_fd_limit()
    results = asyncio.run(main_async(args))
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2))


if __name__ == "__main__":
    main()
