"""Personal links: made on a phone ("bewaar deze link"), recognised when joining the next
workshop, revoked by the person or by a facilitator of a workshop they took part in.

Where a link is recognised: in the workshops of the programme the link was made in; a
link made in a workshop outside any programme, in the workshops of that workshop's team;
a link made in a workshop with neither stays that workshop's (its page still works).
The token is random and shown once; the database keeps its hash (security.hash_token).
"""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.errors import ActionError, not_found
from facilitator.live.actions import FACILITATOR, PARTICIPANT, ActionSet, Context
from facilitator.schema import Int
from facilitator.security import hash_token

# The cookie that keeps the personal link on a phone (httponly: scripts never read it).
COOKIE = "fperson"
COOKIE_DAYS = 400
TOKEN_MAX = 60

actions = ActionSet()


def new_token() -> str:
    # 16 characters, 96 bits: short enough to type from a note, far beyond guessing.
    return secrets.token_urlsafe(12)


def by_token(q: Any, token: Any) -> dict[str, Any] | None:
    """The person of a link, revoked or not (the caller tells the two apart)."""
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX:
        return None
    return q.one("SELECT * FROM persons WHERE token_hash = ?", (hash_token(token),))


def active(q: Any, token: Any) -> dict[str, Any] | None:
    person = by_token(q, token)
    return person if person is not None and not person["revoked_at"] else None


def recognised_in(person: dict[str, Any], workshop: dict[str, Any]) -> bool:
    """Whether this person's link makes them the same person in `workshop`."""
    if person["revoked_at"]:
        return False
    if person["programme_id"] is not None:
        return workshop.get("programme_id") == person["programme_id"]
    return person["team_id"] is not None and workshop.get("team_id") == person["team_id"]


def last_name(q: Any, person_id: int) -> str | None:
    """The name typed the last time this person joined (None: anonymous or never)."""
    row = q.one(
        "SELECT name FROM participants WHERE person_id = ? ORDER BY joined_at DESC, id DESC"
        " LIMIT 1",
        (person_id,),
    )
    return row["name"] if row else None


def revoke(q: Any, person_id: int, now_iso: str) -> bool:
    """End a link. Its goals go with it (nothing else could open them again); its 360
    answers are no longer kept past their workshop's retention (feedback360.store.purge)."""
    cur = q.execute(
        "UPDATE persons SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
        (now_iso, person_id),
    )
    if cur.rowcount:
        q.execute("DELETE FROM person_goals WHERE person_id = ?", (person_id,))
    return cur.rowcount > 0


@actions("person.keep", roles=(PARTICIPANT,), schema={}, any_status=True)
def keep(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """A personal link for this participant (the web page made its token and passes the
    hash in `extra`; it never reaches the event log). A participant who has one gets a
    new token for the same person: the old link stops working, as a lost note should,
    and their page keeps everything."""
    me = ctx.one(
        "SELECT s.id, s.revoked_at FROM participants p JOIN persons s ON s.id = p.person_id"
        " WHERE p.id = ?", (ctx.actor.participant_id,)
    )
    if me is not None and not me["revoked_at"]:
        ctx.execute("UPDATE persons SET token_hash = ? WHERE id = ?",
                    (ctx.extra["token_hash"], me["id"]))
        return {"person_id": me["id"]}
    cur = ctx.execute(
        "INSERT INTO persons (token_hash, programme_id, team_id, lang, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (ctx.extra["token_hash"], ctx.workshop.get("programme_id"),
         ctx.workshop.get("team_id"), ctx.workshop["language"], ctx.now_iso),
    )
    ctx.execute(
        "UPDATE participants SET person_id = ? WHERE id = ?",
        (cur.lastrowid, ctx.actor.participant_id),
    )
    return {"person_id": cur.lastrowid}


@actions("person.revoke", roles=(FACILITATOR,), schema={"person_id": Int(min=1)},
         any_status=True)
def revoke_by_facilitator(ctx: Context, data: dict[str, Any]) -> None:
    """A facilitator ends the link of someone who took part in this workshop."""
    here = ctx.one(
        "SELECT 1 AS x FROM participants WHERE workshop_id = ? AND person_id = ?",
        (ctx.workshop["id"], data["person_id"]),
    )
    if here is None:
        raise not_found(_l("That personal link does not exist."))
    if not revoke(ctx, data["person_id"], ctx.now_iso):
        raise ActionError("invalid", _l("This personal link was revoked already."))
    ctx.changes.control = True


def people_with_links(q: Any, workshop_id: int) -> list[dict[str, Any]]:
    """The participants of a workshop who keep a personal link (the facilitator's list)."""
    return q.all(
        "SELECT p.id AS participant_id, p.name, s.id AS person_id, s.created_at, s.revoked_at"
        " FROM participants p JOIN persons s ON s.id = p.person_id"
        " WHERE p.workshop_id = ? ORDER BY p.name COLLATE NOCASE, p.id",
        (workshop_id,),
    )
