"""Joining, participant tokens and presence."""

from __future__ import annotations

import os
import secrets
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from facilitator.db import Store, iso, utcnow
from facilitator.errors import ActionError, not_found
from facilitator.i18n import LANGUAGES
from facilitator.live.actions import FACILITATOR, GUEST, PARTICIPANT, ActionSet, Actor, Context
from facilitator.persons import links as person_links
from facilitator.schema import Bool, Choice, Int, Text
from facilitator.security import hash_token

NAME_MAX = 40
# Participants per workshop (FACILITATOR_MAX_PARTICIPANTS): one address could otherwise
# add hundreds a minute, and every screen's view grows with the room.
MAX_PARTICIPANTS = 2000
# Presence rows belong to the process that holds the connection (see clear_presence).
PROCESS_ID = f"{os.getpid()}-{secrets.token_hex(4)}"

actions = ActionSet()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def by_token(store: Store, workshop_id: int, token: Any) -> dict[str, Any] | None:
    # The token may come from a client's handshake `auth`: any JSON value.
    if not isinstance(token, str) or not token or len(token) > 100:
        return None
    row = store.one(
        "SELECT * FROM participants WHERE token_hash = ? AND workshop_id = ?",
        (hash_token(token), workshop_id),
    )
    return dict(row) if row else None


def join_refusal(workshop: dict[str, Any] | None) -> ActionError | None:
    """Why a phone may not join this workshop now, or None."""
    if workshop is None:
        return ActionError("bad_code", _l("There is no workshop with this code. Check the code."))
    if workshop["status"] == "closed":
        return ActionError("closed", _l("This workshop is closed."))
    if workshop["locked"]:
        return ActionError("locked", _l("This workshop is not taking new participants."))
    return None


@actions(
    "participant.join",
    roles=(GUEST,),
    schema={"name": Text(max_len=NAME_MAX, required=False), "anonymous": Bool()},
    any_status=True,
)
def join(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    refusal = join_refusal(ctx.workshop)
    if refusal:
        raise refusal
    name = None if data["anonymous"] else data["name"]
    if not data["anonymous"] and not name:
        raise ActionError("invalid", _l("Type a name, or choose to join anonymously."))
    joined = ctx.one(
        "SELECT COUNT(*) AS n FROM participants WHERE workshop_id = ?", (ctx.workshop["id"],)
    )
    if joined and joined["n"] >= max_participants():
        raise ActionError("full", _l("This workshop is full: no more participants can join."))
    # A personal link's person (persons.links), checked again here: it may have been
    # revoked since the join page read it.
    person_id = ctx.extra.get("person_id")
    if person_id is not None:
        person = ctx.one("SELECT * FROM persons WHERE id = ?", (person_id,))
        if person is None or not person_links.recognised_in(person, ctx.workshop):
            raise ActionError("revoked", _l("This personal link was revoked."))
    cur = ctx.execute(
        "INSERT INTO participants (workshop_id, token_hash, name, joined_at, last_seen_at,"
        " person_id) VALUES (?, ?, ?, ?, ?, ?)",
        (ctx.workshop["id"], ctx.extra["token_hash"], name, ctx.now_iso, ctx.now_iso,
         person_id),
    )
    ctx.changes.board = ctx.changes.control = True
    return {"participant_id": cur.lastrowid}


@actions("participant.remove", roles=(FACILITATOR,), schema={"participant_id": Int(min=1)})
def remove(ctx: Context, data: dict[str, Any]) -> None:
    # Every phone of theirs is disconnected once this commits (the dispatcher does it):
    # a removed participant's open socket must not keep receiving or acting.
    sids = ctx.all(
        "SELECT sid FROM presence WHERE participant_id = ? AND workshop_id = ?",
        (data["participant_id"], ctx.workshop["id"]),
    )
    cur = ctx.execute(
        "DELETE FROM participants WHERE id = ? AND workshop_id = ?",
        (data["participant_id"], ctx.workshop["id"]),
    )
    if cur.rowcount == 0:
        raise not_found()
    ctx.changes.sockets.update(r["sid"] for r in sids)
    ctx.changes.board = ctx.changes.control = True


@actions(
    "participant.language",
    roles=(PARTICIPANT,),
    schema={"language": Choice(LANGUAGES)},
    any_status=True,
)
def set_language(ctx: Context, data: dict[str, Any]) -> None:
    """A phone's own interface language; choosing the room's own means following the
    room again. The phone loads its page anew in it; what was typed stays as typed."""
    own = None if data["language"] == ctx.workshop["language"] else data["language"]
    ctx.execute(
        "UPDATE participants SET language = ? WHERE id = ? AND workshop_id = ?",
        (own, ctx.actor.participant_id, ctx.workshop["id"]),
    )
    ctx.changes.add_personal(ctx.actor.participant_id)
    ctx.changes.rooms.add(ctx.actor.participant_id)


def language_of(participant: dict[str, Any] | None, workshop: dict[str, Any]) -> str:
    """The language a participant's phone speaks: its own choice, else the room's."""
    own = (participant or {}).get("language")
    return own if own in LANGUAGES else workshop["language"]


def own_languages(q: Any, workshop_id: int, ids: list[int]) -> dict[int, str]:
    """Those of `ids` whose phone chose its own language."""
    rows = q.all(
        "SELECT id, language FROM participants WHERE workshop_id = ? AND language IS NOT NULL",
        (workshop_id,),
    )
    wanted = set(ids)
    return {r["id"]: r["language"] for r in rows
            if r["id"] in wanted and r["language"] in LANGUAGES}


def max_participants() -> int:
    try:
        return int(current_app.config.get("MAX_PARTICIPANTS", MAX_PARTICIPANTS))
    except (TypeError, ValueError):
        return MAX_PARTICIPANTS


def clear_presence(store: Store) -> None:
    """At start nobody is connected to this process. One process per database today;
    with several, each would clear only its own rows (the `process` column)."""
    store.run("DELETE FROM presence")


def connected(
    store: Store,
    sid: str,
    workshop_id: int,
    audience: str,
    participant_id: int | None,
    login_session: str | None = None,
    user_id: int | None = None,
    draft_item: int | None = None,
) -> None:
    """A socket connected; `login_session` is the hash of a facilitator's login session,
    so that its end disconnects this socket (auth.end_session); `user_id` the account a
    facilitator's socket speaks for (its deactivation disconnects it); `draft_item` the
    item a phone holds unsent text for (see set_draft)."""
    now = iso(utcnow())
    with store.write() as db:
        db.execute(
            "INSERT OR REPLACE INTO presence (sid, process, workshop_id, participant_id, audience,"
            " connected_at, login_session, user_id, draft_item)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sid, PROCESS_ID, workshop_id, participant_id, audience, now, login_session,
             user_id, draft_item),
        )
        if participant_id:
            db.execute(
                "UPDATE participants SET last_seen_at = ? WHERE id = ?", (now, participant_id)
            )


def disconnected(store: Store, sid: str) -> int | None:
    """Forget a connection; returns its workshop id if it was known."""
    now = iso(utcnow())
    with store.write() as db:
        row = db.execute("SELECT * FROM presence WHERE sid = ?", (sid,)).fetchone()
        if row is None:
            return None
        db.execute("DELETE FROM presence WHERE sid = ?", (sid,))
        if row["participant_id"]:
            db.execute(
                "UPDATE participants SET last_seen_at = ? WHERE id = ?",
                (now, row["participant_id"]),
            )
        return row["workshop_id"]


def set_draft(store: Store, sid: str, draft_item: int | None) -> int | None:
    """A phone holds unsent text for agenda item `draft_item` now (None: for none). Only
    the fact is stored, never the text. Returns the workshop id when it changed."""
    with store.write() as db:
        row = db.execute(
            "SELECT workshop_id, draft_item FROM presence WHERE sid = ? AND participant_id"
            " IS NOT NULL", (sid,)).fetchone()
        if row is None or row["draft_item"] == draft_item:
            return None
        db.execute("UPDATE presence SET draft_item = ? WHERE sid = ?", (draft_item, sid))
        return row["workshop_id"]


def drafting(store: Any, workshop_id: int, item_id: int | None) -> int:
    """How many connected phones hold unsent text for the item (the control page asks
    before moving the room off it)."""
    if item_id is None:
        return 0
    row = store.one(
        "SELECT COUNT(DISTINCT participant_id) AS n FROM presence WHERE workshop_id = ?"
        " AND draft_item = ?", (workshop_id, item_id))
    return row["n"] if row else 0


def roster(store: Store, workshop_id: int, revision: int | None = None
           ) -> list[dict[str, Any]]:
    """Everyone who joined, with whether a phone of theirs is connected now: what the
    control page lists (at 5,000 people every byte of a row is 5 kB of each push).

    `revision`: the workshop's roster_revision, read with the workshop (triggers count
    every change of these rows, migrations m090). The same roster then comes back
    unchanged, not read and built again (5 to 20 ms a push at 5,000 people), and the
    control page's patch skips it at once. Never modify what it returns."""
    if revision is None:
        return _roster(store, workshop_id)
    made_from = (revision, store.generation)
    people = store.kept("roster", workshop_id, made_from)
    if people is None:
        people = _roster(store, workshop_id)
        store.keep("roster", workshop_id, made_from, people)
    return people


def _roster(store: Store, workshop_id: int) -> list[dict[str, Any]]:
    # One pass over each table: a per-participant EXISTS on presence (indexed by
    # workshop only) made this O(n^2), 90 ms at 1,000 phones on every control push.
    online = {pid for (pid,) in store.tuples(
        "SELECT participant_id FROM presence WHERE workshop_id = ?", (workshop_id,))}
    rows = store.tuples(
        "SELECT id, name FROM participants WHERE workshop_id = ? ORDER BY id", (workshop_id,))
    return [{"id": pid, "name": name, "online": int(pid in online)} for pid, name in rows]


def counts(store: Store, workshop_id: int) -> dict[str, int]:
    row = store.one(
        "SELECT (SELECT COUNT(*) FROM participants WHERE workshop_id = ?) AS joined,"
        " (SELECT COUNT(DISTINCT participant_id) FROM presence"
        "  WHERE workshop_id = ? AND participant_id IS NOT NULL) AS online",
        (workshop_id, workshop_id),
    )
    return {"joined": row["joined"], "online": row["online"]}


def join_phone(
    dispatcher: Any, workshop: dict[str, Any], op_id: str, name: Any, anonymous: bool,
    person_id: int | None = None,
) -> tuple[str, dict[str, Any]]:
    """A phone joins through the dispatcher (the join page and POST /api/v1/join): a new
    token, and the ack of `participant.join` (a resend of op_id is a duplicate).
    `person_id`: the person of the phone's personal link, recognised here."""
    token = new_token()
    envelope = {
        "op": "participant.join",
        "op_id": op_id,
        "data": {"name": name, "anonymous": anonymous},
    }
    ack = dispatcher.dispatch(
        Actor(GUEST, workshop["id"]), envelope,
        {"token_hash": hash_token(token), "person_id": person_id},
    )
    return token, ack


def named(q: Any, workshop_id: int) -> list[dict[str, Any]]:
    """Everyone here who joined with a name, to choose a colleague from (by name)."""
    return [
        dict(r)
        for r in q.all(
            "SELECT id, name FROM participants WHERE workshop_id = ? AND name IS NOT NULL"
            " ORDER BY name COLLATE NOCASE, id",
            (workshop_id,),
        )
    ]


def named_rev(q: Any, workshop_id: int) -> str:
    """Changes whenever `named` does: a join adds a higher id (ids are never reused), a
    removal lowers the count. Phone views carry this instead of the list itself, which
    they ask for (the socket's `people`) only when it changed: every name in every push
    to every phone was O(N^2) bytes per push (issue 12, item 7)."""
    row = q.one(
        "SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS top FROM participants"
        " WHERE workshop_id = ? AND name IS NOT NULL",
        (workshop_id,),
    )
    return f"{row['n']}-{row['top']}"
