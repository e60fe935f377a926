"""The maturity scan in the browser, through the real server (issue 20): a phone rates at
360 px by touch and by keyboard, the board's pillar view of a room of 60 raters shows
the stored distributions and the change since the team's previous scan, legible from the
back of the room at 16:9 and 4:3 (tests/test_board_legible.py's walk), and the
screenshots of docs/screenshots/board-maturity-*.png."""

from __future__ import annotations

from typing import Any

import pytest
from maturity_support import KEYS, bulk, expected, scan_room
from support.pages import control_page, settle_page
from support.shots import screenshot
from test_board_legible import walk

pytestmark = pytest.mark.browser

SIZES = {"16x9": (1920, 1080), "4x3": (1024, 768)}
NAMES = [f"Deelnemer {n} van der Heijden-Bouwmeester" for n in range(59)]


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


def counts_on(board: Any, area: str, about: str) -> list[int]:
    return [int(t) for t in board.locator(
        f".ms-area[data-area={area}] [data-about={about}] .ms-count").all_text_contents()]


def test_phone_rates_and_the_board_shows_the_rooms_distribution(
        server: Any, facilitator_token: str, clients: Any, browser: Any) -> None:
    # The team's scan in the spring, revealed: what the autumn is compared with.
    spring = scan_room(server, facilitator_token, "Volwassenheidsscan voorjaar", clients)
    bulk(server, spring, spring.items["maturity_scan"], NAMES[:40], seed=1, lift=-0.4)
    spring.ok(spring.fac, "maturity_scan.reveal", item_id=spring.items["maturity_scan"])

    room = scan_room(server, facilitator_token, "Volwassenheidsscan najaar", clients)
    item = room.items["maturity_scan"]
    room.ok(room.fac, "maturity_scan.open", item_id=item)
    bulk(server, room, item, NAMES, seed=2)

    # The sixtieth person on a phone, one-handed at 360 px.
    joined = server.join(room.code, "Zoë van den Berg-Oosterhout")
    phone_ctx = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True)
    host = server.url.split("//")[1].split(":")[0]
    phone_ctx.add_cookies([{"name": f"ftok_{room.code}", "value": joined["token"],
                            "domain": host, "path": "/"}])
    phone = phone_ctx.new_page()
    phone.goto(f"{server.url}/w/{room.code}/phone")
    settle_page(phone)
    first = phone.locator(f"[data-statement={KEYS[0]}]")
    # Touch: tap 4 about yourself. Keyboard: focus the team's 2, arrow on to 3.
    first.locator("[data-about=self] label.ms-choice").nth(3).tap()
    first.locator("[data-about=team] input").nth(1).focus()
    phone.keyboard.press("Space")
    phone.keyboard.press("ArrowRight")
    for key in KEYS[1:]:
        card = phone.locator(f"[data-statement={key}]")
        card.locator("[data-about=self] label.ms-choice").nth(4).tap()
        card.locator("[data-about=team] label.ms-choice").nth(0).tap()
    phone.wait_for_function("() => !window.facilitatorLive.outbox.length")
    phone.wait_for_function(f"() => document.querySelector('[data-field=rated]').textContent"
                            f".startsWith('{len(KEYS)}')")
    mine = {(r["statement"], r["about"]): r["value"] for r in server.db_rows(
        "SELECT statement, about, value FROM maturity_ratings WHERE participant_id = ?",
        (joined["participant_id"],))}
    assert mine[(KEYS[0], "self")] == 4 and mine[(KEYS[0], "team")] == 3
    assert all(mine[(k, "self")] == 5 and mine[(k, "team")] == 1 for k in KEYS[1:])
    box = first.locator("label.ms-choice").first.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44
    width = phone.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= 360, f"the phone scrolls sideways: {width}px"
    phone.locator(f"[data-statement={KEYS[0]}]").scroll_into_view_if_needed()
    screenshot(phone, "maturity-phone-360")

    boards = {}
    for size, (width, height) in SIZES.items():
        page = browser.new_context(viewport={"width": width, "height": height}).new_page()
        page.goto(server.url + "/board/" + room.ws["board_url"].rsplit("/", 1)[1])
        page.wait_for_function("() => document.body.dataset.connection === 'online'")
        boards[size] = page
    for size, page in boards.items():
        settle_page(page)
        assert page.locator("[data-field=raters]").text_content() == "60 hebben gescoord"
        assert page.locator(".ms-hist").count() == 0  # nothing but the count until the reveal
        walk(page, f"{size} before the reveal")

    room.ok(room.fac, "maturity_scan.reveal", item_id=item)
    want = expected(server, item)
    for turn, areas in ((1, ("personal", "collective", "connective")),
                        (2, ("space", "support", "steering"))):
        room.ok(room.fac, "board.page", page=turn)
        for size, page in boards.items():
            settle_page(page)
            page.wait_for_function("(want) => document.querySelector('#board-paging')"
                                   ".textContent === want", arg=f"{turn} / 2")
            for area in areas:
                for about in ("self", "team"):
                    assert counts_on(page, area, about) == want[area][about]["counts"], (
                        size, area, about)
            assert "Vergeleken met: Volwassenheidsscan voorjaar" in page.locator(
                "[data-field=previous]").text_content()
            assert page.locator(".ms-change").count() == 3
            walk(page, f"{size} areas, page {turn}")
            if turn == 1:
                screenshot(page, f"board-maturity-{size}")
    room.ok(room.fac, "maturity_scan.board", item_id=item, show="disagree")
    for size, page in boards.items():
        settle_page(page)
        page.wait_for_selector(".ms-disagree-row")
        assert page.locator(".ms-disagree-row").count() == 4
        walk(page, f"{size} where we disagree")
        screenshot(page, f"board-maturity-disagree-{size}")
    # The control page: the results, and the statement the room disagrees about most made
    # an agreement with one click.
    control = control_page(browser, server, room.ws["control_url"])
    settle_page(control)
    top = room.fac.sync()["control"]["item"]["view"]["results"]["disagree"][0]
    control.locator(f"[data-list=results] [data-key=agree-{top['key']}]").click()
    control.wait_for_selector(f"[data-list=results] li:has-text('{top['text']}') .badge")
    made = server.db_rows("SELECT what FROM agreements WHERE workshop_id = ? AND"
                          " source = 'maturity_scan'", (room.workshop_id(),))
    assert [r["what"] for r in made] == [f"We werken aan: {top['text']}"]
    screenshot(control, "control-maturity")
    control.context.close()
    # In English too, the words of the board follow the room's language: the board loads
    # its page again in it, so wait for the page in English (a wait that outlives the
    # reload) before asking the page anything.
    page = boards["4x3"]
    room.ok(room.fac, "workshop.language", language="en")
    page.wait_for_selector("html[lang=en] body[data-connection=online]")
    room.ok(room.fac, "maturity_scan.board", item_id=item, show="areas")
    room.ok(room.fac, "board.page", page=1)
    settle_page(page)
    page.wait_for_function("() => document.querySelector('.ms-area h3')?.textContent"
                           " === 'Personal'")
    walk(page, "4x3 areas in English")
    phone_ctx.close()
