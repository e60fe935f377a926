"""The report's settings per workshop, kept in the workshop's settings under "report":
the place on the cover, and whether the report names nobody (anonymous). Changed by the
`report.settings` action, like every change to a workshop."""

from __future__ import annotations

import json
from typing import Any

from facilitator.db import dumps
from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.schema import Bool, Text

PLACE_MAX = 120

actions = ActionSet()


def of(workshop: dict[str, Any]) -> dict[str, Any]:
    """The report settings of a workshop row; both empty by default."""
    raw = json.loads(workshop.get("settings") or "{}").get("report", {})
    return {"place": str(raw.get("place") or ""), "anonymous": bool(raw.get("anonymous"))}


@actions(
    "report.settings",
    roles=(FACILITATOR,),
    schema={"place": Text(max_len=PLACE_MAX, required=False), "anonymous": Bool()},
    any_status=True,  # the report is written after the workshop closed, too
)
def save(ctx: Context, data: dict[str, Any]) -> None:
    current = json.loads(ctx.workshop["settings"] or "{}")
    current["report"] = {"place": data["place"] or "", "anonymous": data["anonymous"]}
    ctx.execute(
        "UPDATE workshops SET settings = ? WHERE id = ?", (dumps(current), ctx.workshop["id"])
    )
    ctx.workshop["settings"] = dumps(current)
    ctx.changes.control = True  # the control page links the report; nothing else shows it
