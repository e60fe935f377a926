"""Who may see a programme: its owner and admins (who also change it, as for workshops),
and the managers of the programme's team, who read its report and attendance like a
workshop's report (report/access.py). Anyone else gets a 404."""

from __future__ import annotations

from typing import Any

from facilitator.auth import User, teams_of
from facilitator.db import Store


def may_edit(user: User, programme: dict[str, Any]) -> bool:
    return user.is_admin or programme["owner_id"] == user.id


def may_read(db: Store, user: User, programme: dict[str, Any]) -> bool:
    if may_edit(user, programme):
        return True
    if user.role != "manager" or programme["team_id"] is None:
        return False
    return programme["team_id"] in {t["id"] for t in teams_of(db, user)}
