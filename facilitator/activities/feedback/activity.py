"""Feedback practice ("aanspreken") in the 4G shape, to a colleague present or the team.

Privacy by construction: feedback to a person travels only to that person's phone
and the sender's (their `me` views); the board and the facilitator get counts. Team
feedback reaches the facilitator without an author and the board only once shown.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.activities.feedback import store
from facilitator.errors import ActionError, not_found
from facilitator.live.actions import FACILITATOR, PARTICIPANT, ActionSet, Context
from facilitator.room import participants
from facilitator.room.board_state import page, short
from facilitator.schema import Bool, Choice, Int, Text

KIND = "feedback"
TITLE = _l("Feedback practice")
actions = ActionSet()
migrations = store.migrations

PARTS = {
    "behaviour": _l("Behaviour: what did you see or hear?"),
    "feeling": _l("Feeling: what did it do to you? (optional)"),
    "effect": _l("Effect: what was the consequence?"),
    "wish": _l("Wish: what would you like instead?"),
}
EXAMPLE = {
    "behaviour": _l("During this morning's handover you looked at your phone while I spoke."),
    "feeling": _l("I felt ignored."),
    "effect": _l("Because of that I could not tell you about the new client's medication."),
    "wish": _l("I would like us to put our phones away during the handover."),
}

CLIENT_STRINGS = {
    **{f"part_{key}": text for key, text in PARTS.items()},
    # Short names of the four parts, for showing feedback that was given.
    "short_behaviour": _l("Behaviour"),
    "short_feeling": _l("Feeling"),
    "short_effect": _l("Effect"),
    "short_wish": _l("Wish"),
    "to": _l("To whom?"),
    "team": _l("The whole team"),
    "send": _l("Send feedback"),
    "sent": _l("Sent."),
    "received": _l("Feedback for you"),
    "gave": _l("Feedback you gave"),
    "from": _l("From %(name)s"),
    "to_name": _l("To %(name)s"),
    "to_team": _l("To the team"),
    "heard": _l("What I heard"),
    "question": _l("A question"),
    "answer": _l("Answer"),
    "answer_hint": _l("Listen and ask; there is no need to defend yourself."),
    "reply_heard": _l("They heard: %(text)s"),
    "reply_question": _l("Their question: %(text)s"),
    "your_reply": _l("Your answer: %(text)s"),
    "counts": _l("%(people)s to colleagues · %(team)s to the team"),
    "show": _l("Show on the board"),
    "hide": _l("Hide from the board"),
    "on_board": _l("on the board"),
    "none_team": _l("No feedback to the team yet."),
    "example": _l("Example"),
}


def default_config() -> dict[str, Any]:
    return {}


@actions(
    "feedback.give",
    roles=(PARTICIPANT,),
    schema={
        "to_id": Int(min=0),
        "behaviour": Text(max_len=store.PART_MAX, multiline=True),
        "feeling": Text(max_len=store.PART_MAX, multiline=True, required=False),
        "effect": Text(max_len=store.PART_MAX, multiline=True),
        "wish": Text(max_len=store.PART_MAX, multiline=True),
    },
)
def give(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """to_id 0 is the team; otherwise a colleague here who joined with a name."""
    item = ctx.current_item(KIND)
    me = ctx.actor.participant_id
    to_id = data["to_id"] or None
    if to_id is not None:
        if to_id == me:
            raise ActionError("invalid", _l("Choose a colleague, not yourself."))
        if ctx.one(
            "SELECT 1 AS x FROM participants WHERE id = ? AND workshop_id = ? AND name IS NOT NULL",
            (to_id, ctx.workshop["id"]),
        ) is None:
            raise ActionError("invalid", _l("Choose someone who is here and joined with a name."))
    sent = ctx.one(
        "SELECT COUNT(*) AS n FROM feedback WHERE item_id = ? AND author_id = ?", (item["id"], me)
    )
    if sent["n"] >= store.PER_PARTICIPANT:
        raise ActionError("invalid", _l("At most %(max)s items."), max=store.PER_PARTICIPANT)
    cur = ctx.execute(
        "INSERT INTO feedback (workshop_id, item_id, author_id, to_id, behaviour, feeling,"
        " effect, wish, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ctx.workshop["id"], item["id"], me, to_id, data["behaviour"], data["feeling"] or "",
         data["effect"], data["wish"], ctx.now_iso),
    )
    ctx.changes.board = ctx.changes.control = True
    ctx.changes.add_personal(me)
    if to_id is not None:
        ctx.changes.add_personal(to_id)
    return {"feedback_id": cur.lastrowid}


@actions(
    "feedback.reply",
    roles=(PARTICIPANT,),
    schema={
        "feedback_id": Int(min=1),
        "kind": Choice(store.REPLY_KINDS),
        "text": Text(max_len=store.PART_MAX, multiline=True),
    },
)
def reply(ctx: Context, data: dict[str, Any]) -> None:
    """Only the receiver answers, once; the answer reaches only the sender."""
    row = ctx.one(
        "SELECT * FROM feedback WHERE id = ? AND workshop_id = ?",
        (data["feedback_id"], ctx.workshop["id"]),
    )
    if row is None or row["to_id"] != ctx.actor.participant_id:
        raise not_found(_l("That feedback does not exist."))
    if row["reply"]:
        raise ActionError("invalid", _l("You have answered this feedback already."))
    ctx.execute(
        "UPDATE feedback SET reply_kind = ?, reply = ?, replied_at = ? WHERE id = ?",
        (data["kind"], data["text"], ctx.now_iso, row["id"]),
    )
    ctx.changes.board = ctx.changes.control = True  # the count of answers
    ctx.changes.add_personal(row["author_id"])
    ctx.changes.add_personal(row["to_id"])


@actions(
    "feedback.show",
    roles=(FACILITATOR,),
    schema={"feedback_id": Int(min=1), "shown": Bool()},
)
def show(ctx: Context, data: dict[str, Any]) -> None:
    row = ctx.one(
        "SELECT * FROM feedback WHERE id = ? AND workshop_id = ? AND to_id IS NULL",
        (data["feedback_id"], ctx.workshop["id"]),
    )
    if row is None:
        raise not_found(_l("That feedback does not exist."))
    ctx.execute("UPDATE feedback SET shown = ? WHERE id = ?", (int(data["shown"]), row["id"]))
    ctx.changes.board = ctx.changes.control = True
    ctx.changes.add_personal(row["author_id"])


# --- views --------------------------------------------------------------------------------


def _structure() -> dict[str, Any]:
    return {
        "parts": [{"key": k, "label": str(v)} for k, v in PARTS.items()],
        "example": {k: str(v) for k, v in EXAMPLE.items()},
    }


BOARD_PART = 60  # characters of each 4G part of team feedback on the board


def board(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """The 4G shape with its example until team feedback is shown; then that feedback,
    two pieces a page, each part short (the spotlight shows the whole)."""
    team = [{"id": f["id"], **{k: short(f[k], BOARD_PART) for k in PARTS}}
            for f in store.team_feedback(v, item["id"], shown_only=True)]
    shown, paging = page(v, team, 2)
    return {**_structure(), "counts": store.counts(v, item["id"]), "team": shown,
            "paging": paging}


def control(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    return {
        "counts": store.counts(v, item["id"]),
        "team": store.team_feedback(v, item["id"], shown_only=False),
    }


def phone(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    # The colleagues to choose from are asked for by the phone when `people_rev` changes
    # (participants.named_rev), not sent to every phone in every push.
    return {**_structure(), "people_rev": participants.named_rev(v, v.workshop["id"])}


def personal(v: Any, item: dict[str, Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    return store.personal(v, item["id"], ids)


def export(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """Counts, and the team feedback the room saw on the board. Never feedback to a
    person, never an author."""
    return {
        "counts": store.counts(v, item["id"]),
        "team_feedback": [
            {k: f[k] for k in ("behaviour", "feeling", "effect", "wish")}
            for f in store.team_feedback(v, item["id"], shown_only=True)
        ],
    }
