"""Intervision over the real protocol: roles and rules, and what travels to whom."""

from __future__ import annotations

import json

import pytest
import socketio
from intervision_support import Room
from support import login_cookie, settle


# One server for the module (each test makes its own workshop).
@pytest.fixture(scope="module")
def server(module_server):
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token):
    return module_facilitator_token


@pytest.fixture
def room(server, facilitator_token, clients):
    return Room(server, facilitator_token, clients)


def _contribution_count(server) -> int:
    return server.db_rows("SELECT COUNT(*) AS n FROM intervision_contributions")[0]["n"]


def test_groups_roles_and_refusals(room, server):
    groups = room.make_groups(size=3)
    assert len(groups) == 2 and all(len(g["members"]) == 3 for g in groups)
    # The size they were made with is the item's group size now (the field shows it).
    assert room.control()["config"]["group_size"] == 3
    g1, g2 = groups
    guide1 = room.guide_of(g1)
    member1 = next(m["id"] for m in g1["members"] if m["role"] == "member")
    outsider = g2["members"][0]["id"]
    phone = room.phones

    # Not started: nobody contributes; only the guide starts.
    room.refused(phone[member1], "intervision.contribute", "not_running", group_id=g1["id"],
                 text="case")
    room.refused(phone[member1], "intervision.start", "not_guide", group_id=g1["id"])
    room.refused(phone[outsider], "intervision.start", "not_in_group", group_id=g1["id"])
    room.ok(phone[guide1], "intervision.start", group_id=g1["id"])
    # Outsiders may not contribute, vote or read; over-long text is refused.
    room.refused(phone[outsider], "intervision.contribute", "not_in_group", group_id=g1["id"],
                 text="I am not in this group")
    room.refused(phone[member1], "intervision.contribute", "invalid", group_id=g1["id"],
                 text="x" * 1001)
    room.refused(phone[member1], "intervision.contribute", "invalid", group_id=g1["id"],
                 text="x" * 501)  # a case proposal is shorter
    case = room.ok(phone[member1], "intervision.contribute", group_id=g1["id"],
                   text="Client refuses help")["result"]["contribution_id"]
    room.refused(phone[outsider], "intervision.vote", "not_in_group", group_id=g1["id"],
                 contribution_id=case)
    # Nobody moves past choosing the case without a case-holder.
    room.refused(phone[guide1], "intervision.advance", "no_case", group_id=g1["id"],
                 from_phase=0)
    room.refused(phone[member1], "intervision.choose_case", "not_guide", group_id=g1["id"],
                 contribution_id=case)
    assert room.ok(phone[guide1], "intervision.choose_case", group_id=g1["id"],
                   contribution_id=case)["result"]["case_holder_id"] == member1
    room.refused(phone[member1], "intervision.advance", "not_guide", group_id=g1["id"],
                 from_phase=0)
    room.ok(phone[guide1], "intervision.advance", group_id=g1["id"], from_phase=0)
    # A double tap on "next" does not skip a phase.
    room.refused(phone[guide1], "intervision.advance", "moved_on", group_id=g1["id"],
                 from_phase=0)
    # Phase 1 ("tell") takes no contributions.
    before = _contribution_count(server)
    room.refused(phone[guide1], "intervision.contribute", "no_contributions", group_id=g1["id"],
                 text="an early question")
    room.ok(phone[guide1], "intervision.advance", group_id=g1["id"], from_phase=1)
    # Questions: members ask, the case-holder (member1) does not.
    room.refused(phone[member1], "intervision.contribute", "wrong_role", group_id=g1["id"],
                 text="my own question")
    question = room.ok(phone[guide1], "intervision.contribute", group_id=g1["id"],
                       text="When did it start?")["result"]["contribution_id"]
    # Only the case-holder rates questions.
    room.refused(phone[guide1], "intervision.rate", "not_case_holder",
                 contribution_id=question, rating="warm")
    room.refused(phone[outsider], "intervision.rate", "not_in_group",
                 contribution_id=question, rating="warm")
    room.ok(phone[member1], "intervision.rate", contribution_id=question, rating="warm")
    rows = server.db_rows("SELECT * FROM intervision_contributions WHERE id = ?", (question,))
    assert rows[0]["rating"] == "warm"
    assert _contribution_count(server) == before + 1
    # The facilitator may steer any group's phase, and extend it.
    room.ok(room.fac, "intervision.pause", group_id=g1["id"])
    room.refused(room.fac, "intervision.pause", "not_running", group_id=g1["id"])
    room.ok(room.fac, "intervision.extend", group_id=g1["id"], seconds=60)
    room.ok(room.fac, "intervision.resume", group_id=g1["id"])
    view = room.me(member1)["group"]
    assert view["role"] == "case_holder" and view["phase"]["index"] == 2
    assert view["timer"]["state"] == "running" and view["timer"]["duration"] == 10 * 60 + 60
    # A member takes the free note-taker role; the guide hands over the guide role.
    room.ok(phone[guide1], "intervision.role", group_id=g1["id"], role="process_guide",
            participant_id=next(m["id"] for m in g1["members"]
                                if m["id"] not in (guide1, member1)))
    room.refused(phone[guide1], "intervision.advance", "not_guide", group_id=g1["id"],
                 from_phase=2)
    # The group that has started cannot be regrouped automatically.
    room.refused(room.fac, "intervision.groups_make", "started", item_id=room.item_id, size=3)
    # A participant may not use facilitator actions.
    room.refused(phone[member1], "intervision.settings", "forbidden", content_visible=True,
                 auto_advance=False)


def test_confidentiality_of_what_travels(room, server, facilitator_token, clients):
    g1, g2 = room.make_groups(size=3)
    room.ok(room.fac, "intervision.group_method", group_id=g2["id"], method="gossip")
    secret1, secret2 = "GROUPONESECRET", "GROUPTWOSECRET"
    room.run_round(g1, secret1)
    outcome = room.run_round(g2, secret2)

    member_of_g1 = room.phones[g1["members"][0]["id"]]
    member_of_g2 = room.phones[g2["members"][0]["id"]]
    # The last push of the round is in everywhere before anything is said not to be.
    settle(room.fac, room.seq(), member_of_g1, member_of_g2, room.board, room.fac)
    # What group 2 said reached group 2's phones...
    assert secret2 in member_of_g2.raw()
    # ...and nobody else: not group 1, not the board, not the facilitator (setting off).
    assert secret1 in member_of_g1.raw()
    assert secret2 not in member_of_g1.raw()
    assert secret1 not in member_of_g2.raw()
    for client in (room.board, room.fac):
        assert secret1 not in client.raw() and secret2 not in client.raw()
    # Not in the API export either (and so not in the report built from it).
    export = server.api("GET", f"/api/v1/workshops/{room.code}", facilitator_token)
    assert export.status_code == 200
    assert secret2 not in export.text and secret1 not in export.text
    item = next(i for i in export.json()["agenda"] if i["kind"] == "intervision")
    assert item["content"]["groups"] == 2 and item["content"]["finished"] == 2
    # The board knows phases and times, never content.
    board = room.board.sync()["board"]["item"]["view"]
    assert {g["phase"]["count"] for g in board["groups"]} == {9, 6}

    # With the setting on, the facilitator reads what groups share (not private notes).
    holder = room.phones[outcome["case_holder"]]
    # Another member of the same group, whatever the random groups made: the one most
    # likely to be shown a note by mistake.
    other = next(room.phones[m["id"]] for m in g2["members"]
                 if m["id"] != outcome["case_holder"])
    room.ok(holder, "intervision.note", group_id=g2["id"], text="PRIVATENOTE only for me")
    room.ok(room.fac, "intervision.settings", content_visible=True, auto_advance=False)
    view = room.control()
    # Reading applies from the moment it is turned on (issue 12, item 10): the round
    # group 2 held before stays theirs (tests/test_hardening3_content.py reads after it).
    assert view["groups"][1]["content"]["contributions"] == []
    assert secret2 not in str(view["groups"][1]["content"])
    # The note's push reached its author; a sync on each other screen then comes after
    # anything sent to it in the same push (one socket delivers in order).
    holder.wait_for("me", lambda v: "PRIVATENOTE" in json.dumps(v))
    for client in (other, room.fac, room.board):
        client.sync()
        assert "PRIVATENOTE" not in client.raw()
    # A manager cannot even connect to the workshop's live views.
    server.add_user("boss@example.nl", "manager", teams=("Wijkteam Noord",))
    with pytest.raises(socketio.exceptions.ConnectionError):
        clients(server.url, {"kind": "facilitator", "code": room.code},
                {"Cookie": login_cookie(server, "boss@example.nl")})
    # The kept takeaway: kept, not visible to a manager unless the case-holder says so.
    rows = server.db_rows("SELECT * FROM intervision_takeaways WHERE workshop_id = ?",
                          (room.workshop_id(),))
    assert len(rows) == 2 and all(r["kept"] == 1 and r["manager_visible"] == 0 for r in rows)


def test_phase_timers_agree_and_listen_only(room):
    g1, _ = room.make_groups(size=3)
    ids = [m["id"] for m in g1["members"]]
    guide = room.guide_of(g1)
    room.ok(room.phones[guide], "intervision.start", group_id=g1["id"])
    views = [room.me(pid)["group"] for pid in ids]
    assert len({v["timer"]["ends_at"] for v in views}) == 1
    assert {v["phase"]["title"] for v in views} == {"Kies de casus"}  # the workshop is Dutch
    assert {v["instruction"] for v in views}.__len__() >= 2  # per role
    holder = next(p for p in ids if p != guide)
    case = room.ok(room.phones[holder], "intervision.contribute", group_id=g1["id"],
                   text="My case")["result"]["contribution_id"]
    room.ok(room.phones[guide], "intervision.choose_case", group_id=g1["id"],
            contribution_id=case)
    for index in range(4):  # to "analysis without the case-holder"
        room.ok(room.phones[guide], "intervision.advance", group_id=g1["id"], from_phase=index)
    assert room.me(holder)["group"]["listen_only"] is True
    assert room.me(guide)["group"]["listen_only"] is False
    room.ok(room.phones[holder], "intervision.note", group_id=g1["id"], text="my notes")
    assert room.me(holder)["group"]["notes"] == "my notes"
    assert room.me(guide)["group"]["notes"] == ""
    # Write what you would do: private until the next phase reveals it.
    room.ok(room.phones[guide], "intervision.advance", group_id=g1["id"], from_phase=4)
    room.ok(room.phones[guide], "intervision.contribute", group_id=g1["id"], text="ADVICEDRAFT")
    assert "ADVICEDRAFT" not in str(room.me(holder)["group"]["contributions"])
    room.ok(room.phones[guide], "intervision.advance", group_id=g1["id"], from_phase=5)
    advice = next(c for c in room.me(holder)["group"]["contributions"] if c["kind"] == "advice")
    assert advice["text"] == "ADVICEDRAFT"
    room.ok(room.phones[holder], "intervision.appeal", contribution_id=advice["id"], appeals=True)
    room.refused(room.phones[guide], "intervision.appeal", "not_case_holder",
                 contribution_id=advice["id"], appeals=True)
    assert room.me(guide)["group"]["contributions"][-1]["appeals"] is True


def _phases(server, item_id: int) -> list[tuple[str, int]]:
    return [(r["state"], r["phase_index"]) for r in server.db_rows(
        "SELECT state, phase_index FROM intervision_groups WHERE item_id = ? ORDER BY number",
        (item_id,))]


def test_every_group_at_once_starts_and_moves_on_in_step(server, facilitator_token, clients):
    """A room of many groups is steered with one tap: start every waiting group, move every
    group in the earliest phase on. Groups without a case wait before the phases that need
    one and are counted; a double tap moves nobody twice; phones may not do it."""
    room = Room(server, facilitator_token, clients, people=9)
    groups = room.make_groups(size=3)
    assert len(groups) == 3
    item, fac = room.item_id, room.fac
    member = groups[0]["members"][0]["id"]
    room.refused(room.phones[member], "intervision.start_all", "forbidden", item_id=item)
    room.refused(fac, "intervision.advance_all", "invalid", item_id=item, from_phase=-1)
    assert _phases(server, item) == [("ready", 0)] * 3

    assert room.ok(fac, "intervision.start_all", item_id=item)["result"] == {
        "started": 3, "no_case": 0}
    assert _phases(server, item) == [("running", 0)] * 3
    room.refused(fac, "intervision.start_all", "not_ready", item_id=item)
    # No group has its case yet: the next phase needs one, so nobody moves.
    room.refused(fac, "intervision.advance_all", "no_case", item_id=item, from_phase=0)
    assert _phases(server, item) == [("running", 0)] * 3

    for g in groups[:2]:  # two groups choose a case, the third does not yet
        author = g["members"][0]["id"]
        case = room.ok(room.phones[author], "intervision.contribute", group_id=g["id"],
                       text="Een cliënt die niet wil")["result"]["contribution_id"]
        room.ok(room.phones[room.guide_of(g)], "intervision.choose_case", group_id=g["id"],
                contribution_id=case)
    ack = room.ok(fac, "intervision.advance_all", item_id=item, from_phase=0)
    assert ack["result"] == {"moved": 2, "no_case": 1}
    assert _phases(server, item) == [("running", 1), ("running", 1), ("running", 0)]
    # Each member's own view shows the new phase (and the third group's its old one).
    for g, index in zip(groups, (1, 1, 0), strict=True):
        for m in g["members"]:
            assert room.me(m["id"])["group"]["phase"]["index"] == index
    # The laggard alone is in phase 0 and still has no case: it stays.
    room.refused(fac, "intervision.advance_all", "no_case", item_id=item, from_phase=0)
    assert room.ok(fac, "intervision.advance_all", item_id=item,
                   from_phase=1)["result"] == {"moved": 2, "no_case": 0}
    # A double tap (the same phase again) moves nobody twice.
    room.refused(fac, "intervision.advance_all", "moved_on", item_id=item, from_phase=1)
    assert _phases(server, item) == [("running", 2), ("running", 2), ("running", 0)]
    # Another workshop's facilitator cannot steer these groups.
    other = Room(server, facilitator_token, clients, people=1)
    room.refused(other.fac, "intervision.advance_all", "not_found", item_id=item, from_phase=2)
    assert _phases(server, item) == [("running", 2), ("running", 2), ("running", 0)]
