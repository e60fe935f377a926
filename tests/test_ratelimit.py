"""The socket actions' sliding window (facilitator/live/ratelimit.py), on a fake clock."""

from facilitator.live.ratelimit import SlidingWindow


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_the_amount_then_refuses_until_the_oldest_hit_leaves_the_window():
    clock = Clock()
    limit = SlidingWindow("3/10second", clock)
    hits = []
    for _ in range(4):
        hits.append(limit.hit("p:1"))
        clock.now += 1  # hits at 0, 1, 2; refused at 3
    assert hits == [True, True, True, False]
    clock.now = 1009.9
    assert not limit.hit("p:1")  # the first hit is still inside the window
    clock.now = 1010.1
    assert limit.hit("p:1")  # the first hit left; the refused ones were not counted
    assert not limit.hit("p:1")  # the hits at 1 and 2 are still inside


def test_keys_are_independent():
    clock = Clock()
    limit = SlidingWindow("2/minute", clock)
    assert limit.hit("1:p:1") and limit.hit("1:p:1")
    assert not limit.hit("1:p:1")
    assert limit.hit("1:p:2")
    assert limit.hit("2:p:1")


def test_idle_keys_are_forgotten_and_live_ones_kept():
    clock = Clock()
    limit = SlidingWindow("2/10second", clock)
    for i in range(3000):
        limit.hit(f"old{i}")
    clock.now += 5
    limit.hit("live")
    limit.hit("live")
    clock.now += 6  # the old keys are idle for 11 s, "live" for 6 s
    for i in range(3000):
        limit.hit(f"new{i}")
    assert not any(k.startswith("old") for k in limit.hits)
    assert not limit.hit("live")  # its two hits are still counted
