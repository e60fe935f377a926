"""The facilitator's agreement cards (issue 18): a declined agreement is struck through,
but its buttons (edit, withdraw, merge) are not, so they don't look unusable. Real
server, Debian's Chromium."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect
from support import Room
from support.pages import control_page

pytestmark = pytest.mark.browser

# Whether the element or one of its ancestors up to the card strikes its text through
# (text-decoration is drawn through the descendants, but not inherited in their style).
STRUCK = """(node) => {
  for (let el = node; el && !el.matches("li[data-id]"); el = el.parentElement) {
    if (getComputedStyle(el).textDecorationLine.includes("line-through")) return true;
  }
  return getComputedStyle(node.closest("li[data-id]")).textDecorationLine.includes("line-through");
}"""


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


def test_a_declined_agreement_is_struck_through_but_its_buttons_are_not(
        server: Any, facilitator_token: str, clients: Any, browser: Any) -> None:
    room = Room(server, facilitator_token, clients=clients, title="Teamdag afspraken",
                agenda="welcome")
    room.goto("welcome")
    item = room.add_item("agreements", "Afspraken")
    room.ok(room.fac, "agenda.goto", item_id=item)
    ann, bram = room.phone("Ann de Vries"), room.phone("Bram Jansen")
    agreement = room.ok(ann, "agreements.propose", owner_id=ann.participant_id,
                        what="We sluiten elk overleg af met een actiepunt",
                        with_ids=[bram.participant_id], check_how="", manager_visible=True,
                        due_date=(date.today() + timedelta(days=14)).isoformat()
                        )["result"]["agreement_id"]
    room.ok(bram, "agreements.decline", agreement_id=agreement, reason="Niet haalbaar")

    control = control_page(browser, server, room.ws["control_url"])
    card = control.locator(f"[data-list=agreements] li[data-id='{agreement}']")
    expect(card).to_have_class("card status-declined", timeout=15_000)
    assert card.locator("p").first.evaluate(STRUCK)  # the agreement reads as declined
    buttons = card.locator(".buttons button")
    assert buttons.count() >= 2
    for n in range(buttons.count()):
        assert not buttons.nth(n).evaluate(STRUCK), buttons.nth(n).text_content()
    control.context.close()


def test_agreed_by_the_room_shows_on_the_card_at_once(
        server: Any, facilitator_token: str, clients: Any, browser: Any) -> None:
    """Issue 18: after "Afgesproken door de groep" (an agreement naming nobody present) the
    board and phones said "afgesproken", but the control card kept "voorgesteld" and its
    button until a reload (the clicked button kept the focus, and the list was not
    redrawn under it)."""
    room = Room(server, facilitator_token, clients=clients, title="Teamdag afspraken",
                agenda="welcome")
    item = room.add_item("agreements", "Afspraken")
    room.ok(room.fac, "agenda.goto", item_id=item)
    ann = room.phone("Ann de Vries")
    agreement = room.ok(ann, "agreements.propose", owner_id=0, owner_text="Het hele team",
                        what="We beginnen elk overleg op tijd", with_ids=[], check_how="",
                        manager_visible=True,
                        due_date=(date.today() + timedelta(days=14)).isoformat()
                        )["result"]["agreement_id"]
    control = control_page(browser, server, room.ws["control_url"])
    card = control.locator(f"[data-list=agreements] li[data-id='{agreement}']")
    expect(card).to_have_class("card status-proposed", timeout=15_000)
    agree = card.get_by_role("button", name="Afgesproken door de groep")
    agree.click()
    # The server has it: the card follows without a reload, and its button is gone.
    expect(card).to_have_class("card status-agreed", timeout=10_000)
    assert server.db_rows("SELECT status FROM agreements WHERE id = ?",
                          (agreement,))[0]["status"] == "agreed"
    expect(card.locator("p.status")).to_contain_text("afgesproken")
    expect(card.get_by_role("button", name="Afgesproken door de groep")).to_have_count(0)
    # The keyboard is not left on nothing: the focus stays on the card's tools.
    assert control.evaluate("() => !!document.activeElement.closest('li[data-id]')")
    control.context.close()
