"""A group's phase and timer, owned by the server (DESIGN invariant 5).

A group is `ready` (phase not started), `running` (until `ends_at`, UTC), `paused`
(`remaining` seconds) or `done`. Nothing advances by itself unless the workshop's
auto-advance setting is on; then the phase is computed lazily from `ends_at` when a
view or an action looks at the group (`effective`), so no thread per group is needed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from facilitator.db import iso, parse_iso

# The columns that hold a group's phase state.
COLUMNS = ("phase_index", "state", "ends_at", "remaining", "duration")


def phase_of(group: dict[str, Any]) -> dict[str, Any]:
    phases = group["method"]["phases"]
    return phases[min(group["phase_index"], len(phases) - 1)]


def effective(group: dict[str, Any], now: datetime, auto: bool) -> dict[str, Any]:
    """The group as it is at `now`: with auto-advance on, past phases are stepped over."""
    if not auto or group["state"] != "running":
        return group
    out = dict(group)
    phases = out["method"]["phases"]
    ends = parse_iso(out["ends_at"])
    while ends <= now and out["phase_index"] < len(phases) - 1:
        out["phase_index"] += 1
        seconds = phases[out["phase_index"]]["minutes"] * 60
        ends += timedelta(seconds=seconds)
        out["duration"] = seconds
    out["ends_at"] = iso(ends)
    return out


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {c: after[c] for c in COLUMNS if before.get(c) != after.get(c)}


def remaining(group: dict[str, Any], now: datetime) -> float | None:
    if group["state"] == "running":
        return (parse_iso(group["ends_at"]) - now).total_seconds()
    if group["state"] == "paused":
        return float(group["remaining"] or 0)
    return None


def timer_view(group: dict[str, Any], now: datetime) -> dict[str, Any]:
    """What every screen may know of a group's time: no content in here."""
    phase = phase_of(group)
    left = remaining(group, now)
    return {
        "state": group["state"],
        "ends_at": group["ends_at"] if group["state"] == "running" else None,
        "remaining": group["remaining"] if group["state"] == "paused" else None,
        "duration": group["duration"] or phase["minutes"] * 60,
        "minutes": phase["minutes"],
        # over time: the phase's time is up and nobody moved on (the overview's "stuck")
        "over": left is not None and left < 0 and group["state"] == "running",
    }


def start(group: dict[str, Any], now: datetime) -> dict[str, Any]:
    seconds = phase_of(group)["minutes"] * 60
    return {
        "state": "running",
        "ends_at": iso(now + timedelta(seconds=seconds)),
        "remaining": None,
        "duration": seconds,
    }


def pause(group: dict[str, Any], now: datetime) -> dict[str, Any]:
    left = max(0.0, remaining(group, now) or 0.0)
    return {"state": "paused", "ends_at": None, "remaining": round(left, 3)}


def resume(group: dict[str, Any], now: datetime) -> dict[str, Any]:
    return {
        "state": "running",
        "ends_at": iso(now + timedelta(seconds=group["remaining"] or 0)),
        "remaining": None,
    }


def extend(group: dict[str, Any], now: datetime, seconds: int) -> dict[str, Any]:
    # Time already over does not count: +1 minute means one minute from now at least.
    left = max(0.0, remaining(group, now) or 0.0) + seconds
    duration = (group["duration"] or 0) + seconds
    if group["state"] == "running":
        return {"ends_at": iso(now + timedelta(seconds=left)), "duration": duration}
    return {"remaining": round(left, 3), "duration": duration}


def advance(group: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Next phase, started at once; after the last phase the round is done."""
    nxt = group["phase_index"] + 1
    if nxt >= len(group["method"]["phases"]):
        return {"state": "done", "ends_at": None, "remaining": None}
    return {"phase_index": nxt, **start({**group, "phase_index": nxt}, now)}
