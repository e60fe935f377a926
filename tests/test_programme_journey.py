"""A programme as it happens (issue 19, "What must be shown"), through the real server and
its own pages, no SQL: a facilitator makes a programme of three workshops (a work
conference, then two intervision meetings); the participants of the first meeting join
with the join form and keep a personal link; the groups are kept; in the second meeting
the same phones are recognised by their links, the groups are made again from the
links alone, and the check-in shows each member the first meeting's takeaway of their own
group only. The person's own page and the programme's attendance list both meetings'
roles; neither holds content."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import requests
from intervision_support import Room as IntervisionRoom
from support import settle
from support.login import login_session
from support.room import FAC, Room
from test_persons import html_join, keep_link
from test_programmes import _csrf

PEOPLE = ["Annemarie van den Heuvel-Oosterbroek", "Bram de Vries", "Chantal Öztürk",
          "Daan Jansen", "Esther Bakker-Mulder", "Fatima El Amrani"]


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


def _programme(server: Any) -> tuple[int, requests.Session]:
    fac = login_session(server, FAC)
    made = fac.post(server.url + "/programmes/new", timeout=30, allow_redirects=False, data={
        "csrf_token": _csrf(fac, server.url + "/programmes/new"),
        "name": "Leergang Wijkteams Zuid 2027", "organisation": "Gemeente Zuiderhaven",
        "starts_on": "2027-01-11", "ends_on": "2027-06-30",
        "description": "Een werkconferentie en twee intervisiebijeenkomsten."})
    assert made.status_code == 302, made.text
    return int(made.headers["Location"].rsplit("/", 1)[1]), fac


def _phones(server: Any, room: IntervisionRoom, sessions: dict[str, requests.Session]) -> None:
    """Each person's phone joins with the join form (its link, if it kept one, is offered
    and taken), then follows the room over Socket.IO with the cookie the form set."""
    for name, session in sessions.items():
        html_join(server, session, room.code, name)
        token = session.cookies.get(f"ftok_{room.code}")
        client = room.client({"kind": "participant", "code": room.code, "token": token},
                             label=f"phone {name}")
        client.participant_id = server.db_rows(  # type: ignore[attr-defined]
            "SELECT p.id FROM participants p JOIN workshops w ON w.id = p.workshop_id"
            " WHERE w.code = ? AND p.name = ?", (room.code, name))[0]["id"]
        client.token = token  # type: ignore[attr-defined]
        room.phones[client.participant_id] = client  # type: ignore[attr-defined]


def test_a_programme_of_three_workshops_where_a_group_meets_twice(
        server: Any, module_facilitator_token: str, clients: Any) -> None:
    programme, fac_pages = _programme(server)
    conference = Room(server, module_facilitator_token, clients=clients,
                      title="Werkconferentie Zuid", agenda="dilemmas")
    first = IntervisionRoom(server, module_facilitator_token, clients, people=0,
                            title="Intervisie Zuid, bijeenkomst 1")
    second = IntervisionRoom(server, module_facilitator_token, clients, people=0,
                             title="Intervisie Zuid, bijeenkomst 2")
    for room in (conference, first, second):
        room.ok(room.fac, "workshop.programme", programme_id=programme)
    page = fac_pages.get(f"{server.url}/programmes/{programme}", timeout=10).text
    for title in ("Werkconferentie Zuid", "bijeenkomst 1", "bijeenkomst 2"):
        assert title in page

    # The first meeting: everyone joins by the form and keeps a personal link.
    sessions = {name: requests.Session() for name in PEOPLE}
    _phones(server, first, sessions)
    links = {name: keep_link(server, session, first.code) for name, session in sessions.items()}
    g1, g2 = first.make_groups(size=3)
    first.run_round(g1, "FIRSTGROUPONE")
    first.run_round(g2, "FIRSTGROUPTWO")
    held = {g["number"]: {m["role"]: m["name"] for m in g["members"]} for g in first.groups()}
    assert first.ok(first.fac, "intervision.groups_keep",
                    item_id=first.item_id)["result"]["kept"] == 2
    first.ok(first.fac, "workshop.close")

    # The second meeting: the same phones, recognised by their links; the groups are made
    # again from the links alone, nobody matched by hand.
    _phones(server, second, sessions)
    persons = server.db_rows(
        "SELECT p.name, p.person_id FROM participants p JOIN workshops w"
        " ON w.id = p.workshop_id WHERE w.code = ?", (second.code,))
    assert len(persons) == 6 and all(p["person_id"] for p in persons)
    made = second.ok(second.fac, "intervision.groups_again", item_id=second.item_id)
    assert made["result"] == {"groups": 2, "matched": 6}
    groups = {g["number"]: g for g in second.groups()}
    for number in (1, 2):
        assert {m["name"] for m in groups[number]["members"]} == set(held[number].values())
        # The roles rotate: last time's case-holder doesn't bring a case again.
        now = {m["role"]: m["name"] for m in groups[number]["members"]}
        assert now["case_holder"] != held[number]["case_holder"]
    for g in groups.values():
        guide = next(m["id"] for m in g["members"] if m["role"] == "process_guide")
        second.ok(second.phones[guide], "intervision.start", group_id=g["id"])

    # The check-in: each member sees their own group's takeaway of last time, nothing else.
    by_name = {m["name"]: m["id"] for g in groups.values() for m in g["members"]}
    for number, secret, other in ((1, "FIRSTGROUPONE", "FIRSTGROUPTWO"),
                                  (2, "FIRSTGROUPTWO", "FIRSTGROUPONE")):
        for member in groups[number]["members"]:
            phone = second.phones[member["id"]]
            phone.wait_for("me", lambda v, s=secret: s in json.dumps(v))
            checkin = second.me(member["id"])["group"]["checkin"]
            assert checkin["returning"] is True
            assert [t["text"] for t in checkin["takeaways"]] == [
                f"{secret} I will call the client"]
            assert checkin["takeaways"][0]["name"] == held[number]["case_holder"]
            assert other not in phone.raw()
    settle(second.phones[by_name[PEOPLE[0]]], second.seq(), second.board, second.fac)
    for screen in (second.board, second.fac):
        assert "FIRSTGROUP" not in screen.raw()

    # What each person takes home: their page lists both meetings (the second one is
    # under way) and their own takeaway, none of what the group said, nothing of the
    # other group.
    holder = held[1]["case_holder"]
    own = requests.get(server.url + links[holder], timeout=10)
    assert own.status_code == 200
    assert own.text.count("Intervisie Zuid, bijeenkomst") >= 2
    assert "FIRSTGROUPONE I will call the client" in own.text
    assert re.search(r"FIRSTGROUP\w+ \w+ by \d+", own.text) is None  # contributions
    assert "FIRSTGROUPTWO" not in own.text
    csv = fac_pages.get(f"{server.url}/programmes/{programme}/attendance.csv", timeout=10)
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    for name in PEOPLE:
        assert text.count(name) == 2, (name, text)
    assert "FIRSTGROUP" not in text and "I will call" not in text
