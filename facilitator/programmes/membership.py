"""Which programme a workshop is in: the `workshop.programme` action, so that adding,
moving and taking a workshop out go through the one dispatcher like every change to a
workshop. A workshop goes only into a programme of its own owner: the programme's page
lists exactly the owner's workshops, and nobody files a workshop under someone else's.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.errors import ActionError, not_found
from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.schema import Int

actions = ActionSet()


@actions("workshop.programme", roles=(FACILITATOR,), any_status=True,
         schema={"programme_id": Int(min=0)})
def set_programme(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Put the workshop into programme `programme_id`, or 0: standing alone again."""
    programme_id = data["programme_id"] or None
    if programme_id is not None:
        programme = ctx.one("SELECT archived_at FROM programmes WHERE id = ? AND owner_id = ?",
                            (programme_id, ctx.workshop["owner_id"]))
        if programme is None:
            raise not_found()
        if programme["archived_at"] is not None:  # (its page and the lists offer it no more)
            raise ActionError("archived", _l("That programme is archived: take it out of"
                                             " the archive first."))
    ctx.execute("UPDATE workshops SET programme_id = ? WHERE id = ?",
                (programme_id, ctx.workshop["id"]))
    ctx.workshop["programme_id"] = programme_id
    ctx.changes.control = True
    return {"programme_id": programme_id}
