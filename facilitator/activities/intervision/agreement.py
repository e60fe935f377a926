"""A kept takeaway becomes the case-holder's own agreement.

It is personal: it names only the case-holder, who agrees to it by keeping it, and a
manager sees it only when the case-holder says so (off by default). Its text is the
takeaway, never anything else the group said.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from facilitator.agreements import store as agreements
from facilitator.live.actions import Context

# Without a date of their own, a kept takeaway is checked after four weeks: the usual
# distance to the next intervision meeting.
DEFAULT_CHECK_AFTER = timedelta(days=28)


def keep_as_agreement(
    ctx: Context, takeaway: dict[str, Any], owner: dict[str, Any], data: dict[str, Any]
) -> int | None:
    """Create, update or drop the agreement that mirrors `takeaway`; returns its id."""
    current = None
    if takeaway.get("agreement_id"):
        current = ctx.one("SELECT * FROM agreements WHERE id = ?", (takeaway["agreement_id"],))
    if not data["kept"]:
        # Not kept: deleted, not dropped. A dropped row would keep the personal text (and
        # its history) past the group's retention, readable wherever agreements are.
        if current:
            ctx.execute("UPDATE agreements SET merged_into = NULL WHERE merged_into = ?",
                        (current["id"],))
            ctx.execute("DELETE FROM agreements WHERE id = ?", (current["id"],))
        return None
    due = data.get("due_date") or (ctx.now + DEFAULT_CHECK_AFTER).date().isoformat()
    agreements.check_not_past(due, ctx.now)
    if current:
        ctx.execute(
            "UPDATE agreements SET what = ?, due_date = ?, manager_visible = ?, updated_at = ?"
            " WHERE id = ?",
            (data["text"], due, int(data["manager_visible"]), ctx.now_iso, current["id"]),
        )
        if current["status"] == "dropped":  # dropped by an earlier version: kept again
            agreements.set_status(ctx, current, "agreed", "", agreements.actor_name(ctx),
                                  ctx.now_iso, workshop_id=ctx.workshop["id"])
        return current["id"]
    fields = {
        "owner_name": owner["name"] or "",
        "what": data["text"],
        "due_date": due,
        "check_how": "",
        "manager_visible": data["manager_visible"],
    }
    agreement_id = agreements.create(
        ctx, ctx.workshop, fields, owner, [], agreements.actor_name(ctx), ctx.now_iso,
        proposed_by=owner["id"], source="intervision",
    )
    row = ctx.one("SELECT * FROM agreements WHERE id = ?", (agreement_id,))
    # Keeping it is the case-holder's confirmation; nobody else is named.
    agreements.answer(ctx, row, owner["id"], True, "", agreements.actor_name(ctx), ctx.now_iso)
    return agreement_id
