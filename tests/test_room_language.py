"""The facilitator changes the room's language at any time (issue 16, point 5): the board
and every phone follow it, what a phone had typed stays, and the control page keeps its
user's own language. Real server, Debian's Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from support import Room
from support.pages import control_page

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
WAIT = 15_000


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


def test_the_board_and_phones_follow_the_rooms_language(server: Any, facilitator_token: str,
                                                        clients: Any, browser: Any) -> None:
    room = Room(server, facilitator_token, clients=clients, title="Werkconferentie Noord",
                agenda="dilemmas", language="nl")
    room.goto("dilemma_collect")
    control = control_page(browser, server, room.ws["control_url"])
    control.wait_for_selector("body[data-connection=online]")
    control_lang = control.evaluate("document.documentElement.lang")

    board = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    board.goto(room.ws["board_url"])
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(room.ws["join_url"])
    phone.fill("#name", "Pim")
    phone.click("button[type=submit]:not([name=anonymous])")
    expect(phone.locator("#dc-situation")).to_be_visible(timeout=WAIT)
    expect(phone.locator("[data-role=send]")).to_have_text("Dilemma versturen")
    phone.fill("#dc-situation", "Half getypt toen de zaal van taal wisselde")

    control.select_option("#room-language", "en")
    for page in (board, phone):
        page.wait_for_function("() => document.documentElement.lang === 'en'", timeout=WAIT)
        page.wait_for_selector("body[data-connection=online]", timeout=WAIT)
    expect(phone.locator("[data-role=send]")).to_have_text("Send dilemma", timeout=WAIT)
    expect(phone.locator("#dc-situation")).to_have_value(
        "Half getypt toen de zaal van taal wisselde")
    expect(board.locator("#activity-title")).not_to_be_empty()
    assert server.db_rows("SELECT language FROM workshops WHERE code = ?",
                          (room.code,))[0]["language"] == "en"
    # The control page speaks its user's language, whatever the room's.
    assert control.evaluate("document.documentElement.lang") == control_lang
    expect(control.locator("#room-language")).to_have_value("en")

    # Bad input changes nothing.
    ack = room.fac.act("workshop.language", {"language": "fr"})
    assert not ack["ok"] and ack["error"]["code"] == "invalid"
    assert server.db_rows("SELECT language FROM workshops WHERE code = ?",
                          (room.code,))[0]["language"] == "en"
    for page in (control, board, phone):
        page.context.close()
