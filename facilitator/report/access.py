"""Who may read a workshop's report: its facilitator and admins (who also change its
settings), and the managers of the workshop's team (read-only). Anyone else gets a
404, the same answer as for a workshop that does not exist."""

from __future__ import annotations

from typing import Any

from facilitator.auth import User, teams_of
from facilitator.db import Store


def may_edit(user: User, workshop: dict[str, Any]) -> bool:
    return user.may_run(workshop)


def may_read(db: Store, user: User, workshop: dict[str, Any]) -> bool:
    if may_edit(user, workshop):
        return True
    if user.role != "manager" or workshop["team_id"] is None:
        return False
    return workshop["team_id"] in {t["id"] for t in teams_of(db, user)}
