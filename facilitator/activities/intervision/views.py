"""What each screen sees of the intervision groups (DESIGN invariant 2).

Content (cases, questions, advice, notes, takeaways) goes only into the personal views
of the group's own members, and into the control view when the workshop setting lets
the facilitator read it. The board and the shared phone view get phases and times.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _

from facilitator.activities.intervision import methods as method_library
from facilitator.activities.intervision import phases, summary
from facilitator.activities.intervision import store as st
from facilitator.i18n import LANGUAGES
from facilitator.room import table_screens
from facilitator.room.board_state import page, short


def visible_to(c: dict[str, Any], pid: int | None, group: dict[str, Any]) -> bool:
    """May participant `pid` see contribution `c` of `group`?"""
    if pid is not None and c["author_id"] == pid:
        return True
    if c["visibility"] == "group":
        return True
    if c["visibility"] == "case_holder":
        return pid is not None and pid == group["case_holder_id"]
    return revealed(c, group)


def revealed(c: dict[str, Any], group: dict[str, Any]) -> bool:
    """A private contribution becomes the group's when a later phase reveals its kind."""
    for index, phase in enumerate(group["method"]["phases"]):
        if index <= c["phase_index"] or c["kind"] not in phase["reveals"]:
            continue
        if index < group["phase_index"] or (
            index == group["phase_index"] and group["state"] != "ready"
        ):
            return True
    return False


def instruction_for(group: dict[str, Any], phase: dict[str, Any], role: str, lang: str,
                    words: dict[str, str]) -> str:
    """What `role` does now. The method's words for choosing a case ("Heb je een
    casus?") are past once the case is chosen: then each role hears what comes next.
    `words`: where a push keeps those sentences once translated (Flask-Babel took 2 ms
    of a 300-member push translating them again for every group)."""
    if phase["contribution"] == "case" and group["case_id"] is not None:
        if not words:
            words.update(_case_chosen())
        return words.get(role, words[""])
    return method_library.text(phase["instructions"][role], lang)


def _case_chosen() -> dict[str, str]:
    # Per role once the case is chosen; "" for every other role.
    return {
        "case_holder": _("Your case was chosen. When the process guide moves on, you tell it."),
        "process_guide": _("The case is chosen. Move on when the group is ready."),
        "": _("The case is chosen. The process guide moves on when the group is ready."),
    }


def _lang(v: Any) -> str:
    # The language these views are rendered in: the room's, or a phone's own choice
    # (the pusher renders those under force_locale).
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else (
        v.workshop["language"])


def _once(v: Any, key: Any, compute: Any) -> Any:
    # Read once per snapshot (live/screens.py, ViewContext.once); an action's context
    # has no snapshot and reads every time.
    once = getattr(v, "once", None)
    return once(key, compute) if once is not None else compute()


def _groups(v: Any, item: dict[str, Any]) -> list[dict[str, Any]]:
    """The item's groups as they are now; shared by the views of a snapshot, not modified."""
    def read() -> list[dict[str, Any]]:
        auto = st.settings(v.workshop)["auto_advance"]
        return [phases.effective(g, v.now, auto)
                for g in st.groups_of(v, item["id"], shared=True)]

    return _once(v, ("intervision.groups", item["id"]), read)


def _members(v: Any, item: dict[str, Any]) -> dict[int, list[dict[str, Any]]]:
    """Each group's members (id, name); shared by the views of a snapshot, not modified."""
    return _once(v, ("intervision.members", item["id"]),
                 lambda: st.members_by_group(v, item["id"]))


def _summary(
    v: Any, group: dict[str, Any], members: list[dict[str, Any]], lang: str | None = None
) -> dict[str, Any]:
    """A group's method, phase and time: no content, safe for every screen."""
    lang = lang or _lang(v)
    phase = phases.phase_of(group)
    return {
        "id": group["id"],
        "number": group["number"],
        "method": method_library.text(group["method"]["title"], lang),
        "phase": {
            "index": group["phase_index"],
            "count": len(group["method"]["phases"]),
            "title": method_library.text(phase["title"], lang),
        },
        "timer": phases.timer_view(group, v.now),
        "size": len(members),
        # The method's group size: a group outside it is warned about, never stopped.
        "size_range": group["method"]["group_size"],
        "size_fits": (group["method"]["group_size"]["min"] <= len(members)
                      <= group["method"]["group_size"]["max"]),
    }


def board(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    members = _members(v, item)
    groups = []
    for g in _groups(v, item):
        summary = _summary(v, g, members.get(g["id"], []))
        # Who is in which group helps people find their table; roles and content stay off.
        summary["names"] = [m["name"] for m in members.get(g["id"], [])]
        groups.append(_on_board(summary))
    shown, paging = page(v, groups, BOARD_GROUPS)
    return {"groups": shown, "paging": paging, "auto": st.settings(v.workshop)["auto_advance"]}


BOARD_GROUPS = 4  # groups per board page (two rows of two)


def _on_board(summary: dict[str, Any]) -> dict[str, Any]:
    """A group as the board draws it: method, phase and names short enough for one card."""
    names = [n for n in summary["names"] if n]
    anonymous = len(summary["names"]) - len(names)
    listed = short(", ".join(names), 70)
    return {**summary, "method": short(summary["method"], 40),
            "phase": {**summary["phase"], "title": short(summary["phase"]["title"], 40)},
            "names": listed, "anonymous": anonymous}


def phone(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    members = _members(v, item)
    choose = item["config"].get("grouping") == "choose"
    return {
        "choose": choose,
        # Every phone says whether the facilitator may read what the group shares.
        "facilitator_reads": st.settings(v.workshop)["content_visible"],
        "groups": [
            {
                "id": g["id"],
                "number": g["number"],
                "size": len(members.get(g["id"], [])),
                "open": g["state"] == "ready" and g["phase_index"] == 0,
            }
            for g in _groups(v, item)
        ],
    }


def _contributions(v: Any, group_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {gid: [] for gid in group_ids}
    if not group_ids:
        return out
    marks = ",".join("?" * len(group_ids))
    rows = v.all(
        f"SELECT c.*, (SELECT COUNT(*) FROM intervision_votes x WHERE x.contribution_id = c.id)"
        f" AS votes FROM intervision_contributions c WHERE c.group_id IN ({marks})"
        " ORDER BY c.id",
        tuple(group_ids),
    )
    for row in rows:
        out[row["group_id"]].append(row)
    return out


def _public_takeaway(v: Any, group: dict[str, Any]) -> dict[str, Any] | None:
    row = v.one(
        "SELECT * FROM intervision_takeaways WHERE group_id = ? AND participant_id IS ?",
        (group["id"], group["case_holder_id"]),
    )
    return row


def _entry(
    c: dict[str, Any], names: dict[int, Any], group: dict[str, Any], lang: str, votes_open: bool
) -> dict:
    phases_ = group["method"]["phases"]
    phase = phases_[min(c["phase_index"], len(phases_) - 1)]
    return {
        "id": c["id"],
        "kind": c["kind"],
        "phase_index": c["phase_index"],
        "phase": method_library.text(phase["title"], lang),
        "text": c["text"],
        "author": names.get(c["author_id"]),
        "author_id": c["author_id"],
        "rating": c["rating"],
        "appeals": bool(c["appeals"]),
        "votes": c["votes"] if c["kind"] == "case" and votes_open else None,
        "private": c["visibility"] != "group" and not revealed(c, group),
    }


_ASK = object()  # _content's takeaway not given: it reads it itself


def _content(
    v: Any, group: dict[str, Any], rows: list[dict], names: dict, pid: int | None, size: int,
    since: str | None = None, takeaway: Any = _ASK, lang: str | None = None,
    entries: dict[int, dict] | None = None,
) -> dict:
    """What a reader sees of a group; with `since`, only what was written after it (a
    member moved in mid-round, a facilitator allowed to read from some moment on).
    `takeaway`: the case-holder's takeaway row when the caller read it already;
    `entries`: the group's contributions as drawn, shared by its members' views."""
    lang = lang or _lang(v)
    entries = {} if entries is None else entries
    # The case vote is like the room's votes: counts show once the case is chosen or
    # everyone has voted, so the first votes don't steer the rest.
    voters = sum(c["votes"] for c in rows if c["kind"] == "case")
    votes_open = group["case_id"] is not None or (size > 0 and voters >= size)
    if since is not None:
        rows = [c for c in rows if c["created_at"] > since]
    case = next((c for c in rows if c["id"] == group["case_id"]), None)
    if takeaway is _ASK:
        takeaway = _public_takeaway(v, group)
    if takeaway is not None and since is not None and takeaway["updated_at"] <= since:
        takeaway = None
    return {
        "case": case["text"] if case else None,
        "contributions": [
            entries.get(c["id"]) or entries.setdefault(
                c["id"], _entry(c, names, group, lang, votes_open))
            for c in rows if visible_to(c, pid, group)
        ],
        "voters": voters,
        "votes_open": votes_open,
        "takeaway": takeaway["text"] if takeaway else None,
    }


def control(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    lang = _lang(v)
    settings = st.settings(v.workshop)
    members = _members(v, item)
    groups = _groups(v, item)
    rows = _contributions(v, [g["id"] for g in groups]) if settings["content_visible"] else {}
    out_groups = []
    for g in groups:
        people = members.get(g["id"], [])
        summary = _summary(v, g, people)
        summary["method_key"] = g["method"].get("base", g["method"]["key"])
        summary["members"] = [{**m, "role": st.role_of(g, m["id"])} for m in people]
        summary["table_path"] = table_screens.path(v.workshop, g["number"])
        if settings["content_visible"]:
            names = {m["id"]: m["name"] for m in people}
            # The facilitator reads what the group shares, never private notes or drafts.
            summary["content"] = _content(
                v, g, rows[g["id"]], names, None, len(people), settings["content_since"]
            )
        out_groups.append(summary)
    in_groups = {m["id"] for people in members.values() for m in people}
    everyone = v.all(
        "SELECT id, name FROM participants WHERE workshop_id = ? ORDER BY id", (v.workshop["id"],)
    )
    config = item["config"]
    current = config.get("method_data") or st.resolve_method(
        v, config.get("method", "incident"), v.workshop["owner_id"]
    )
    return {
        "settings": settings,
        "config": {
            "method": config.get("method", "incident"),
            "adjusted": bool(config.get("method_data")),
            "group_size": config.get("group_size", 4),
            "grouping": config.get("grouping", "auto"),
        },
        "method": _method_outline(current, lang) if current else None,
        "library": [
            {"ref": key, "title": method_library.text(m["title"], lang)}
            for key, m in method_library.library().items()
        ],
        "own": [
            {"ref": f"own:{m['id']}", "title": m["name"]}
            for m in st.own_methods(v, v.workshop["owner_id"])
        ],
        "groups": out_groups,
        "unassigned": [dict(p) for p in everyone if p["id"] not in in_groups],
    }


def _method_outline(method: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "title": method_library.text(method["title"], lang),
        "summary": method_library.text(method["summary"], lang),
        "phases": [
            {
                "key": p["key"],
                "title": method_library.text(p["title"], lang),
                "minutes": p["minutes"],
                "contribution": p["contribution"],
            }
            for p in method["phases"]
        ],
    }


# The table screen's rows, in the order they are read out; a note-taker only when chosen.
TABLE_ROLES = ("case_holder", "process_guide", "note_taker", "member")


def table(v: Any, item: dict[str, Any], number: int) -> dict[str, Any]:
    """The screen on table `number`: group `number`'s method, phases, time, what each role
    does now and who holds it, and how many contributions this phase has. Never what
    anyone wrote: whoever holds the link sees it, and passers-by see the tablet."""
    group = next((g for g in _groups(v, item) if g["number"] == number), None)
    if group is None:
        return {"group": None}
    lang = _lang(v)
    people = _members(v, item).get(group["id"], [])
    phase = phases.phase_of(group)
    roles = []
    words: dict[str, str] = {}
    for role in TABLE_ROLES:
        names = [m["name"] for m in people if st.role_of(group, m["id"]) == role]
        if role == "note_taker" and not names:
            continue
        instruction = instruction_for(group, phase, role, lang, words)
        roles.append({"role": role, "names": names, "instruction": instruction})
    # How many, never what: the phase's own kind first, shown even at zero.
    counts = {phase["contribution"]: 0} if phase["contribution"] != "none" else {}
    for row in v.all(
        "SELECT kind, COUNT(*) AS n FROM intervision_contributions"
        " WHERE group_id = ? AND phase_index = ? GROUP BY kind ORDER BY kind",
        (group["id"], group["phase_index"]),
    ):
        counts[row["kind"]] = row["n"]
    done = group["state"] == "done"
    steps = [
        {
            "title": method_library.text(p["title"], lang),
            "minutes": p["minutes"],
            "state": "done"
            if done or i < group["phase_index"]
            else ("current" if i == group["phase_index"] else "todo"),
        }
        for i, p in enumerate(group["method"]["phases"])
    ]
    return {
        "group": {
            **_summary(v, group, people),
            "phases": steps,
            "roles": roles,
            "counts": [{"kind": kind, "n": n} for kind, n in counts.items()],
            "auto": st.settings(v.workshop)["auto_advance"],
        }
    }


def personal(v: Any, item: dict[str, Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each member's view of their group. One query per table, whatever the number of
    members: a phase change in a room of 300 phones in 50 groups recomputes all of them,
    and three or four queries per member made that the push's largest cost."""
    wanted = set(ids)
    members = _members(v, item)
    groups = [
        g for g in _groups(v, item) if any(m["id"] in wanted for m in members.get(g["id"], []))
    ]
    group_ids = [g["id"] for g in groups]
    rows = _contributions(v, group_ids)
    own = _own_rows(v, group_ids)
    since = {
        r["participant_id"]: r["visible_from"]
        for r in v.all(
            "SELECT participant_id, visible_from FROM intervision_members"
            " WHERE item_id = ? AND visible_from IS NOT NULL",
            (item["id"],),
        )
    }
    out: dict[int, dict[str, Any]] = {pid: {"group": None} for pid in ids}
    lang = _lang(v)
    auto = st.settings(v.workshop)["auto_advance"]
    words: dict[str, str] = {}  # translated once for all groups (instruction_for)
    for g in groups:
        group = _MemberViews(v, g, members.get(g["id"], []), rows[g["id"]], own, lang, auto,
                             words)
        for m in group.people:
            if m["id"] in wanted:
                out[m["id"]] = group.view(m["id"], since.get(m["id"]))
    return out


def _own_rows(v: Any, group_ids: list[int]) -> dict[str, dict[tuple[int, Any], Any]]:
    """The groups' notes, case votes and takeaways, keyed by (group, participant)."""
    out: dict[str, dict[tuple[int, Any], Any]] = {"notes": {}, "votes": {}, "takeaways": {}}
    if not group_ids:
        return out
    marks = ",".join("?" * len(group_ids))
    for r in v.all(f"SELECT group_id, participant_id, text FROM intervision_notes"
                   f" WHERE group_id IN ({marks})", tuple(group_ids)):
        out["notes"][(r["group_id"], r["participant_id"])] = r["text"]
    for r in v.all(f"SELECT group_id, participant_id, contribution_id FROM intervision_votes"
                   f" WHERE group_id IN ({marks})", tuple(group_ids)):
        out["votes"][(r["group_id"], r["participant_id"])] = r["contribution_id"]
    # The date a kept takeaway is checked by lives on the agreement it becomes.
    for r in v.all(
        "SELECT t.*, a.due_date FROM intervision_takeaways t"
        " LEFT JOIN agreements a ON a.id = t.agreement_id AND t.kept = 1"
        f" WHERE t.group_id IN ({marks}) ORDER BY t.id",
        tuple(group_ids),
    ):
        out["takeaways"].setdefault((r["group_id"], r["participant_id"]), r)
    return out


class _MemberViews:
    """One group's member views. What is the same for every member (summary, members and
    roles, what comes next, the contributions as drawn, each role's instruction) is
    computed once per group: per member, it was most of a 300-phone push."""

    def __init__(self, v: Any, g: dict[str, Any], people: list[dict], rows: list[dict],
                 own: dict[str, dict[tuple[int, Any], Any]], lang: str, auto: bool,
                 words: dict[str, str]):
        self.v, self.g, self.people, self.rows, self.own, self.lang = v, g, people, rows, own, lang
        self.words = words
        self.names = {m["id"]: m["name"] for m in people}
        self.phase = phases.phase_of(g)
        phases_ = g["method"]["phases"]
        nxt = phases_[g["phase_index"] + 1] if g["phase_index"] + 1 < len(phases_) else None
        self.common = {
            **_summary(v, g, people, lang),
            "members": [{**m, "role": st.role_of(g, m["id"])} for m in people],
        }
        self.next_phase = method_library.text(nxt["title"], lang) if nxt else None
        self.auto = auto
        self.public = own["takeaways"].get((g["id"], g["case_holder_id"]))
        self.instructions: dict[str, str] = {}
        self.entries: dict[int, dict] = {}

    def view(self, pid: int, since: str | None = None) -> dict[str, Any]:
        g, phase, own = self.g, self.phase, self.own
        role = st.role_of(g, pid)
        active = g["state"] in ("running", "paused")
        kind = phase["contribution"]
        may_contribute = (
            active
            and kind != "none"
            and (
                phase["by"] == "everyone"
                or (phase["by"] == "members" and role != "case_holder")
                or (phase["by"] == "case_holder" and role == "case_holder")
            )
        )
        if role not in self.instructions:
            self.instructions[role] = instruction_for(g, phase, role, self.lang, self.words)
        mine = None
        row = own["takeaways"].get((g["id"], pid)) if role == "case_holder" else None
        if row is not None:
            mine = {"text": row["text"], "kept": bool(row["kept"]),
                    "manager_visible": bool(row["manager_visible"]), "due_date": row["due_date"]}
        return {
            "group": {
                **self.common,
                "me": pid,
                "role": role,
                "guide": role == "process_guide",
                "instruction": self.instructions[role],
                "phase_key": phase["key"],
                "contribution": kind if may_contribute else "none",
                "phase_contribution": kind,
                "listen_only": (phase["listen_only"] and role == "case_holder"
                                and g["state"] != "done"),
                "takeaway_phase": ((phase["takeaway"] and g["state"] != "ready")
                                   or g["state"] == "done"),
                "next_phase": self.next_phase,
                "auto": self.auto,
                **_content(self.v, g, self.rows, self.names, pid, len(self.people), since,
                           takeaway=self.public, lang=self.lang, entries=self.entries),
                "joined_late": since is not None,
                "my_vote": own["votes"].get((g["id"], pid)),
                "notes": own["notes"].get((g["id"], pid)) or "",
                "my_takeaway": mine,
            }
        }


def export(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """What may leave the room: how many groups ran which method, the phases they got
    through and how long it took. Never content or names. After retention deleted the
    groups, the summary it kept says the same."""
    lang = _lang(v)
    groups = st.groups_of(v, item["id"])
    found = (summary.of_groups(v.all, v.workshop["id"], groups) if groups
             else summary.kept(v.all, item["id"]))
    if found is None:
        return {"groups": 0, "methods": [], "finished": 0}
    return {**found, "methods": sorted({method_library.text(t, lang) for t in found["methods"]})}
