"""The portfolio shows a person's own maturity self-ratings (issue 20.4) and nothing else of
the scan: not their ratings of the team, not a colleague's."""

from __future__ import annotations

import html
from typing import Any

import pytest
import requests
from support.room import Room
from test_persons import keep_link, programme
from test_portfolio import participant_session


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


def test_the_portfolio_shows_only_the_persons_own_self_ratings(server: Any,
                                                               facilitator_token: str) -> None:
    room = Room(server, facilitator_token, title="Scan")
    try:
        programme(server, room.code)
        item = room.add_item("maturity_scan", "Scan")
        room.ok(room.fac, "agenda.goto", item_id=item)
        room.ok(room.fac, "maturity_scan.open", item_id=item)
        ann, bob = room.phone("Ann"), room.phone("Bob")
        room.ok(ann, "maturity_scan.rate", statement="own_judgement", about="self", value=4)
        room.ok(ann, "maturity_scan.rate", statement="own_judgement", about="team", value=2)
        room.ok(bob, "maturity_scan.rate", statement="reflective", about="self", value=1)
        link = keep_link(server, participant_session(room, ann), room.code)
        page = html.unescape(requests.get(server.url + link, timeout=10).text)
        assert 'data-section="maturity"' in page
        assert "Handelt op eigen professioneel oordeel" in page and "4 van 5" in page
        assert "Kijkt kritisch" not in page  # Bob's
        assert "2 van 5" not in page  # her rating of the team
    finally:
        room.close()
