"""Which programme a workshop is in: the `workshop.programme` action, so that adding,
moving and taking a workshop out go through the one dispatcher like every change to a
workshop. A workshop goes only into a programme of its own owner: the programme's page
lists exactly the owner's workshops, and nobody files a workshop under someone else's.
"""

from __future__ import annotations

from typing import Any

from facilitator.errors import not_found
from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.schema import Int

actions = ActionSet()


@actions("workshop.programme", roles=(FACILITATOR,), any_status=True,
         schema={"programme_id": Int(min=0)})
def set_programme(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Put the workshop into programme `programme_id`, or 0: standing alone again."""
    programme_id = data["programme_id"] or None
    if programme_id is not None and ctx.one(
            "SELECT 1 FROM programmes WHERE id = ? AND owner_id = ?",
            (programme_id, ctx.workshop["owner_id"])) is None:
        raise not_found()
    ctx.execute("UPDATE workshops SET programme_id = ? WHERE id = ?",
                (programme_id, ctx.workshop["id"]))
    ctx.workshop["programme_id"] = programme_id
    ctx.changes.control = True
    return {"programme_id": programme_id}
