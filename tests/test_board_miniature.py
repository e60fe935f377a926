"""The control page shows the board itself, small and live (issue 14, point 6): the
miniature is the board screen in a frame, following the room; only the board's own
origin may frame it. Real server, Debian's Chromium."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from playwright.sync_api import expect
from support import Room
from support.pages import control_page

pytestmark = pytest.mark.browser

WAIT = 15_000


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


def test_the_control_page_shows_the_board_live_and_small(server: Any, facilitator_token: str,
                                                        clients: Any, browser: Any) -> None:
    room = Room(server, facilitator_token, clients=clients, title="Werkconferentie Noord",
                agenda="dilemmas")
    room.goto("dilemma_collect")
    control = control_page(browser, server, room.ws["control_url"])
    mini = control.frame_locator(".board-mini iframe")
    title = room.fac.sync()["control"]["item"]["title"]
    expect(mini.locator("#activity-title")).to_have_text(title, timeout=WAIT)
    # It follows the room like the beamer does.
    room.goto("dilemma_vote")
    title = room.fac.sync()["control"]["item"]["title"]
    expect(mini.locator("#activity-title")).to_have_text(title, timeout=WAIT)
    # Small: the whole 16:9 board in a box of the side panel, not a second page.
    box = control.locator(".board-mini-frame").bounding_box()
    assert box["width"] <= 340 and box["height"] <= 200, box
    control.context.close()


def test_only_the_boards_own_origin_may_frame_it(server: Any, facilitator_token: str,
                                                 clients: Any) -> None:
    room = Room(server, facilitator_token, clients=clients, title="Teamdag", agenda="welcome")
    board = requests.get(room.ws["board_url"], timeout=10)
    assert board.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in board.headers["Content-Security-Policy"]
    join = requests.get(room.ws["join_url"], timeout=10)
    assert join.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in join.headers["Content-Security-Policy"]
