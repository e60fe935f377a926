"""One big workshop, 250 to 5,000 phones, with the swarm spread over several processes.

    .venv/bin/python bench/big_room.py --phones 250 --phones 1000 --phones 5000 --swarm 2

For each size: a fresh server (`python run.py`, as bench/load.py starts it), the phones
join over HTTP and connect from `--swarm` processes (bench/crowd.py), then

  a  join + connect: until all are connected, and until the board counts them all
  b  all submit at once: until every ack is in; server CPU per submission
  c  the facilitator changes phase (agenda.next, `--rounds` times, each after a second of
     quiet, a step back between): push latency to every phone, the first phone's
     arrival, and server CPU per phase change (the least of the rounds, each round's in
     the JSON: /proc counts CPU in 10 ms ticks, and a first broadcast costs more)

and then the same swarm against bench/bare_server.py: its broadcast of the same phone
view (latency and CPU per broadcast) and an echo-with-ack of the same submissions (CPU
per ack): the floors the server's figures are divided by. Memory per phone is the
server's resident set growth over (a), divided by the phones. Lost and duplicated are
counted from the database, as in bench/load.py. Every wait has a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from load import QUIET, WAIT, Bench, Room, percentiles  # noqa: E402
from submit_spec import find_submit  # noqa: E402
from swarm import AppServer, BareServer, Screen, join_phones, raise_fd_limit  # noqa: E402

CROWD = Path(__file__).resolve().parent / "crowd.py"


class Swarm:
    """`size` crowd processes, each holding a share of the phones."""

    def __init__(self, size: int, log: Path):
        self.size, self.log = size, log
        self.procs: list[asyncio.subprocess.Process] = []

    async def start(self) -> None:
        with self.log.open("ab") as log:
            for _ in range(self.size):
                self.procs.append(await asyncio.create_subprocess_exec(
                    sys.executable, str(CROWD), stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE, stderr=log, limit=2**26))

    async def _ask(self, proc: asyncio.subprocess.Process, command: dict[str, Any],
                   timeout: float) -> dict[str, Any]:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write((json.dumps(command) + "\n").encode())
        await proc.stdin.drain()
        reply = json.loads(await asyncio.wait_for(proc.stdout.readline(), timeout))
        if "error" in reply and reply["error"] and command["cmd"] != "submit":
            raise RuntimeError(f"crowd {command['cmd']}: {reply['error']}")
        return reply

    async def each(self, commands: list[dict[str, Any]], timeout: float = WAIT * 2
                   ) -> list[dict[str, Any]]:
        """Command i to process i, all at once."""
        return list(await asyncio.gather(*(
            self._ask(p, c, timeout) for p, c in zip(self.procs, commands, strict=True))))

    async def all(self, command: dict[str, Any], timeout: float = WAIT * 2
                  ) -> list[dict[str, Any]]:
        return await self.each([dict(command) for _ in self.procs], timeout)

    def share(self, items: list[Any]) -> list[list[Any]]:
        return [items[i::self.size] for i in range(self.size)]

    async def connect(self, url: str, auths: list[dict[str, Any]]) -> int:
        replies = await self.each([{"cmd": "connect", "url": url, "auths": part}
                                   for part in self.share(auths)], timeout=WAIT * 3)
        return sum(r["failed"] for r in replies)

    async def push(self, send: Any, **expect: Any) -> list[float | None]:
        """Arrival times of the push `send()` causes, every phone of every process."""
        await self.all({"cmd": "expect", **expect})
        await send()
        replies = await self.all({"cmd": "hits", "timeout": WAIT})
        return [t for r in replies for t in r["hits"]]

    async def stop(self) -> None:
        with _suppress():
            await self.all({"cmd": "close"}, timeout=30)
        for proc in self.procs:
            with _suppress():
                await asyncio.wait_for(proc.wait(), 10)
            if proc.returncode is None:
                proc.kill()
        self.procs = []


class _suppress:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> bool:
        return True


def figures(latencies: list[float], first: float | None) -> dict[str, Any]:
    p50, p95, p99 = percentiles(latencies)
    return {"p50_ms": round(p50), "p95_ms": round(p95), "p99_ms": round(p99),
            "first_ms": None if first is None else round(first * 1000)}


async def settle_cpu(server: Any, before: float) -> float:
    """The server's CPU since `before`, once its sends have drained."""
    await asyncio.sleep(0.3)
    return server.cpu_seconds() - before


async def measure_app(n: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    spec = find_submit()
    assert spec is not None, "no participant submit action to measure"
    server = AppServer(workdir / f"app-{n}", args.mode,
                       {"FACILITATOR_MAX_PARTICIPANTS": str(max(2000, n))})
    swarm = Swarm(args.swarm, workdir / f"crowd-{n}.log")
    out: dict[str, Any] = {"phones": n}
    server.start()
    try:
        await swarm.start()
        bench = Bench(server, spec)
        room = await bench.open_room("Big room")
        await asyncio.sleep(0.5)
        base = server.rss_bytes()

        # a: join over HTTP (the coordinator), connect from the swarm.
        import aiohttp

        cpu = server.cpu_seconds()
        start = time.monotonic()
        async with aiohttp.ClientSession() as session:
            joined = await join_phones(session, server.url, room.workshop["code"], n)
        tokens = [j["token"] for j in joined if isinstance(j, dict)]
        failed = n - len(tokens)
        auths = [{"kind": "participant", "code": room.workshop["code"], "token": t}
                 for t in tokens]
        failed += await swarm.connect(server.socket_url(room.workshop["code"]), auths)
        connected_s = time.monotonic() - start
        await _until(lambda: bench._board_online(room) >= n, WAIT)
        out["a"] = {"connected_s": round(connected_s, 2),
                    "board_s": round(time.monotonic() - start, 2),
                    "cpu_s": round(server.cpu_seconds() - cpu, 2), "failed": failed}
        await asyncio.sleep(1)
        out["base_mib"] = round(base / 2**20, 1)
        out["kib_per_phone"] = round((server.rss_bytes() - base) / 1024 / n, 1)

        # b: every phone submits at once.
        spy = _profile(server, args.profile / f"submit-{n}.txt") if args.profile else None
        out["b"] = await submit_burst(swarm, server, spec, room, bench, n)
        _stop_profile(spy)

        # c: phase changes, each after a quiet second.
        spy = _profile(server, args.profile / f"phase-{n}.txt") if args.profile else None
        latencies: list[float] = []
        firsts: list[float] = []
        cpus: list[float] = []
        medians: list[int] = []  # per round: the first is in a room that was quiet longest
        payload: Any = None
        for r in range(args.rounds):
            if r:
                await bench.must(room.control, "agenda.prev")
            await asyncio.sleep(QUIET)
            cpu = server.cpu_seconds()
            sent = time.time()
            hits = await swarm.push(lambda: bench.must(room.control, "agenda.next"),
                                    item_id=room.items["next"])
            cpus.append(await settle_cpu(server, cpu))
            got = [t - sent for t in hits if t is not None]
            latencies += got
            firsts.append(min(got, default=float("nan")))
            medians.append(round(percentiles(got)[0]))
        out["c"] = {**figures(latencies, min(firsts)), "missing": n * args.rounds - len(latencies),
                    "p50_per_round_ms": medians,
                    "cpu_per_push_s": round(min(cpus), 3),
                    "cpu_pushes_s": [round(c, 3) for c in cpus]}
        _stop_profile(spy)
        payload = (await swarm.all({"cmd": "view"}))[0]["view"]
        out["payload_bytes"] = len(json.dumps(payload))
    finally:
        await swarm.stop()
        server.stop()
    out["bare"] = await measure_bare(n, args, workdir, payload, spec, room)
    return out


def _profile(server: Any, out: Path) -> subprocess.Popen[bytes]:
    """A sampling profile of the server during (b) or (c) (py-spy, from PyPI)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    spy = subprocess.Popen(
        [str(Path(sys.executable).parent / "py-spy"), "record", "--format", "raw",
         "--rate", "500", "--pid", str(server.pid), "-o", str(out)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)  # attached before the first measured push
    return spy


def _stop_profile(spy: subprocess.Popen[bytes] | None) -> None:
    if spy is not None:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=60)


async def submit_burst(swarm: Swarm, server: Any, spec: Any, room: Room, bench: Bench,
                       n: int) -> dict[str, Any]:
    op_ids = [f"b-{room.id}-{i}-{time.time_ns() % 10**9}" for i in range(n)]
    datas = [spec.data(room.items["submit"], i) for i in range(n)]
    cpu = server.cpu_seconds()
    start = time.time()
    replies = await swarm.each([
        {"cmd": "submit", "op": spec.op, "datas": d, "op_ids": o, "timeout": WAIT * 2}
        for d, o in zip(swarm.share(datas), swarm.share(op_ids), strict=True)])
    acks = [a for r in replies for a in r.get("acks", [])]
    done = [a for a in acks if a]
    acks_s = max((a["at"] for a in done), default=start) - start
    top = max((a["seq"] for a in done), default=0)
    await _until(lambda: bool(room.board.seen["board"]) and room.board.seen["board"][-1][1] >= top,
                 WAIT)
    board_s = time.time() - start
    cpu_s = await settle_cpu(server, cpu)
    lost, dup, refused = bench.count_losses({room.id: set(op_ids)}, acks)
    return {"acks_s": round(acks_s, 2), "board_s": round(board_s, 2), "cpu_s": round(cpu_s, 2),
            "cpu_per_action_ms": round(cpu_s / n * 1000, 3), "lost": lost, "duplicated": dup,
            "refused": refused}


async def measure_bare(n: int, args: argparse.Namespace, workdir: Path, payload: Any,
                       spec: Any, room: Room) -> dict[str, Any]:
    bare = BareServer(workdir / f"bare-{n}", args.mode)
    swarm = Swarm(args.swarm, workdir / f"crowd-bare-{n}.log")
    bare.start()
    out: dict[str, Any] = {}
    try:
        await swarm.start()
        await swarm.connect(bare.url, [{} for _ in range(n)])
        controller = Screen(bare.url, {}, names=())
        await controller.connect()
        await asyncio.sleep(1)
        latencies: list[float] = []
        firsts: list[float] = []
        cpus: list[float] = []
        for r in range(args.rounds):
            await asyncio.sleep(QUIET)
            marker = 10_000 + r
            cpu = bare.cpu_seconds()
            sent = time.time()
            hits = await swarm.push(
                lambda m=marker: controller.sio.call("go", {"seq": m, "view": payload},
                                                     timeout=WAIT), seq=marker)
            cpus.append(await settle_cpu(bare, cpu))
            got = [t - sent for t in hits if t is not None]
            latencies += got
            firsts.append(min(got, default=float("nan")))
        out["push"] = {**figures(latencies, min(firsts)),
                       "cpu_per_push_s": round(min(cpus), 3),
                       "cpu_pushes_s": [round(c, 3) for c in cpus]}
        # The echo: the same submissions, acknowledged and nothing else.
        await asyncio.sleep(QUIET)
        cpu = bare.cpu_seconds()
        start = time.time()
        datas = [spec.data(room.items["submit"], i) for i in range(n)]
        op_ids = [f"e-{i}" for i in range(n)]
        replies = await swarm.each([
            {"cmd": "submit", "op": spec.op, "datas": d, "op_ids": o, "timeout": WAIT * 2}
            for d, o in zip(swarm.share(datas), swarm.share(op_ids), strict=True)])
        done = [a for r in replies for a in r.get("acks", []) if a]
        cpu_s = await settle_cpu(bare, cpu)
        out["echo"] = {"acks_s": round(max((a["at"] for a in done), default=start) - start, 2),
                       "cpu_per_action_ms": round(cpu_s / n * 1000, 3), "acked": len(done)}
        await controller.disconnect()
    finally:
        await swarm.stop()
        bare.stop()
    return out


async def _until(check: Any, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not check():
        await asyncio.sleep(0.01)
    return bool(check())


def table(results: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"\n### {args.mode}, one workshop, swarm of {args.swarm} processes\n",
        "| phones | a all connected / board s | b all acks s | b CPU per submission ms "
        "(echo floor, ratio) | c push p50 / p99 ms (bare) | c p99 ratio | first phone ms "
        "(bare) | c CPU per phase change s (bare broadcast, ratio) | KiB per phone "
        "| lost / dup |",
        "|---:|---|---:|---|---|---:|---|---|---:|---|",
    ]
    for r in results:
        a, b, c, bare = r["a"], r["b"], r["c"], r["bare"]
        push, echo = bare["push"], bare["echo"]
        cpu_ratio = c["cpu_per_push_s"] / push["cpu_per_push_s"] if push["cpu_per_push_s"] else 0
        act_ratio = (b["cpu_per_action_ms"] / echo["cpu_per_action_ms"]
                     if echo["cpu_per_action_ms"] else 0)
        lines.append(
            f"| {r['phones']:,} | {a['connected_s']} / {a['board_s']} | {b['acks_s']} | "
            f"{b['cpu_per_action_ms']} ({echo['cpu_per_action_ms']}, {act_ratio:.1f}x) | "
            f"{c['p50_ms']} / {c['p99_ms']} ({push['p50_ms']} / {push['p99_ms']}) | "
            f"{c['p99_ms'] / push['p99_ms']:.2f}x | {c['first_ms']} ({push['first_ms']}) | "
            f"{c['cpu_per_push_s']} ({push['cpu_per_push_s']}, {cpu_ratio:.1f}x) | "
            f"{r['kib_per_phone']} | {b['lost']} / {b['duplicated']} |")
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="facilitator-big-") as tmp:
        results = []
        for n in args.phones:
            result = await asyncio.wait_for(measure_app(n, args, Path(tmp)), args.time_limit)
            print(json.dumps(result), flush=True)
            results.append(result)
        return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, action="append")
    parser.add_argument("--swarm", type=int, default=2, help="client processes")
    parser.add_argument("--mode", choices=("eventlet", "gevent"), default="eventlet")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=600, help="seconds per size")
    parser.add_argument("--profile", type=Path,
                        help="py-spy the server during (b) and (c) into here")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    args.phones = args.phones or [250, 1000]
    raise_fd_limit()
    results = asyncio.run(main_async(args))
    print(table(results, args))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
