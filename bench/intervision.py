"""Intervision benchmark: a big room of many groups through a phase change.

    .venv/bin/python bench/intervision.py --phones 300 --group-size 6    # 50 groups

Starts `python run.py` (bench/swarm.py's AppServer), makes an intervision workshop, joins
N phones, makes groups and starts every group's round. Then, each after a second of quiet:

  room  the facilitator moves the room onto the intervision item (agenda.goto): all N
        own group views are recomputed in that push (the phones already hold theirs, so
        only the shared `phone` view is sent; latency is until each phone has it)
  phase every group's round goes to its next phase at once (intervision.advance for each
        group, sent together, as 40 guides might): each member's view changes
  together the same by the facilitator's one tap (intervision.advance_all): one action,
        one push of every member's own view

Latency runs from sending until each phone has the `me` view that shows the change; server
CPU is the server process's user + system time over the step, divided by the steps. The
floor is bench/bare_server.py broadcasting a payload of the same size to N phones (the same
message to all), and the same payload emitted to each phone one by one (`bare_each`: the
floor of a push where each member gets its own). Every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import QUIET, WAIT, bare_push, no_client_gc, percentiles  # noqa: E402
from swarm import (  # noqa: E402
    AppServer,
    BareServer,
    Screen,
    gather_limited,
    join_phones,
    raise_fd_limit,
    wait_until,
)


async def must(screen: Screen, op: str, data: dict[str, Any] | None = None) -> Any:
    ack = await asyncio.wait_for(screen.act(op, data), WAIT)
    if not ack.get("ok"):
        raise RuntimeError(f"{op} refused: {ack}")
    return ack


def shown(phone: Screen) -> int | None:
    """The item the phone's shared view shows."""
    view = phone.seen["phone"][-1][2] if phone.seen["phone"] else {}
    return (view.get("item") or {}).get("id")


def own(phone: Screen) -> dict[str, Any] | None:
    """The phone's latest own part: {item_id, view}."""
    return phone.seen["me"][-1][2] if phone.seen["me"] else None


async def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    import aiohttp
    import requests

    server = AppServer(workdir / "app", args.mode)
    server.start()
    out: dict[str, Any] = {"phones": args.phones, "mode": args.mode}
    try:
        token = server.add_facilitator("bench@example.nl")
        cookie = server.login_cookie("bench@example.nl")
        ws = requests.post(server.url + "/api/v1/workshops", timeout=10,
                           json={"title": "Intervisie", "agenda": "intervision_incident"},
                           headers={"Authorization": f"Bearer {token}"}).json()
        control = Screen(server.url, {"kind": "facilitator", "code": ws["code"]},
                         {"Cookie": cookie}, names=("control",))
        await control.connect()
        await wait_until(lambda: bool(control.seen["control"]), 10)
        await must(control, "workshop.open")
        agenda = control.seen["control"][-1][2]["agenda"]
        item = next(i["id"] for i in agenda if i["kind"] == "intervision")
        other = next(i["id"] for i in agenda if i["id"] != item)
        async with aiohttp.ClientSession() as session:
            joined = await join_phones(session, server.url, ws["code"], args.phones)
        phones = [Screen(server.url, {"kind": "participant", "code": ws["code"],
                                      "token": j["token"]}) for j in joined]
        await gather_limited([p.connect() for p in phones], 100)
        await must(control, "agenda.goto", {"item_id": item})
        groups = (await must(control, "intervision.groups_make",
                             {"item_id": item, "size": args.group_size}))["result"]["groups"]
        out["groups"] = len(groups)
        await asyncio.gather(*(must(control, "intervision.start", {"group_id": g})
                               for g in groups))
        # A case in every group, chosen: the phases after the first need a case-holder.
        await wait_until(lambda: all(own(p) and own(p)["view"].get("group") for p in phones),
                         WAIT, 0.02)
        first = {}
        for p in phones:
            first.setdefault(own(p)["view"]["group"]["id"], p)
        cases = await asyncio.gather(*(must(p, "intervision.contribute", {
            "group_id": g, "text": f"Casus van groep {g}: een cliënt die niet wil"})
            for g, p in first.items()))
        await asyncio.gather(*(must(control, "intervision.choose_case", {
            "group_id": g, "contribution_id": ack["result"]["contribution_id"]})
            for g, ack in zip(first, cases, strict=True)))
        await asyncio.sleep(1)

        room: list[float] = []
        room_cpu = 0.0
        for _ in range(args.rounds):
            await must(control, "agenda.goto", {"item_id": other})
            await wait_until(lambda: all(shown(p) != item for p in phones), WAIT, 0.01)
            await asyncio.sleep(QUIET)
            for p in phones:
                p.expect("phone", lambda s, v: (v.get("item") or {}).get("id") == item)
            cpu = server.cpu_seconds()
            with no_client_gc():
                start = time.time()
                await must(control, "agenda.goto", {"item_id": item})
                await wait_until(lambda: all(p.hit is not None for p in phones), WAIT, 0.01)
            room_cpu += server.cpu_seconds() - cpu
            room += [p.hit - start for p in phones if p.hit is not None]
        out["room"] = [round(x) for x in percentiles(room)]
        out["room_missing"] = args.phones * args.rounds - len(room)
        out["room_cpu_per_push_s"] = round(room_cpu / args.rounds, 3)

        phase: list[float] = []
        phase_cpu = 0.0
        for step in range(args.rounds):
            await asyncio.sleep(QUIET)
            for p in phones:
                before = own(p)["view"]["group"]["phase"]["index"]
                p.expect("me", lambda s, v, b=before: (
                    v.get("item_id") == item and v["view"]["group"]["phase"]["index"] > b))
            cpu = server.cpu_seconds()
            with no_client_gc():
                start = time.time()
                await asyncio.gather(*(must(control, "intervision.advance", {
                    "group_id": g, "from_phase": step}) for g in groups))
                await wait_until(lambda: all(p.hit is not None for p in phones), WAIT, 0.01)
            phase_cpu += server.cpu_seconds() - cpu
            phase += [p.hit - start for p in phones if p.hit is not None]
        out["phase"] = [round(x) for x in percentiles(phase)]
        out["phase_missing"] = args.phones * args.rounds - len(phase)
        out["phase_cpu_per_step_s"] = round(phase_cpu / args.rounds, 3)

        together: list[float] = []
        together_cpu = 0.0
        for step in range(args.rounds, 2 * args.rounds):
            await asyncio.sleep(QUIET)
            for p in phones:
                p.expect("me", lambda s, v, b=step: (
                    v.get("item_id") == item and v["view"]["group"]["phase"]["index"] > b))
            cpu = server.cpu_seconds()
            with no_client_gc():
                start = time.time()
                ack = await must(control, "intervision.advance_all",
                                 {"item_id": item, "from_phase": step})
                await wait_until(lambda: all(p.hit is not None for p in phones), WAIT, 0.01)
            if ack["result"]["moved"] != len(groups):
                raise RuntimeError(f"advance_all moved {ack['result']} of {len(groups)}")
            together_cpu += server.cpu_seconds() - cpu
            together += [p.hit - start for p in phones if p.hit is not None]
        out["together"] = [round(x) for x in percentiles(together)]
        out["together_missing"] = args.phones * args.rounds - len(together)
        out["together_cpu_per_push_s"] = round(together_cpu / args.rounds, 3)
        payload = own(phones[0])
        out["me_bytes"] = len(json.dumps(payload))
        await asyncio.gather(*(p.disconnect() for p in [*phones, control]),
                             return_exceptions=True)
    finally:
        server.stop()
    if args.bare:
        bare = BareServer(workdir / "bare", args.mode)
        try:
            bare.start()
            out["bare"] = [round(x) for x in percentiles(
                await bare_push(bare, args.phones, args.rounds, payload))]
            # A push of own views is one emit per phone: its floor is that, not a broadcast.
            out["bare_each"] = [round(x) for x in percentiles(
                await bare_push(bare, args.phones, args.rounds, payload, "each"))]
        finally:
            bare.stop()
        out["room_p99_to_bare"] = round(out["room"][2] / out["bare"][2], 2)
        out["phase_p99_to_bare"] = round(out["phase"][2] / out["bare"][2], 2)
        out["together_p99_to_bare"] = round(out["together"][2] / out["bare"][2], 2)
        out["phase_p99_to_bare_each"] = round(out["phase"][2] / out["bare_each"][2], 2)
        out["together_p99_to_bare_each"] = round(out["together"][2] / out["bare_each"][2], 2)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--group-size", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mode", default="eventlet", choices=("eventlet", "gevent"))
    parser.add_argument("--no-bare", dest="bare", action="store_false")
    parser.add_argument("--time-limit", type=float, default=300, help="seconds for the run")
    args = parser.parse_args(argv)
    raise_fd_limit()
    with tempfile.TemporaryDirectory(prefix="facilitator-intervision-") as tmp:
        result = asyncio.run(asyncio.wait_for(run(args, Path(tmp)), args.time_limit))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
