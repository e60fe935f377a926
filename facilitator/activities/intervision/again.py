"""Intervision groups that meet again across the workshops of a programme (issue 19.3).

The facilitator keeps a round's groups for the programme (`intervision.groups_keep`):
each becomes a roster of named members, and each meeting records who came and in which
role. In a later workshop of the same programme an intervision item starts "with the
groups from last time" (`intervision.groups_again`): present members are put together
again (by `participants.person_id` when a personal link recognised them; the
facilitator matches the others by name, `intervision.roster_match`), an absent member is
shown as absent, a newcomer is added with `intervision.assign` and joins the roster when
the groups are kept again. Case-holder and process guide rotate: whoever held the role
least often, then least recently. The round opens with a check-in phase that shows
each returning member last time's "what I will do" and asks how it went; the answers are
ordinary group contributions (kind `checkin`), so they share the group's
confidentiality and retention.

Tables (this module adds them to the intervision set):
    intervision_rosters             a kept group of a programme
    intervision_roster_members      its people: a name as typed, a person when recognised
    intervision_roster_meetings     one per roster per agenda item it met in
    intervision_roster_attendance   who of the roster came to a meeting, as whom, in which role
No content lives here: takeaways stay in intervision_takeaways and are looked up.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils
from flask_babel import lazy_gettext as _l

from facilitator.activities.intervision import groups as groups_mod
from facilitator.activities.intervision import store as st
from facilitator.db import dumps
from facilitator.errors import ActionError
from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.migrations import run_script
from facilitator.room.items import item_of
from facilitator.schema import Int

actions = ActionSet()

CHECKIN_KEY = "checkin"
CHECKIN_MINUTES = 10


@st.migrations()
def m019_record_rosters(db: sqlite_utils.Database) -> None:
    run_script(
        db,
        """
        CREATE TABLE intervision_rosters (
            id INTEGER PRIMARY KEY,
            programme_id INTEGER NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX intervision_rosters_programme ON intervision_rosters(programme_id);
        CREATE TABLE intervision_roster_members (
            id INTEGER PRIMARY KEY,
            roster_id INTEGER NOT NULL REFERENCES intervision_rosters(id) ON DELETE CASCADE,
            person_id INTEGER REFERENCES persons(id) ON DELETE SET NULL,
            name TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX intervision_roster_members_roster ON intervision_roster_members(roster_id);
        CREATE TABLE intervision_roster_meetings (
            id INTEGER PRIMARY KEY,
            roster_id INTEGER NOT NULL REFERENCES intervision_rosters(id) ON DELETE CASCADE,
            workshop_id INTEGER NOT NULL REFERENCES workshops(id) ON DELETE CASCADE,
            item_id INTEGER NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,
            group_id INTEGER REFERENCES intervision_groups(id) ON DELETE SET NULL,
            held_at TEXT NOT NULL,
            UNIQUE (roster_id, item_id)
        );
        CREATE INDEX intervision_roster_meetings_group ON intervision_roster_meetings(group_id);
        CREATE TABLE intervision_roster_attendance (
            meeting_id INTEGER NOT NULL
                REFERENCES intervision_roster_meetings(id) ON DELETE CASCADE,
            member_id INTEGER NOT NULL
                REFERENCES intervision_roster_members(id) ON DELETE CASCADE,
            participant_id INTEGER REFERENCES participants(id) ON DELETE SET NULL,
            role TEXT,
            PRIMARY KEY (meeting_id, member_id)
        )
        """,
    )


# --- reading --------------------------------------------------------------------------


def meeting_of(q: Any, group_id: int) -> dict[str, Any] | None:
    return q.one("SELECT * FROM intervision_roster_meetings WHERE group_id = ?", (group_id,))


def previous_meeting(q: Any, meeting: dict[str, Any]) -> dict[str, Any] | None:
    """The roster's meeting before this one (in an earlier item, most recent first)."""
    return q.one(
        "SELECT * FROM intervision_roster_meetings WHERE roster_id = ? AND id != ?"
        " AND held_at <= ? ORDER BY held_at DESC, id DESC LIMIT 1",
        (meeting["roster_id"], meeting["id"], meeting["held_at"]),
    )


def attendance(q: Any, meeting_id: int) -> list[dict[str, Any]]:
    return q.all(
        "SELECT a.*, m.name, m.person_id FROM intervision_roster_attendance a"
        " JOIN intervision_roster_members m ON m.id = a.member_id WHERE a.meeting_id = ?"
        " ORDER BY m.id",
        (meeting_id,),
    )


def takeaways_of(q: Any, meeting: dict[str, Any]) -> list[dict[str, Any]]:
    """Last time's "what I will do": the takeaways its attendees wrote in that meeting's
    group (still there while its retention lasts; a kept one stays, as an agreement)."""
    rows = q.all(
        "SELECT t.text, t.author_name, m.name, a2.due_date FROM intervision_takeaways t"
        " JOIN intervision_roster_attendance a ON a.participant_id = t.participant_id"
        " AND a.meeting_id = ?"
        " JOIN intervision_roster_members m ON m.id = a.member_id"
        " LEFT JOIN agreements a2 ON a2.id = t.agreement_id AND t.kept = 1"
        " WHERE t.workshop_id = ? AND (t.group_id = ? OR t.group_id IS NULL) ORDER BY t.id",
        (meeting["id"], meeting["workshop_id"], meeting["group_id"]),
    )
    return [
        {"name": r["author_name"] or r["name"], "text": r["text"], "due_date": r["due_date"]}
        for r in rows
    ]


def earlier_rosters(q: Any, workshop: dict[str, Any]) -> list[dict[str, Any]]:
    """The programme's rosters that met in another workshop, in their numbering."""
    if not workshop.get("programme_id"):
        return []
    return q.all(
        "SELECT r.* FROM intervision_rosters r WHERE r.programme_id = ? AND EXISTS ("
        " SELECT 1 FROM intervision_roster_meetings x WHERE x.roster_id = r.id"
        " AND x.workshop_id != ?) ORDER BY r.number, r.id",
        (workshop["programme_id"], workshop["id"]),
    )


def checkin_phase() -> dict[str, Any]:
    """The phase a meeting again opens with, in the shape methods.validate gives."""
    member = {
        "nl": "Lees wat je vorige keer ging doen. Vertel kort hoe het ging.",
        "en": "Read what you were going to do last time. Tell briefly how it went.",
    }
    return {
        "key": CHECKIN_KEY,
        "minutes": CHECKIN_MINUTES,
        "title": {"nl": "Check-in: hoe ging het?", "en": "Check-in: how did it go?"},
        "instructions": {
            "case_holder": member,
            "process_guide": {
                "nl": "Geef ieder een beurt: hoe ging het met wat je vorige keer ging doen?",
                "en": "Give everyone a turn: how did last time's plan work out?",
            },
            "member": member,
            "note_taker": member,
        },
        "contribution": "checkin",
        "by": "everyone",
        "visibility": "group",
        "listen_only": False,
        "reveals": [],
        "takeaway": False,
    }


def with_checkin(method: dict[str, Any]) -> dict[str, Any]:
    if method["phases"] and method["phases"][0]["key"] == CHECKIN_KEY:
        return method
    return {**method, "phases": [checkin_phase(), *method["phases"]]}


def has_checkin(group: dict[str, Any]) -> bool:
    return bool(group["method"]["phases"]) and group["method"]["phases"][0]["key"] == CHECKIN_KEY


# --- acting ---------------------------------------------------------------------------


def _programme(ctx: Context) -> int:
    programme = ctx.workshop.get("programme_id")
    if not programme:
        raise ActionError(
            "no_programme", _l("This workshop is not part of a programme: add it to one first.")
        )
    return programme


def _item(ctx: Context, item_id: int) -> dict[str, Any]:
    return item_of(ctx, item_id, groups_mod.ITEM_KIND)


@actions("intervision.groups_keep", roles=(FACILITATOR,), schema={"item_id": Int(min=1)})
def groups_keep(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Keep this item's groups (named members, who held which role) for the programme;
    again after changes: the meeting's attendance follows who is in the group now."""
    programme = _programme(ctx)
    item = _item(ctx, data["item_id"])
    kept = 0
    for group in st.groups_of(ctx, item["id"]):
        pids = st.member_ids(ctx, group["id"])
        if not pids:
            continue
        meeting = meeting_of(ctx, group["id"])
        if meeting is None:
            number = ctx.one(
                "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM intervision_rosters"
                " WHERE programme_id = ?",
                (programme,),
            )["n"]
            roster_id = ctx.execute(
                "INSERT INTO intervision_rosters (programme_id, number, created_at)"
                " VALUES (?, ?, ?)",
                (programme, number, ctx.now_iso),
            ).lastrowid
            meeting = {"id": _new_meeting(ctx, roster_id, item, group["id"]),
                       "roster_id": roster_id}
        _record_attendance(ctx, meeting, group, pids)
        kept += 1
    if not kept:
        raise ActionError("nobody", _l("Nobody is in a group yet."))
    ctx.changes.control = True
    return {"kept": kept}


def _new_meeting(ctx: Context, roster_id: int, item: dict[str, Any], group_id: int) -> int:
    return ctx.execute(
        "INSERT INTO intervision_roster_meetings (roster_id, workshop_id, item_id, group_id,"
        " held_at) VALUES (?, ?, ?, ?, ?)",
        (roster_id, ctx.workshop["id"], item["id"], group_id, ctx.now_iso),
    ).lastrowid


def _record_attendance(
    ctx: Context, meeting: dict[str, Any], group: dict[str, Any], pids: list[int]
) -> None:
    known = {a["participant_id"]: a for a in attendance(ctx, meeting["id"])}
    ctx.execute(
        "DELETE FROM intervision_roster_attendance WHERE meeting_id = ? AND (participant_id"
        f" IS NULL OR participant_id NOT IN ({','.join('?' * len(pids))}))",
        (meeting["id"], *pids),
    )
    for pid in pids:
        person = ctx.one("SELECT name, person_id FROM participants WHERE id = ?", (pid,))
        member_id = known[pid]["member_id"] if pid in known else _member_for(
            ctx, meeting["roster_id"], person
        )
        if person["name"]:
            ctx.execute("UPDATE intervision_roster_members SET name = ? WHERE id = ?",
                        (person["name"], member_id))
        ctx.execute(
            "INSERT INTO intervision_roster_attendance (meeting_id, member_id, participant_id,"
            " role) VALUES (?, ?, ?, ?) ON CONFLICT (meeting_id, member_id)"
            " DO UPDATE SET participant_id = excluded.participant_id, role = excluded.role",
            (meeting["id"], member_id, pid, st.role_of(group, pid)),
        )


def _member_for(ctx: Context, roster_id: int, person: dict[str, Any]) -> int:
    """The roster member this participant is: the same person, or someone new."""
    if person["person_id"]:
        row = ctx.one(
            "SELECT id FROM intervision_roster_members WHERE roster_id = ? AND person_id = ?",
            (roster_id, person["person_id"]),
        )
        if row:
            return row["id"]
    return ctx.execute(
        "INSERT INTO intervision_roster_members (roster_id, person_id, name, created_at)"
        " VALUES (?, ?, ?, ?)",
        (roster_id, person["person_id"], person["name"], ctx.now_iso),
    ).lastrowid


@actions("intervision.groups_again", roles=(FACILITATOR,), schema={"item_id": Int(min=1)})
def groups_again(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """This item's groups made from the programme's kept groups, opening with a check-in.
    Present members recognised by their personal link are put in at once."""
    _programme(ctx)
    item = _item(ctx, data["item_id"])
    if groups_mod._started(ctx, item["id"]):
        raise ActionError("started", _l("A group has started already; move people by hand."))
    rosters = earlier_rosters(ctx, ctx.workshop)
    if not rosters:
        raise ActionError("no_rosters", _l("No groups were kept in this programme yet."))
    for old in st.groups_of(ctx, item["id"]):
        groups_mod.touch(ctx, old, content=False)
    ctx.execute("DELETE FROM intervision_groups WHERE item_id = ?", (item["id"],))
    ctx.execute("DELETE FROM intervision_roster_meetings WHERE item_id = ?", (item["id"],))
    present = {
        r["person_id"]: r["id"]
        for r in ctx.all(
            "SELECT id, person_id FROM participants WHERE workshop_id = ?"
            " AND person_id IS NOT NULL ORDER BY id",
            (ctx.workshop["id"],),
        )
    }
    method = dumps(with_checkin(groups_mod.item_method(ctx, item)))
    matched = 0
    for number, roster in enumerate(rosters[: groups_mod.MAX_GROUPS], start=1):
        group_id = groups_mod.new_group(ctx, item, number)
        ctx.execute("UPDATE intervision_groups SET method = ? WHERE id = ?", (method, group_id))
        meeting_id = _new_meeting(ctx, roster["id"], item, group_id)
        for member in _members_with_person(ctx, roster["id"]):
            pid = present.get(member["person_id"]) if member["person_id"] else None
            if pid is not None:
                _put_in(ctx, item, group_id, meeting_id, member["id"], pid)
                matched += 1
        rotate(ctx, st.group_row(ctx, group_id))
    ctx.changes.board = ctx.changes.control = ctx.changes.phones = True
    return {"groups": len(rosters[: groups_mod.MAX_GROUPS]), "matched": matched}


def _members_with_person(ctx: Context, roster_id: int) -> list[dict[str, Any]]:
    """A roster's members with their person: known when kept, or made since (a personal
    link kept after the groups were: the person of the participant they were then)."""
    rows = ctx.all(
        "SELECT m.*, COALESCE(m.person_id, (SELECT p.person_id FROM"
        " intervision_roster_attendance a JOIN participants p ON p.id = a.participant_id"
        " WHERE a.member_id = m.id AND p.person_id IS NOT NULL"
        " ORDER BY a.meeting_id DESC LIMIT 1)) AS person"
        " FROM intervision_roster_members m WHERE m.roster_id = ? ORDER BY m.id",
        (roster_id,),
    )
    for row in rows:
        if row["person"] and row["person_id"] is None:
            ctx.execute("UPDATE intervision_roster_members SET person_id = ? WHERE id = ?",
                        (row["person"], row["id"]))
        row["person_id"] = row["person"]
    return rows


def _put_in(
    ctx: Context, item: dict[str, Any], group_id: int, meeting_id: int, member_id: int, pid: int
) -> None:
    """Participant `pid` is roster member `member_id`: into that group, noted as come."""
    groups_mod._leave(ctx, item["id"], pid)
    ctx.execute(
        "DELETE FROM intervision_roster_attendance WHERE participant_id = ? AND meeting_id IN"
        " (SELECT id FROM intervision_roster_meetings WHERE item_id = ?)",
        (pid, item["id"]),
    )
    group = st.group_row(ctx, group_id)
    since = ctx.now_iso if groups_mod._group_started(ctx, group) else None
    groups_mod._add_member(ctx, group_id, item["id"], pid, since)
    ctx.execute(
        "INSERT INTO intervision_roster_attendance (meeting_id, member_id, participant_id)"
        " VALUES (?, ?, ?) ON CONFLICT (meeting_id, member_id)"
        " DO UPDATE SET participant_id = excluded.participant_id",
        (meeting_id, member_id, pid),
    )
    groups_mod.touch(ctx, group, content=False, board=True)


@actions(
    "intervision.roster_match",
    roles=(FACILITATOR,),
    schema={"item_id": Int(min=1), "member_id": Int(min=1), "participant_id": Int(min=1)},
)
def roster_match(ctx: Context, data: dict[str, Any]) -> None:
    """The facilitator says who of last time's members this present participant is."""
    item = _item(ctx, data["item_id"])
    groups_mod._participant(ctx, data["participant_id"])
    meeting = ctx.one(
        "SELECT g.* FROM intervision_roster_meetings g JOIN intervision_roster_members m"
        " ON m.roster_id = g.roster_id WHERE m.id = ? AND g.item_id = ?",
        (data["member_id"], item["id"]),
    )
    if meeting is None or meeting["group_id"] is None:
        raise ActionError("not_found", _l("That member is not in a group of this activity."))
    taken = ctx.one(
        "SELECT participant_id FROM intervision_roster_attendance WHERE meeting_id = ?"
        " AND member_id = ? AND participant_id IS NOT NULL",
        (meeting["id"], data["member_id"]),
    )
    if taken and taken["participant_id"] != data["participant_id"]:
        groups_mod._leave(ctx, item["id"], taken["participant_id"])
    _put_in(ctx, item, meeting["group_id"], meeting["id"], data["member_id"],
            data["participant_id"])
    group = st.group_row(ctx, meeting["group_id"])
    if not groups_mod._group_started(ctx, group):
        rotate(ctx, group)
    ctx.changes.phones = True


def turn(
    role: str, candidates: list[dict[str, Any]], history: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """Whose turn it is for `role`: fewest times held, then longest ago (never first),
    then the earliest member. `history`: rows {member_id, role, held_at}."""

    def key(candidate: dict[str, Any]) -> tuple:
        held = [h["held_at"] for h in history
                if h["member_id"] == candidate["member_id"] and h["role"] == role]
        return (len(held), max(held, default=""), candidate["member_id"])

    return min(candidates, key=key, default=None)


def rotate(ctx: Context, group: dict[str, Any]) -> None:
    """Case-holder and process guide for a meeting again: among those present, who held
    the role least often, then least recently (never before counts as longest ago)."""
    meeting = meeting_of(ctx, group["id"])
    if meeting is None:
        return
    present = [a for a in attendance(ctx, meeting["id"]) if a["participant_id"]]
    if not present:
        return
    history = ctx.all(
        "SELECT a.member_id, a.role, g.held_at FROM intervision_roster_attendance a"
        " JOIN intervision_roster_meetings g ON g.id = a.meeting_id"
        " WHERE g.roster_id = ? AND g.id != ? AND a.role IS NOT NULL",
        (meeting["roster_id"], meeting["id"]),
    )
    holder = turn("case_holder", present, history)
    guide = turn("process_guide", [a for a in present if a is not holder], history) or holder
    ctx.execute(
        "UPDATE intervision_groups SET case_holder_id = ?, guide_id = ?, note_taker_id = NULL"
        " WHERE id = ?",
        (holder["participant_id"] if len(present) > 1 else None,
         guide["participant_id"] if guide else None, group["id"]),
    )
    groups_mod.touch(ctx, group, content=False)


# --- views ------------------------------------------------------------------------------


def control_part(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """For the control page: whether the workshop is in a programme, the kept groups it
    can start from, and per group made again last time's roster beside who is here."""
    workshop = v.workshop
    if not workshop.get("programme_id"):
        return {"programme": False}
    groups = st.groups_of(v, item["id"])
    # Present, in no group yet, recognised by a personal link: a latecomer, offered to
    # the facilitator beside the member they are.
    free = {
        r["person_id"]: r["id"]
        for r in v.all(
            "SELECT p.id, p.person_id FROM participants p WHERE p.workshop_id = ?"
            " AND p.person_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM intervision_members m"
            " WHERE m.participant_id = p.id AND m.item_id = ?)",
            (workshop["id"], item["id"]),
        )
    }
    rosters = []
    kept = 0
    for group in groups:
        meeting = meeting_of(v, group["id"])
        if meeting is None:
            continue
        kept += 1
        before = previous_meeting(v, meeting)
        if before is None:
            continue  # kept here for the first time: nothing to match against
        here = {a["member_id"]: a for a in attendance(v, meeting["id"])}
        members = v.all(
            "SELECT * FROM intervision_roster_members WHERE roster_id = ? ORDER BY id",
            (meeting["roster_id"],),
        )
        rosters.append({
            "group_id": group["id"],
            "number": group["number"],
            "members": [
                {
                    "member_id": m["id"],
                    "name": m["name"],
                    "participant_id": here[m["id"]]["participant_id"] if m["id"] in here
                    else None,
                    "recognised": free.get(m["person_id"]) if m["person_id"] else None,
                }
                for m in members
            ],
        })
    return {
        "programme": True,
        "earlier": len(earlier_rosters(v, workshop)),
        "kept": kept,
        "groups": len(groups),
        "rosters": rosters,
    }


def checkin_of(v: Any, group: dict[str, Any]) -> dict[str, Any] | None:
    """A group's check-in, once per group and push: last time's takeaways and who of
    those here now was there. None when the group is not in its check-in."""
    if not has_checkin(group) or group["phase_index"] != 0 or group["state"] == "done":
        return None
    meeting = meeting_of(v, group["id"])
    before = previous_meeting(v, meeting) if meeting else None
    if before is None:
        return {"returning": set(), "takeaways": []}
    rows = v.all(
        "SELECT now.participant_id FROM intervision_roster_attendance now"
        " JOIN intervision_roster_attendance was ON was.member_id = now.member_id"
        " AND was.meeting_id = ? WHERE now.meeting_id = ? AND now.participant_id IS NOT NULL",
        (before["id"], meeting["id"]),
    )
    return {"returning": {r["participant_id"] for r in rows}, "takeaways": takeaways_of(v, before)}


def checkin_part(checkin: dict[str, Any] | None, pid: int) -> dict[str, Any] | None:
    """A member's check-in: last time's takeaways only for someone who was there (a
    newcomer hears from the group what it wants to share)."""
    if checkin is None:
        return None
    if pid not in checkin["returning"]:
        return {"returning": False, "takeaways": []}
    return {"returning": True, "takeaways": checkin["takeaways"]}
