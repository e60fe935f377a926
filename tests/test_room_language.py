"""The facilitator changes the room's language at any time (issue 16, point 5): the board
and every phone follow it, what a phone had typed stays, and the control page keeps its
user's own language. Real server, Debian's Chromium."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from support import Room
from support.pages import control_page
from support.shots import screenshot

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
    room.add_item("welcome", "Typed by the facilitator: Dilemma's")
    control = control_page(browser, server, room.ws["control_url"])
    control.wait_for_selector("body[data-connection=online]")
    control_lang = control.evaluate("document.documentElement.lang")

    board = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    board.goto(room.ws["board_url"])
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(room.ws["join_url"])
    screenshot(phone, "language-join-nl")
    phone.fill("#name", "Pim")
    phone.click("button[type=submit]:not([name=anonymous])")
    expect(phone.locator("#dc-situation")).to_be_visible(timeout=WAIT)
    expect(phone.locator("[data-role=send]")).to_have_text("Dilemma versturen")
    phone.fill("#dc-situation", "Half getypt toen de zaal van taal wisselde")
    expect(board.locator("#activity-title")).not_to_be_empty(timeout=WAIT)
    screenshot(board, "language-board-nl")
    screenshot(phone, "language-phone-nl")

    control.select_option("#room-language", "en")
    for page in (board, phone):
        page.wait_for_function("() => document.documentElement.lang === 'en'", timeout=WAIT)
        page.wait_for_selector("body[data-connection=online]", timeout=WAIT)
    expect(phone.locator("[data-role=send]")).to_have_text("Send dilemma", timeout=WAIT)
    expect(phone.locator("#dc-situation")).to_have_value(
        "Half getypt toen de zaal van taal wisselde")
    # The ready-made titles follow the room's language; a typed one stays as typed.
    expect(board.locator("#activity-title")).to_have_text("Collect dilemmas", timeout=WAIT)
    expect(phone.locator("#activity-title")).to_have_text("Collect dilemmas", timeout=WAIT)
    titles = [row["title"] for row in server.db_rows(
        "SELECT title FROM agenda_items WHERE workshop_id = (SELECT id FROM workshops"
        " WHERE code = ?) ORDER BY position", (room.code,))]
    assert "Welcome" in titles and "Typed by the facilitator: Dilemma's" in titles
    screenshot(board, "language-board-en")
    screenshot(phone, "language-phone-en")
    newcomer = browser.new_context(**PHONE).new_page()
    newcomer.goto(room.ws["join_url"])
    expect(newcomer.locator("html")).to_have_attribute("lang", "en")
    screenshot(newcomer, "language-join-en")
    newcomer.context.close()
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


def _own_language(server: Any) -> str | None:
    rows = server.db_rows("SELECT language FROM participants WHERE name = 'Pim van Zuid'")
    assert len(rows) == 1
    return rows[0]["language"]


def _seq(page: Any) -> int:
    return page.evaluate("window.facilitatorLive.views.phone || 0")


def test_a_phone_speaks_its_own_language_whatever_the_rooms(server: Any, facilitator_token: str,
                                                            clients: Any, browser: Any) -> None:
    room = Room(server, facilitator_token, clients=clients, title="Werkconferentie Zuid",
                agenda="dilemmas", language="nl")
    room.goto("dilemma_collect")
    phones = {}
    for name in ("Pim van Zuid", "Ans"):
        page = browser.new_context(**PHONE).new_page()
        page.goto(room.ws["join_url"])
        page.fill("#name", name)
        page.click("button[type=submit]:not([name=anonymous])")
        expect(page.locator("#dc-situation")).to_be_visible(timeout=WAIT)
        phones[name] = page
    pim, ans = phones["Pim van Zuid"], phones["Ans"]
    pim.fill("#dc-situation", "Half getypt toen ik van taal wisselde")

    # Pim switches to English with the button named in English: only Pim's screen changes.
    expect(pim.locator("#phone-language")).to_have_text("English")
    pim.click("#phone-language")
    pim.wait_for_function("() => document.documentElement.lang === 'en'", timeout=WAIT)
    pim.wait_for_selector("body[data-connection=online]", timeout=WAIT)
    expect(pim.locator("[data-role=send]")).to_have_text("Send dilemma", timeout=WAIT)
    expect(pim.locator("#activity-title")).to_have_text("Collect dilemmas")  # ready-made
    expect(ans.locator("#activity-title")).to_have_text("Dilemma's verzamelen")
    expect(pim.locator("#dc-situation")).to_have_value("Half getypt toen ik van taal wisselde")
    expect(pim.locator("#phone-language")).to_have_text("Nederlands")
    assert _own_language(server) == "en"

    # A push after the switch reaches both phones, each in its own language.
    before = {name: _seq(page) for name, page in phones.items()}
    room.fac.act("workshop.rename", {"title": "Werkconferentie Zuid-Oost"})
    for name, page in phones.items():
        page.wait_for_function("n => (window.facilitatorLive.views.phone || 0) > n",
                               arg=before[name], timeout=WAIT)
    expect(pim.locator("[data-role=send]")).to_have_text("Send dilemma")
    expect(ans.locator("[data-role=send]")).to_have_text("Dilemma versturen")
    assert ans.evaluate("document.documentElement.lang") == "nl"

    # The room's language changes twice: Ans follows it, Pim keeps English without a reload.
    pim.evaluate("window.notReloaded = true")
    for language, send in (("en", "Send dilemma"), ("nl", "Dilemma versturen")):
        seq = _seq(pim)
        room.fac.act("workshop.language", {"language": language})
        ans.wait_for_function(f"() => document.documentElement.lang === '{language}'",
                              timeout=WAIT)
        expect(ans.locator("[data-role=send]")).to_have_text(send, timeout=WAIT)
        pim.wait_for_function("n => (window.facilitatorLive.views.phone || 0) > n", arg=seq,
                              timeout=WAIT)
        assert pim.evaluate("window.notReloaded === true")
        expect(pim.locator("[data-role=send]")).to_have_text("Send dilemma")

    # Bad input changes nothing.
    ack = pim.evaluate(
        "window.facilitatorLive.act('participant.language', {language: 'fr'})")
    assert not ack["ok"] and ack["error"]["code"] == "invalid"
    assert _own_language(server) == "en"

    # Choosing the room's language again means following the room.
    pim.click("#phone-language")
    pim.wait_for_function("() => document.documentElement.lang === 'nl'", timeout=WAIT)
    expect(pim.locator("#dc-situation")).to_have_value("Half getypt toen ik van taal wisselde")
    assert _own_language(server) is None
    for page in phones.values():
        page.context.close()
