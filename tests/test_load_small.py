"""The load benchmark in small: 100 phones, scenarios a to d and f, against the real
server (`python run.py`). Asserts what must hold at any speed: nothing lost, nothing
stored twice, every phone shows every change. Times are printed, never asserted.
"""

from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import load  # noqa: E402
from swarm import AppServer, raise_fd_limit  # noqa: E402

PHONES = 100


async def scenarios(server: AppServer) -> tuple[list[load.Row], int]:
    spec = load.find_submit()
    assert spec is not None, "no participant submit action registered"
    bench = load.Bench(server, spec)
    room = await bench.open_room("Load small")
    rows = [await bench.scenario_a(room, PHONES), await bench.scenario_b([room]),
            await bench.scenario_c(room, rounds=2), await bench.scenario_d(room)]
    await bench.close([room])
    fresh = await bench.open_room("Crash")
    assert await bench.join(fresh, PHONES) == 0
    rows.append(await bench.scenario_f(fresh))
    await bench.close([fresh])
    return rows, bench.unacked_at_kill


def test_hundred_phones_lose_nothing(tmp_path: Path) -> None:
    raise_fd_limit()
    server = AppServer(tmp_path / "load", "eventlet")
    server.start()
    try:
        # In a thread of its own: in the full suite pytest-playwright's sync API keeps an
        # event loop running in this thread, and asyncio.run refuses to nest.
        with ThreadPoolExecutor(1) as pool:
            rows, in_flight = pool.submit(
                asyncio.run, asyncio.wait_for(scenarios(server), 240)
            ).result()
    finally:
        server.stop()
    for row in rows:
        print(row)
    # The kill must land while actions are in flight, or (f) proves nothing.
    assert in_flight > 0
    assert [r.scenario[0] for r in rows] == ["a", "b", "c", "d", "f"]
    for row in rows:
        assert row.lost == 0, row
        assert row.duplicated == 0, row
        assert row.refused == 0, row
    # Every submission of (b) and (f) is stored once, in the events and in the domain table.
    stored = server.rows("SELECT op_id, COUNT(*) FROM events WHERE op = 'dilemma.submit'"
                         " GROUP BY op_id HAVING COUNT(*) > 1")
    assert stored == []
    total = server.rows("SELECT COUNT(*) FROM dilemmas WHERE source = 'phone'")[0][0]
    assert total == 2 * PHONES
