"""One process of a swarm spread over several: holds a share of the phones.

    python bench/crowd.py        # started by bench/big_room.py, one per swarm process

One Python process of asyncio clients handles about 40-50 µs per message, so 5,000
phones in one process measure the swarm, not the server. bench/big_room.py starts
several of these and gives each a share of the phones. Commands arrive as JSON lines on
stdin and each gets one JSON line on stdout:

  connect {url, auths}           connect one Screen per auth
  expect {item_id} | {seq}       note when each phone first gets that `phone` push
  hits {timeout}                 wait for them; the arrival times (time.time(), which
                                 all processes of this machine share)
  submit {op, datas, op_ids}     every phone sends its action at once; acks with times
  view                           the first phone's last `phone` view
  close                          disconnect and exit

Every wait is bounded by the timeout the command carries.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from swarm import Screen, gather_limited, raise_fd_limit, wait_until  # noqa: E402


class Crowd:
    def __init__(self) -> None:
        self.phones: list[Screen] = []

    async def connect(self, url: str, auths: list[dict[str, Any]],
                      limit: int = 50) -> dict[str, Any]:
        phones = [Screen(url, auth) for auth in auths]
        results = await gather_limited([p.connect() for p in phones], limit)
        self.phones += [p for p, r in zip(phones, results, strict=True)
                        if not isinstance(r, BaseException)]
        return {"connected": len(self.phones),
                "failed": sum(isinstance(r, BaseException) for r in results)}

    async def expect(self, item_id: int | None = None, seq: int | None = None) -> dict[str, Any]:
        if item_id is not None:
            def wanted(s: int, v: Any) -> bool:
                return (v.get("item") or {}).get("id") == item_id
        else:
            def wanted(s: int, v: Any) -> bool:
                return s == seq
        for phone in self.phones:
            phone.expect("phone", wanted)
        # Collected now and not during the push (see load.no_client_gc).
        gc.collect()
        gc.disable()
        return {}

    async def hits(self, timeout: float) -> dict[str, Any]:
        try:
            await wait_until(lambda: all(p.hit is not None for p in self.phones), timeout, 0.01)
        finally:
            gc.enable()
        return {"hits": [p.hit for p in self.phones]}

    async def submit(self, op: str, datas: list[dict[str, Any]], op_ids: list[str],
                     timeout: float) -> dict[str, Any]:
        async def one(phone: Screen, data: dict[str, Any], op_id: str) -> dict[str, Any]:
            ack = await phone.act(op, data, op_id=op_id)
            return {"ok": bool(ack.get("ok")), "seq": ack.get("seq", 0), "op_id": op_id,
                    "error": ack.get("error"), "at": time.time()}

        jobs = [one(p, d, o) for p, d, o in zip(self.phones, datas, op_ids, strict=False)]
        acks = await asyncio.wait_for(asyncio.gather(*jobs, return_exceptions=True), timeout)
        return {"acks": [a if isinstance(a, dict) else None for a in acks]}

    async def view(self) -> dict[str, Any]:
        """The last `phone` view the first phone got (the bare floor broadcasts it)."""
        seen = self.phones[0].seen["phone"] if self.phones else []
        return {"view": seen[-1][2] if seen else None}

    async def close(self) -> dict[str, Any]:
        await asyncio.gather(*(p.disconnect() for p in self.phones), return_exceptions=True)
        return {}


async def serve() -> None:
    crowd = Crowd()
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**26)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        command = json.loads(line)
        name = command.pop("cmd")
        try:
            reply = await getattr(crowd, name)(**command)
        except Exception as error:  # the coordinator reports it and stops the run
            reply = {"error": repr(error)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
        if name == "close":
            return


if __name__ == "__main__":
    raise_fd_limit()
    asyncio.run(serve())
