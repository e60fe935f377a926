"""Intervision groups that meet again across a programme (issue 19, point 3), through the
real server: kept in the first workshop, made again in the second (recognised people at
once, the others matched by the facilitator by name, an absent member shown absent, a
newcomer added), roles rotated, and a check-in that shows last time's takeaways to that
group only."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import pytest
from intervision_support import Room, table_token
from support import settle

from facilitator.db import iso, utcnow


@pytest.fixture(scope="module")
def server(module_server):
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token):
    return module_facilitator_token


def _sql(server, sql: str, params: tuple = ()) -> int:
    conn = sqlite3.connect(server.data_dir / "facilitator.db")
    with conn:
        cur = conn.execute(sql, params)
    conn.close()
    return cur.lastrowid


def _programme(server) -> int:
    owner = server.db_rows("SELECT id FROM users WHERE email = 'fac@example.nl'")[0]["id"]
    return _sql(server, "INSERT INTO programmes (owner_id, name, created_at) VALUES (?, ?, ?)",
                (owner, "Leergang wijkteams 2027", iso(utcnow())))


def _in_programme(server, room: Room, programme: int) -> None:
    _sql(server, "UPDATE workshops SET programme_id = ? WHERE id = ?",
         (programme, room.workshop_id()))


def _person(server, programme: int, participant_id: int, person: int | None = None) -> int:
    """What a personal link does (the persons work): this participant is that person."""
    if person is None:
        person = _sql(server, "INSERT INTO persons (token_hash, programme_id, created_at)"
                      " VALUES (?, ?, ?)", (f"hash-{participant_id}", programme, iso(utcnow())))
    _sql(server, "UPDATE participants SET person_id = ? WHERE id = ?", (person, participant_id))
    return person


def test_a_group_meets_again_and_checks_in(server, facilitator_token, clients):
    programme = _programme(server)
    first = Room(server, facilitator_token, clients, title="Leergang bijeenkomst 1")
    _in_programme(server, first, programme)
    g1, g2 = first.make_groups(size=3)
    first.ok(first.fac, "intervision.group_method", group_id=g2["id"], method="gossip")
    first.run_round(g1, "GROUPONE")
    first.run_round(g2, "GROUPTWO")
    roles = {g["id"]: {m["role"]: m["id"] for m in g["members"]} for g in first.groups()}
    holder1, guide1 = roles[g1["id"]]["case_holder"], roles[g1["id"]]["process_guide"]
    absent = next(m["id"] for m in g1["members"] if m["id"] not in (holder1, guide1))
    persons = {pid: _person(server, programme, pid) for pid in first.phones}
    assert first.ok(first.fac, "intervision.groups_keep",
                    item_id=first.item_id)["result"]["kept"] == 2
    first.ok(first.fac, "workshop.close")
    names = {m["id"]: m["name"] for g in (g1, g2) for m in g["members"]}

    # The second workshop: group 1's case-holder comes with her personal link, its guide
    # comes without one (the facilitator matches her by name), its third member stays
    # away, and a newcomer joins. Group 2 comes complete, all recognised.
    second = Room(server, facilitator_token, clients, people=0, title="Leergang bijeenkomst 2")
    _in_programme(server, second, programme)

    def come(name: str, person: int | None = None) -> int:
        phone = second.phone(name)
        second.phones[phone.participant_id] = phone
        if person is not None:
            _person(server, programme, phone.participant_id, person)
        return phone.participant_id

    holder_now = come(names[holder1], persons[holder1])
    guide_now = come(names[guide1])
    newcomer = come("Anouk van den Berg-Oosterhuis (nieuw)")
    two_now = [come(names[m["id"]], persons[m["id"]]) for m in g2["members"][:2]]
    # Refused outside a programme and before anything was kept.
    alone = Room(server, facilitator_token, clients, people=1, title="Los")
    alone.refused(alone.fac, "intervision.groups_again", "no_programme", item_id=alone.item_id)
    alone.refused(alone.fac, "intervision.groups_keep", "no_programme", item_id=alone.item_id)
    before = server.db_rows("SELECT COUNT(*) AS n FROM intervision_rosters")[0]["n"]

    made = second.ok(second.fac, "intervision.groups_again", item_id=second.item_id)
    assert made["result"] == {"groups": 2, "matched": 3}
    # Group 2's third member comes late, recognised by her personal link: the control page
    # offers her beside her name; one action puts her in.
    late = g2["members"][2]["id"]
    two_now.append(come(names[late], persons[late]))
    roster2 = next(r for r in second.control()["again"]["rosters"] if r["number"] == 2)
    offered = next(m for m in roster2["members"] if m["name"] == names[late])
    assert offered["participant_id"] is None and offered["recognised"] == two_now[-1]
    second.ok(second.fac, "intervision.roster_match", item_id=second.item_id,
              member_id=offered["member_id"], participant_id=offered["recognised"])
    again = second.control()["again"]
    assert again["programme"] and again["earlier"] == 2
    roster1 = next(r for r in again["rosters"] if r["number"] == 1)
    by_name = {m["name"]: m for m in roster1["members"]}
    assert by_name[names[holder1]]["participant_id"] == holder_now
    # Not recognised: shown beside who is here, for the facilitator to match by name.
    assert by_name[names[guide1]]["participant_id"] is None
    assert by_name[names[absent]]["participant_id"] is None
    unassigned = {p["id"] for p in second.control()["unassigned"]}
    assert unassigned == {guide_now, newcomer}
    # Bad matches change nothing: a member of no group here, someone of another workshop.
    second.refused(second.fac, "intervision.roster_match", "not_found", item_id=second.item_id,
                   member_id=999999, participant_id=guide_now)
    stranger = next(iter(alone.phones))
    second.refused(second.fac, "intervision.roster_match", "not_found", item_id=second.item_id,
                   member_id=by_name[names[guide1]]["member_id"], participant_id=stranger)
    second.refused(second.phones[holder_now], "intervision.roster_match", "forbidden",
                   item_id=second.item_id, member_id=by_name[names[guide1]]["member_id"],
                   participant_id=guide_now)
    assert {p["id"] for p in second.control()["unassigned"]} == {guide_now, newcomer}
    assert server.db_rows("SELECT COUNT(*) AS n FROM intervision_rosters")[0]["n"] == before
    second.ok(second.fac, "intervision.roster_match", item_id=second.item_id,
              member_id=by_name[names[guide1]]["member_id"], participant_id=guide_now)
    groups = {g["number"]: g for g in second.groups()}
    second.ok(second.fac, "intervision.assign", item_id=second.item_id,
              participant_id=newcomer, group_id=groups[1]["id"])
    groups = {g["number"]: g for g in second.groups()}
    members1 = {m["id"]: m["role"] for m in groups[1]["members"]}
    assert set(members1) == {holder_now, guide_now, newcomer}
    assert {m["id"] for m in groups[2]["members"]} == set(two_now)
    # Fair rotation: last time's case-holder does not bring a case again; last time's
    # guide (never case-holder yet) does, and last time's case-holder guides.
    assert members1[guide_now] == "case_holder" and members1[holder_now] == "process_guide"
    # The absent member is still absent on the roster.
    roster1 = next(r for r in second.control()["again"]["rosters"] if r["number"] == 1)
    assert next(m for m in roster1["members"]
                if m["name"] == names[absent])["participant_id"] is None

    # Group 1's table screen: the phase and a count, never what it holds.
    table = second.table(table_token(server, second.code, 1), 1)
    # The round opens with the check-in. Both groups start it; each member's push
    # carries their check-in.
    for g in groups.values():
        guide = next(m["id"] for m in g["members"] if m["role"] == "process_guide")
        second.ok(second.phones[guide], "intervision.start", group_id=g["id"])
    phone = second.phones
    mine = phone[holder_now].wait_for("me", lambda v: "GROUPONE" in json.dumps(v))
    checkin = second.me(holder_now)["group"]["checkin"]
    assert checkin["returning"] is True
    assert [t["text"] for t in checkin["takeaways"]] == ["GROUPONE I will call the client"]
    assert checkin["takeaways"][0]["name"] == names[holder1]
    assert checkin["takeaways"][0]["due_date"]  # kept, so it has the date to check by
    assert mine is not None
    assert second.me(guide_now)["group"]["checkin"]["returning"] is True
    # The newcomer was not there: the group tells them, the phone shows none of it.
    new_view = second.me(newcomer)["group"]
    assert new_view["checkin"] == {"returning": False, "takeaways": []}
    assert new_view["phase_key"] == "checkin" and new_view["contribution"] == "checkin"
    # Group 2 got its own check-in push, with its own takeaway, never group 1's.
    other = phone[two_now[0]]
    other.wait_for("me", lambda v: "GROUPTWO" in json.dumps(v))
    answer = second.ok(phone[holder_now], "intervision.contribute", group_id=groups[1]["id"],
                       text="CHECKINANSWER de cliënt belde terug")
    assert answer["ok"]
    settle(phone[newcomer], second.seq(), other, second.board, second.fac, table)
    assert "GROUPONE" not in other.raw() and "CHECKINANSWER" not in other.raw()
    assert "CHECKINANSWER" in phone[newcomer].raw()  # this meeting's answers: the group's
    assert "GROUPONE" not in phone[newcomer].raw()
    for screen in (second.board, second.fac, table):
        for secret in ("GROUPONE", "GROUPTWO", "CHECKINANSWER"):
            assert secret not in screen.raw(), secret
    counts = table.sync()["table"]["view"]["group"]["counts"]
    assert counts == [{"kind": "checkin", "n": 1}]
    # The board shows the phase by its title, nothing of what it holds.
    board = second.board.sync()["board"]["item"]["view"]
    assert {g["phase"]["title"] for g in board["groups"]} == {"Check-in: hoe ging het?"}

    # The answer is the group's content: in the case-holder's own record, and gone with
    # the group when retention deletes it.
    from test_intervision_record import _get
    record = _get(server, second.code, phone[holder_now].token).content.decode("utf-8")
    assert "Check-in: hoe het ging\n  CHECKINANSWER de cliënt belde terug" in record
    second.ok(second.fac, "intervision.groups_keep", item_id=second.item_id)
    second.ok(second.fac, "workshop.close")
    _sql(server, "UPDATE workshops SET closed_at = ?, retention_from = ? WHERE id = ?",
         (iso(utcnow() - timedelta(days=45)),) * 2 + (second.workshop_id(),))
    out = server.cli("purge")
    assert "'checkins': 1" in out
    rows = server.db_rows("SELECT text FROM intervision_contributions")
    assert not any("CHECKINANSWER" in r["text"] for r in rows)
    events = server.db_rows("SELECT data FROM events WHERE workshop_id = ?",
                            (second.workshop_id(),))
    assert not any("CHECKINANSWER" in e["data"] for e in events)
    # Who came stays (no content): the newcomer is on the roster now.
    members = server.db_rows("SELECT m.name FROM intervision_roster_members m"
                             " JOIN intervision_rosters r ON r.id = m.roster_id"
                             " WHERE r.programme_id = ? AND r.number = 1", (programme,))
    assert "Anouk van den Berg-Oosterhuis (nieuw)" in {m["name"] for m in members}
