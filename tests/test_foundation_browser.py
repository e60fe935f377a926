"""The foundation end to end: Chromium drives a facilitator, a board and three phones
against the real server, which is killed (SIGKILL) and restarted in the middle.

What it shows: a workshop is created through the UI; the board (opened from the control
page's link) and the phones follow the agenda; a reloaded phone keeps its identity; after
a crash every screen recovers and follows later changes; an action taken while the
server was down waits in the outbox and is stored exactly once.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import expect
from support import PASSWORD, Server, screenshot

pytestmark = pytest.mark.browser

FAC = "fac@example.nl"
WAIT = 20_000  # ms; reconnecting after a restart backs off up to 5 s
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def shows(page: Any, selector: str, text: str) -> None:
    expect(page.locator(selector)).to_have_text(text, timeout=WAIT)


def title_is(page: Any, text: str) -> None:
    shows(page, "#activity-title", text)


def join(browser: Any, server: Server, code: str, name: str | None) -> Any:
    """A phone joins the way a person does: /join, type the code, then a name or not."""
    page = browser.new_context(**PHONE).new_page()
    page.goto(server.url + "/join")
    page.fill("#code", code.lower())  # typed in lower case on a phone keyboard
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_url(f"**/j/{code}")
    if name is None:
        page.get_by_role("button", name="Anoniem meedoen").click()
    else:
        page.fill("#name", name)
        page.get_by_role("button", name="Meedoen met mijn naam").click()
    page.wait_for_url(f"**/w/{code}/phone")
    return page


def roster(control: Any) -> list[str]:
    return [li.inner_text() for li in control.locator("#people li").all()]


def wait_online(page: Any) -> None:
    page.wait_for_selector("body[data-connection=online]", timeout=WAIT)


def test_workshop_survives_reloads_and_a_server_crash(server: Server, browser: Any) -> None:
    server.add_user(FAC, "facilitator", teams=("Wijkteam Noord",), name="Fatima")

    # --- the facilitator logs in and creates a workshop through the form ---------------
    control = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    control.goto(server.url + "/login")
    control.fill("#email", FAC)
    control.fill("#password", PASSWORD)
    control.get_by_role("button", name="Inloggen").click()
    control.wait_for_url("**/workshops")
    control.get_by_role("link", name="Nieuwe sessie").click()
    control.wait_for_url("**/workshops/new")
    control.fill("#title", "Werkconferentie Zorg")
    control.select_option("#language", "nl")
    control.select_option("#team", label="Wijkteam Noord")
    control.get_by_role("button", name="Sessie aanmaken").click()
    control.wait_for_url("**/w/*/control")
    code = control.locator("#code").inner_text()
    (stored,) = server.db_rows("SELECT * FROM workshops WHERE code = ?", (code,))
    assert stored["title"] == "Werkconferentie Zorg" and stored["status"] == "draft"
    (team,) = server.db_rows("SELECT name FROM teams WHERE id = ?", (stored["team_id"],))
    assert team["name"] == "Wijkteam Noord"
    wait_online(control)

    # Two more agenda items through the control page's live object, then open.
    for title in ("Dilemma's verzamelen", "Afsluiting"):
        ack = control.evaluate(
            "t => window.facilitatorLive.act('agenda.add', {kind: 'welcome', title: t})", title
        )
        assert ack["ok"], ack
    expect(control.locator("#agenda li")).to_have_count(3)
    control.get_by_role("button", name="Open de sessie").click()
    shows(control, "#status", "open")
    control.fill("#welcome-text", "Fijn dat jullie er zijn.")
    control.get_by_role("button", name="Tekst opslaan").click()

    # --- the board opens from the control page's link, in its own context ------------
    board_url = control.locator("#board-link").get_attribute("href")
    assert board_url.startswith(server.url + "/board/")
    board = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    board.goto(board_url)
    title_is(board, "Welkom")
    shows(board, ".board-text", "Fijn dat jullie er zijn.")
    assert board.locator(".join-code").inner_text() == code

    # --- three phones join, one anonymously --------------------------------------------
    phones = [join(browser, server, code, name) for name in ("Ann", "Bram", None)]
    for phone in phones:
        title_is(phone, "Welkom")
        shows(phone, "[data-field=text]", "Fijn dat jullie er zijn.")
    assert [p.locator("#me").inner_text() for p in phones] == ["Ann", "Bram", "Anoniem"]
    shows(board, "#people", "3 deelnemers")
    expect(control.locator("#people li.online")).to_have_count(3, timeout=WAIT)
    people = roster(control)
    assert [p.split()[0] for p in people] == ["Ann", "Bram", "Anoniem"]
    # The board shows a count, never the names.
    assert "Ann" not in board.content() and "Bram" not in board.content()

    # --- the facilitator moves the agenda; board and phones follow --------------------
    control.get_by_role("button", name="Volgende").click()
    title_is(board, "Dilemma's verzamelen")
    shows(board, "#step", "Stap 2 van 3")
    for phone in phones:
        title_is(phone, "Dilemma's verzamelen")

    # --- a phone reloads and is still the same participant ------------------------------
    ann_id = server.db_rows("SELECT id FROM participants WHERE name = 'Ann'")[0]["id"]
    phones[0].reload()
    title_is(phones[0], "Dilemma's verzamelen")
    assert phones[0].locator("#me").inner_text() == "Ann"
    wait_online(phones[0])
    expect(control.locator("#people li.online")).to_have_count(3, timeout=WAIT)
    assert len(roster(control)) == 3
    rows = server.db_rows("SELECT id, name FROM participants ORDER BY id")
    assert [r["name"] for r in rows] == ["Ann", "Bram", None]
    assert rows[0]["id"] == ann_id
    # Going back to /join with the code leads the known phone straight to its page.
    phones[0].goto(f"{server.url}/j/{code}")
    phones[0].wait_for_url(f"**/w/{code}/phone")
    title_is(phones[0], "Dilemma's verzamelen")
    assert len(server.db_rows("SELECT id FROM participants")) == 3

    # --- the server crashes; the facilitator presses "next" while it is down -------------
    server.kill()
    for page in (control, board, *phones):
        page.wait_for_selector("body[data-connection=offline]", timeout=WAIT)
    control.get_by_role("button", name="Volgende").click()
    outbox_key = f"facilitator:outbox:control:{code}"
    outbox = json.loads(control.evaluate("k => localStorage.getItem(k)", outbox_key))
    assert [item["op"] for item in outbox] == ["agenda.next"]
    op_id = outbox[0]["op_id"]
    # The page tells the facilitator something is waiting.
    control.wait_for_selector("#connection:has-text('1')")

    # --- it comes back on the same port: every screen recovers by itself ---------------
    server.start()
    for page in (control, board, *phones):
        wait_online(page)
    title_is(board, "Afsluiting")
    shows(board, "#step", "Stap 3 van 3")
    for phone in phones:
        title_is(phone, "Afsluiting")
    control.wait_for_selector("#agenda li.current:has-text('Afsluiting')", timeout=WAIT)
    shows(control, "#connection", "Verbonden")
    assert json.loads(control.evaluate("k => localStorage.getItem(k)", outbox_key)) == []
    events = server.db_rows("SELECT op, seq FROM events WHERE op_id = ?", (op_id,))
    assert [e["op"] for e in events] == ["agenda.next"]
    nexts = server.db_rows("SELECT op_id FROM events WHERE op = 'agenda.next'")
    assert len(nexts) == 2  # the one before the crash and the one from the outbox
    (after,) = server.db_rows("SELECT * FROM workshops WHERE code = ?", (code,))
    assert after["seq"] == events[0]["seq"]
    # Phones are online again in the facilitator's list, still three, still themselves.
    expect(control.locator("#people li.online")).to_have_count(3, timeout=WAIT)
    assert [p.split()[0] for p in roster(control)] == ["Ann", "Bram", "Anoniem"]
    assert [p.locator("#me").inner_text() for p in phones] == ["Ann", "Bram", "Anoniem"]

    # --- a change after the restart reaches everyone -------------------------------------
    control.get_by_role("button", name="Vorige").click()
    title_is(board, "Dilemma's verzamelen")
    for phone in phones:
        title_is(phone, "Dilemma's verzamelen")
    control.fill("#welcome-text", "Schrijf je dilemma op.")
    control.get_by_role("button", name="Tekst opslaan").click()
    shows(board, ".board-text", "Schrijf je dilemma op.")
    for phone in phones:
        shows(phone, "[data-field=text]", "Schrijf je dilemma op.")
    assert len(server.db_rows("SELECT id FROM participants")) == 3

    # A timer started from the control page runs on every screen (for the screenshots too).
    control.fill("#timer-minutes", "10")
    control.get_by_role("button", name="Start").click()
    for page in (board, *phones):
        expect(page.locator("#timer")).to_be_visible(timeout=WAIT)
        expect(page.locator("#timer .timer-value")).to_have_text(re.compile(r"^(10:00|9:\d\d)$"))
    screenshot(board, "board")
    screenshot(phones[0], "phone")
    screenshot(control, "control")
    assert "Traceback" not in server.log.read_text()
