"""Issue 12, item 10: with the content setting off the facilitator reads no group content by
any route, also not by joining their own workshop as a participant and putting themselves
into a running group; someone moved into a group mid-round sees only what is written from
then on; phones say whether the facilitator may read; turning reading on applies from then.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests
from intervision_support import Room
from support import settle

SECRET = "EERDERGEDEELDECASUS"
LATER = "NAAVERHUISGESCHREVEN"


@pytest.fixture
def room(server: Any, facilitator_token: str, clients: Any) -> Room:
    return Room(server, facilitator_token, clients, people=6)


def _started_group(room: Room) -> tuple[dict[str, Any], Any]:
    """Group 1 running its first phase, a case written in it; returns it and its guide."""
    g1, _ = room.make_groups(size=3)
    guide = room.phones[room.guide_of(g1)]
    room.ok(guide, "intervision.start", group_id=g1["id"])
    room.ok(guide, "intervision.contribute", group_id=g1["id"], text=f"{SECRET} over een cliënt")
    return g1, guide


def test_the_facilitator_joined_as_a_participant_and_moved_in_sees_nothing_from_before(
    room: Room, clients: Any
) -> None:
    g1, guide = _started_group(room)
    # The facilitator joins their own workshop from a phone and puts that phone in group 1.
    me = room.phone("Fatima (facilitator)")
    room.ok(room.fac, "intervision.assign", item_id=room.item_id,
            participant_id=me.participant_id, group_id=g1["id"])
    mine = me.sync()["me"]["view"]["group"]
    assert mine["id"] == g1["id"] and mine["joined_late"] is True
    assert SECRET not in json.dumps(mine) and mine["case"] is None
    assert mine["contributions"] == []
    # From now on they see what is written, as every member does.
    room.ok(guide, "intervision.contribute", group_id=g1["id"], text=f"{LATER} nog een casus")
    settle(guide, room.seq(), me, room.fac)
    assert LATER in me.raw() and SECRET not in me.raw()
    assert SECRET not in room.fac.raw() and LATER not in room.fac.raw()  # setting off
    assert SECRET not in json.dumps(room.fac.sync())
    # The members who were there keep the whole round.
    assert SECRET in json.dumps(room.me(room.guide_of(g1)))
    # A member from the start is not marked late.
    assert room.me(room.guide_of(g1))["group"]["joined_late"] is False


def test_reading_turned_on_applies_from_that_moment(room: Room) -> None:
    g1, guide = _started_group(room)
    control = room.fac.sync()["control"]["item"]["view"]
    assert "content" not in control["groups"][0]
    phone = room.phones[room.guide_of(g1)]
    assert phone.sync()["phone"]["item"]["view"]["facilitator_reads"] is False
    time.sleep(0.01)  # the moment is the server's clock, in milliseconds
    room.ok(room.fac, "intervision.settings", content_visible=True, auto_advance=False)
    content = room.fac.sync()["control"]["item"]["view"]["groups"][0]["content"]
    assert content["contributions"] == [] and SECRET not in json.dumps(content)
    # Every phone says so, pushed at once.
    phone.wait_for("phone", lambda v: v["item"]["view"]["facilitator_reads"] is True)
    time.sleep(0.01)
    room.ok(guide, "intervision.contribute", group_id=g1["id"], text=f"{LATER} gedeeld")
    content = room.fac.sync()["control"]["item"]["view"]["groups"][0]["content"]
    assert [c["text"] for c in content["contributions"]] == [f"{LATER} gedeeld"]
    # Off and on again: the moment moves on.
    room.ok(room.fac, "intervision.settings", content_visible=False, auto_advance=False)
    assert phone.sync()["phone"]["item"]["view"]["facilitator_reads"] is False
    time.sleep(0.01)
    room.ok(room.fac, "intervision.settings", content_visible=True, auto_advance=False)
    content = room.fac.sync()["control"]["item"]["view"]["groups"][0]["content"]
    assert content["contributions"] == []
    assert SECRET not in room.fac.raw()


def test_no_other_route_gives_the_facilitator_group_content(room: Room, server: Any,
                                                            facilitator_token: str) -> None:
    g1, guide = _started_group(room)
    settle(guide, room.seq(), room.fac, room.board)
    for client in (room.fac, room.board):
        assert SECRET not in client.raw() and SECRET not in json.dumps(client.sync())
    export = server.api("GET", f"/api/v1/workshops/{room.code}", facilitator_token)
    assert export.status_code == 200 and SECRET not in export.text
    report = server.api("GET", f"/api/v1/workshops/{room.code}/report.md", facilitator_token)
    assert report.status_code == 200 and SECRET not in report.text
    page = requests.get(f"{server.url}/w/{room.code}/report", timeout=10,
                        headers={"Cookie": room.cookie})
    assert page.status_code == 200 and SECRET not in page.text
