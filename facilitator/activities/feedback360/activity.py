"""The 360 round as an agenda item. Phones ask colleagues here (`three_sixty.ask`) and
make links for people outside (`three_sixty.invite`, from the invite page, which makes
the token); colleagues answer on the answer page, people outside through their link
(`three_sixty.answer`; the answers travel in `extra`, so the event log never holds them).

Privacy by construction: the board and the control page get counts; each phone's own
part holds what it asked, who asked it, and its own results already merged to groups of
at least the minimum (`results`). Nobody else's.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from facilitator.activities.feedback360 import results
from facilitator.activities.feedback360.store import (
    INVITES_MAX,
    OUTSIDE,
    migrations,  # noqa: F401  (the activity's tables: Activity.of reads `migrations`)
)
from facilitator.db import iso, parse_iso
from facilitator.errors import ActionError, not_found
from facilitator.i18n import format_day
from facilitator.live.actions import FACILITATOR, GUEST, PARTICIPANT, ActionSet, Context
from facilitator.room import participants
from facilitator.room.items import item_of, save_config
from facilitator.schema import Choice, Int

KIND = "feedback360"
TITLE = _l("360-degree feedback")
actions = ActionSet()

LINK_DAYS_MAX = 90

CLIENT_STRINGS = {
    "intro": _l("Ask colleagues here and people you work with for feedback. Only you see"
                " the answers, per group of at least %(min)s people."),
    "ask": _l("Ask a colleague here"),
    "ask_button": _l("Ask for feedback"),
    "asked": _l("Asked."),
    "outside": _l("Ask someone outside the room"),
    "outside_hint": _l("You get a link to send to them; it works until %(date)s."),
    "outside_button": _l("Make a link"),
    "to_answer": _l("Colleagues who ask you for feedback"),
    "answer": _l("Give feedback to %(name)s"),
    "mine": _l("Whom you asked"),
    "waiting": _l("waiting"),
    "answered": _l("answered"),
    "outside_person": _l("by link"),
    "results": _l("Your results"),
    "none_yet": _l("No results to show yet: a group is shown from %(min)s answers."),
    "held_back": _l("%(n)s answers are not shown yet: too few to keep them untraceable."),
    "held_back.one": _l("%(n)s answer is not shown yet: too few to keep it untraceable."),
    "mean": _l("average %(mean)s of 5"),
    "count": _l("%(n)s answers"),
    "count.one": _l("%(n)s answer"),
    "colleague": _l("Colleague"),
    "manager": _l("Manager"),
    "client": _l("Client"),
    "partner": _l("Partner"),
    "saved": _l("Saved."),
}


def default_config() -> dict[str, Any]:
    return {"link_days": link_days_default()}


def link_days_default() -> int:
    try:
        days = int(current_app.config.get("FEEDBACK360_LINK_DAYS", 14))
    except (TypeError, ValueError):
        days = 14
    return min(max(days, 1), LINK_DAYS_MAX)


def _link_days(item: dict[str, Any]) -> int:
    days = (item.get("config") or {}).get("link_days")
    return min(max(days, 1), LINK_DAYS_MAX) if isinstance(days, int) else link_days_default()


def _invites_of(ctx: Context, item_id: int) -> int:
    row = ctx.one("SELECT COUNT(*) AS n FROM feedback360_invites WHERE item_id = ?"
                  " AND subject_id = ?", (item_id, ctx.actor.participant_id))
    return row["n"]


@actions("three_sixty.ask", roles=(PARTICIPANT,), schema={"to_id": Int(min=1)})
def ask(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    item = ctx.current_item(KIND)
    me = ctx.actor.participant_id
    other = data["to_id"]
    if other == me:
        raise ActionError("invalid", _l("Choose a colleague, not yourself."))
    if ctx.one("SELECT 1 AS x FROM participants WHERE id = ? AND workshop_id = ?"
               " AND name IS NOT NULL", (other, ctx.workshop["id"])) is None:
        raise ActionError("invalid", _l("Choose someone who is here and joined with a name."))
    if ctx.one("SELECT 1 AS x FROM feedback360_invites WHERE item_id = ? AND subject_id = ?"
               " AND answerer_id = ?", (item["id"], me, other)):
        raise ActionError("invalid", _l("You asked this colleague already."))
    if _invites_of(ctx, item["id"]) >= INVITES_MAX:
        raise ActionError("invalid", _l("At most %(max)s items."), max=INVITES_MAX)
    cur = ctx.execute(
        "INSERT INTO feedback360_invites (workshop_id, item_id, subject_id, perspective,"
        " answerer_id, created_at) VALUES (?, ?, ?, 'colleague', ?, ?)",
        (ctx.workshop["id"], item["id"], me, other, ctx.now_iso),
    )
    ctx.changes.board = ctx.changes.control = True
    ctx.changes.add_personal(me)
    ctx.changes.add_personal(other)
    return {"invite_id": cur.lastrowid}


@actions("three_sixty.invite", roles=(PARTICIPANT,),
         schema={"perspective": Choice(OUTSIDE)})
def invite(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """A link for someone outside the room; the invite page made its token (`extra`)."""
    item = ctx.current_item(KIND)
    token_hash = ctx.extra.get("token_hash")
    if not token_hash:
        raise ActionError("invalid", _l("Make the link on the page for it."))
    if _invites_of(ctx, item["id"]) >= INVITES_MAX:
        raise ActionError("invalid", _l("At most %(max)s items."), max=INVITES_MAX)
    expires = iso(ctx.now + timedelta(days=_link_days(item)))
    cur = ctx.execute(
        "INSERT INTO feedback360_invites (workshop_id, item_id, subject_id, perspective,"
        " token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (ctx.workshop["id"], item["id"], ctx.actor.participant_id, data["perspective"],
         token_hash, expires, ctx.now_iso),
    )
    ctx.changes.board = ctx.changes.control = True
    ctx.changes.add_personal(ctx.actor.participant_id)
    return {"invite_id": cur.lastrowid, "expires_at": expires}


@actions("three_sixty.configure", roles=(FACILITATOR,),
         schema={"item_id": Int(min=1), "link_days": Int(min=1, max=LINK_DAYS_MAX)})
def configure(ctx: Context, data: dict[str, Any]) -> None:
    """How many days a link made from now on stays valid (links already made keep theirs)."""
    item = item_of(ctx, data["item_id"], KIND)
    save_config(ctx, item, {"link_days": data["link_days"]})
    ctx.changes.board = ctx.changes.control = True


def open_invite(q: Any, invite: dict[str, Any] | None, now: Any) -> ActionError | None:
    """Why this invite can't be answered now, or None."""
    if invite is None:
        return not_found(_l("This feedback link does not exist."))
    if invite["answered_at"]:
        return ActionError("answered", _l("This feedback was given already. Thank you."))
    if invite["expires_at"] and parse_iso(invite["expires_at"]) <= now:
        return ActionError("expired", _l("This feedback link has expired."))
    return None


@actions("three_sixty.answer", roles=(PARTICIPANT, GUEST), schema={"invite_id": Int(min=1)},
         any_status=True)
def answer(ctx: Context, data: dict[str, Any]) -> None:
    invite = ctx.one("SELECT * FROM feedback360_invites WHERE id = ? AND workshop_id = ?",
                     (data["invite_id"], ctx.workshop["id"]))
    if invite is not None:
        mine = (invite["answerer_id"] == ctx.actor.participant_id
                if ctx.actor.kind == PARTICIPANT
                else invite["token_hash"] is not None
                and invite["token_hash"] == ctx.extra.get("token_hash"))
        invite = invite if mine else None
    refusal = open_invite(ctx, invite, ctx.now)
    if refusal:
        raise refusal
    answers = ctx.extra.get("answers")
    if not isinstance(answers, str) or not answers:
        raise ActionError("invalid", _l("Answer at least one question."))
    ctx.execute("UPDATE feedback360_invites SET answered_at = ? WHERE id = ?",
                (ctx.now_iso, invite["id"]))
    # Stored without the invite: nothing ties an answer to who gave it.
    ctx.execute(
        "INSERT INTO feedback360_answers (workshop_id, item_id, subject_id, perspective,"
        " answers, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (ctx.workshop["id"], invite["item_id"], invite["subject_id"], invite["perspective"],
         answers, ctx.now_iso[:10]),
    )
    ctx.changes.board = ctx.changes.control = True
    ctx.changes.add_personal(invite["subject_id"])
    if invite["answerer_id"]:
        ctx.changes.add_personal(invite["answerer_id"])


# --- views --------------------------------------------------------------------------------


def counts(q: Any, item_id: int) -> dict[str, int]:
    row = q.one(
        "SELECT (SELECT COUNT(DISTINCT subject_id) FROM feedback360_invites WHERE item_id = ?)"
        " AS people, (SELECT COUNT(*) FROM feedback360_answers WHERE item_id = ?) AS answers",
        (item_id, item_id),
    )
    return {"people": row["people"], "answers": row["answers"]}


def counts_text(c: dict[str, int]) -> str:
    """The counts as the board and the control page say them, in the room's language."""
    return " · ".join((
        ngettext("%(num)s person asks for feedback", "%(num)s people ask for feedback",
                 c["people"]),
        ngettext("%(num)s answer", "%(num)s answers", c["answers"]),
    ))


def board(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    c = counts(v, item["id"])
    return {"counts": c, "counts_text": counts_text(c), "minimum": results.minimum()}


def control(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    c = counts(v, item["id"])
    return {"counts": c, "counts_text": counts_text(c), "minimum": results.minimum(),
            "link_days": _link_days(item)}


def phone(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    until = v.now + timedelta(days=_link_days(item))
    return {"people_rev": participants.named_rev(v, v.workshop["id"]),
            "minimum": results.minimum(), "perspectives": list(OUTSIDE),
            "links_until": format_day(until.date().isoformat())}


def personal(v: Any, item: dict[str, Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {
        pid: {"self_id": pid, "asked": [], "to_answer": []} for pid in ids}
    if not ids:
        return out
    marks = ",".join("?" * len(ids))
    rows = v.all(
        "SELECT i.id, i.subject_id, i.answerer_id, i.perspective, i.expires_at, i.answered_at,"
        " s.name AS subject_name, a.name AS answerer_name FROM feedback360_invites i"
        " JOIN participants s ON s.id = i.subject_id"
        " LEFT JOIN participants a ON a.id = i.answerer_id"
        f" WHERE i.item_id = ? AND (i.subject_id IN ({marks}) OR i.answerer_id IN ({marks}))"
        " ORDER BY i.id",
        (item["id"], *ids, *ids),
    )
    for r in rows:
        if r["subject_id"] in out:
            out[r["subject_id"]]["asked"].append({
                "id": r["id"], "perspective": r["perspective"], "name": r["answerer_name"],
                "outside": r["answerer_id"] is None, "answered": bool(r["answered_at"]),
                "expires_at": r["expires_at"]})
        if r["answerer_id"] in out and not r["answered_at"]:
            out[r["answerer_id"]]["to_answer"].append(
                {"id": r["id"], "name": r["subject_name"]})
    least = results.minimum()
    lang = v.workshop["language"]
    for pid, mine in out.items():
        if mine["asked"]:
            mine["results"] = results.of_subject(v, item["id"], pid, lang, least)
    return out


def export(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """That a round took place and how many took part; never an answer."""
    return {"took_place": True, **counts(v, item["id"])}
