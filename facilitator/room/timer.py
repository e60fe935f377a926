"""The room's timer, owned by the server (DESIGN invariant 5).

Stored as `ends_at` (UTC) while running and `remaining` seconds while paused;
clients count down from `ends_at`, corrected by their clock offset measured at sync.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.db import dumps, iso, parse_iso
from facilitator.errors import ActionError
from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.schema import Int

actions = ActionSet()


def remaining(timer: dict[str, Any], now: datetime) -> float:
    if timer.get("state") == "running":
        return max(0.0, (parse_iso(timer["ends_at"]) - now).total_seconds())
    return float(timer.get("remaining", 0))


def view(raw: str) -> dict[str, Any] | None:
    timer = json.loads(raw or "{}")
    return timer or None


def _load(ctx: Context) -> dict[str, Any]:
    return json.loads(ctx.workshop["timer"] or "{}")


def _save(ctx: Context, timer: dict[str, Any]) -> None:
    ctx.execute("UPDATE workshops SET timer = ? WHERE id = ?", (dumps(timer), ctx.workshop["id"]))
    ctx.changes.board = ctx.changes.control = ctx.changes.phones = True


def _running(ctx: Context, seconds: float, duration: float) -> dict[str, Any]:
    return {
        "state": "running",
        "ends_at": iso(ctx.now + timedelta(seconds=seconds)),
        "duration": duration,
    }


@actions("timer.start", roles=(FACILITATOR,), schema={"seconds": Int(min=1, max=4 * 3600)})
def start(ctx: Context, data: dict[str, Any]) -> None:
    _save(ctx, _running(ctx, data["seconds"], data["seconds"]))


@actions("timer.pause", roles=(FACILITATOR,))
def pause(ctx: Context, data: dict[str, Any]) -> None:
    timer = _load(ctx)
    if timer.get("state") != "running":
        raise ActionError("not_running", _l("The timer is not running."))
    _save(
        ctx,
        {
            "state": "paused",
            "remaining": round(remaining(timer, ctx.now), 3),
            "duration": timer["duration"],
        },
    )


@actions("timer.resume", roles=(FACILITATOR,))
def resume(ctx: Context, data: dict[str, Any]) -> None:
    timer = _load(ctx)
    if timer.get("state") != "paused":
        raise ActionError("not_paused", _l("The timer is not paused."))
    _save(ctx, _running(ctx, timer["remaining"], timer["duration"]))


@actions("timer.extend", roles=(FACILITATOR,), schema={"seconds": Int(min=1, max=3600)})
def extend(ctx: Context, data: dict[str, Any]) -> None:
    timer = _load(ctx)
    if timer.get("state") not in ("running", "paused"):
        raise ActionError("not_running", _l("The timer is not running."))
    left = remaining(timer, ctx.now) + data["seconds"]
    duration = timer["duration"] + data["seconds"]
    if timer["state"] == "running":
        _save(ctx, _running(ctx, left, duration))
    else:
        _save(ctx, {"state": "paused", "remaining": left, "duration": duration})


@actions("timer.stop", roles=(FACILITATOR,))
def stop(ctx: Context, data: dict[str, Any]) -> None:
    _save(ctx, {})
