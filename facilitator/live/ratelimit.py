"""The per-participant limit on socket actions: a sliding window log in memory.

`limits`' MemoryStorage keeps a background timer that walks every key a hundred times
a second; with 1,000 phones in a room that timer took half the server's CPU while they
all pressed send (py-spy, bench/load.py scenario b). This keeps, per key, only the
times of its last `amount` hits, and forgets idle keys while it goes.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from limits import parse


class SlidingWindow:
    """At most `amount` hits per key in any `window` seconds (a moving window)."""

    def __init__(self, rate: str, clock: Callable[[], float] = time.monotonic):
        item = parse(rate)
        self.amount = item.amount
        self.window = float(item.get_expiry())
        self.clock = clock
        self.hits: dict[str, deque[float]] = {}
        self._sweep_at = 2 * 1024  # keys; doubled when most of them are live

    def hit(self, key: str) -> bool:
        """Count a hit for `key`; False (and not counted) when it is over the limit."""
        now = self.clock()
        times = self.hits.get(key)
        if times is None:
            if len(self.hits) >= self._sweep_at:
                self._sweep(now)
            times = self.hits[key] = deque(maxlen=self.amount)
        if len(times) == self.amount and now - times[0] < self.window:
            return False
        times.append(now)
        return True

    def _sweep(self, now: float) -> None:
        """Forget keys without a hit in the last window: they are back at zero anyway."""
        self.hits = {k: t for k, t in self.hits.items() if now - t[-1] < self.window}
        self._sweep_at = max(self._sweep_at, 2 * len(self.hits))
