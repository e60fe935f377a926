"""The whole follow-up in browsers: two phones make an agreement and confirm it, the
board shows it, the team's manager marks it done, the next workshop shows it."""

from __future__ import annotations

import pytest
from agreements_support import team_id, tomorrow
from playwright.sync_api import expect
from support import PASSWORD, screenshot

pytestmark = pytest.mark.browser

WHAT = "Zoë bespreekt één keer per week de overdracht"


def _login(browser, server, email):
    page = browser.new_context().new_page()
    page.goto(server.url + "/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    return page


def _phone(browser, ws, name):
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto(ws["join_url"])
    page.fill("#name", name)
    page.click("text=Meedoen met mijn naam")
    return page


def test_agreement_from_phones_to_manager_to_next_workshop(server, facilitator_token, browser):
    server.add_user("m@x.nl", "manager", teams=("Wijkteam Noord",), name="Mirjam")
    tid = team_id(server)
    ws = server.create_workshop(facilitator_token, title="Teamdag maart", agenda="team_agreements",
                                team_id=tid)
    fac = _login(browser, server, "fac@example.nl")
    errors: list[str] = []
    fac.on("pageerror", lambda e: errors.append(str(e)))
    fac.goto(ws["control_url"])
    fac.click("#open")
    ann, bob = _phone(browser, ws, "Ann"), _phone(browser, ws, "Bob")
    for page in (ann, bob):
        page.on("pageerror", lambda e: errors.append(str(e)))
    fac.wait_for_selector("#people li:has-text('Bob')")
    fac.click("#agenda button:has-text('Nieuwe afspraken')")
    board = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    board.goto(ws["board_url"])
    board.wait_for_selector("#activity-title:has-text('Nieuwe afspraken')")

    # Ann proposes on her phone: she does it, with Bob.
    ann.wait_for_selector("#activity-title:has-text('Nieuwe afspraken')")
    ann.click("summary:has-text('Een afspraak voorstellen')")
    ann.get_by_label("Wat wordt er gedaan?").fill(WHAT)
    ann.get_by_label("Wie doet het?").select_option(label="Ann")
    ann.get_by_label("Bob").check()
    ann.get_by_label("Uiterlijk wanneer?").fill(tomorrow(7))
    ann.get_by_label("Hoe en wanneer checken we het?").fill("In het teamoverleg van april")
    ann.click("button:has-text('Afspraak voorstellen')")
    expect(ann.locator("[data-form=agreement] [data-field=status]")).to_contain_text("Voorgesteld")
    expect(board.locator(".board-agreements")).to_contain_text(WHAT)
    expect(board.locator(".board-agreements")).to_contain_text("voorgesteld")

    # Both confirm on their own phones.
    for phone in (ann, bob):
        card = phone.locator("[data-part=answer] li", has_text=WHAT)
        card.get_by_role("button", name="Ik bevestig").click()
        expect(phone.locator("[data-part=answer]")).to_be_hidden()
    expect(board.locator(".board-agreements li", has_text=WHAT)).to_contain_text("afgesproken")
    expect(board.locator(".board-agreements li", has_text=WHAT)).to_contain_text("2 van 2")
    screenshot(board, "agreements-board")
    agreement_id = server.db_rows("SELECT id FROM agreements WHERE what = ?", (WHAT,))[0]["id"]

    # The team's manager logs in, lands on the review, finds it and marks it done.
    manager = _login(browser, server, "m@x.nl")
    expect(manager).to_have_url(server.url + "/review")
    row = manager.locator(f"tr[data-agreement='{agreement_id}']")
    expect(row).to_contain_text("Ann")
    expect(row).to_contain_text("Bob")
    expect(row).to_contain_text("afgesproken")
    manager.set_viewport_size({"width": 1200, "height": 700})
    screenshot(manager, "review")
    row.get_by_role("link", name=WHAT).click()
    manager.get_by_label("Nieuwe status").select_option("done")
    manager.get_by_label("Notitie").fill("Loopt goed; Zoë houdt het bij")
    manager.click("button:has-text('Status opslaan')")
    expect(manager.locator("#status")).to_have_text("gedaan")
    expect(manager.locator(".history")).to_contain_text("Loopt goed; Zoë houdt het bij")

    # The team's next workshop opens with the open agreements review, which shows it.
    ws2 = server.create_workshop(facilitator_token, title="Teamdag april",
                                 agenda="team_agreements", team_id=tid)
    fac.goto(ws2["control_url"])
    fac.click("#open")
    board2 = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    board2.goto(ws2["board_url"])
    item = board2.locator(".board-agreements li", has_text=WHAT)
    expect(board2.locator("#activity-title")).to_have_text("Open afspraken")
    expect(item).to_contain_text("gedaan")
    expect(item).to_contain_text("Loopt goed; Zoë houdt het bij")
    expect(item).to_contain_text("Teamdag maart")
    # The facilitator can still review it there, with a note.
    card = fac.locator("#activity-body li", has_text=WHAT)
    card.get_by_label("Hoe staat het ervoor?").select_option("open")
    card.get_by_label("Notitie (mag leeg)").fill("Toch nog niet elke week")
    card.get_by_role("button", name="Opslaan").click()
    expect(item).to_contain_text("nog open")
    expect(item).to_contain_text("Toch nog niet elke week")
    history = server.db_rows("SELECT status, note FROM agreement_history WHERE agreement_id = ?"
                             " ORDER BY id", (agreement_id,))
    assert [h["status"] for h in history] == ["proposed", "agreed", "done", "open"]
    assert errors == []


def test_feedback_between_two_phones(server, facilitator_token, browser):
    ws = server.create_workshop(facilitator_token, title="Aanspreken", agenda="team_agreements",
                                team_id=team_id(server))
    fac = _login(browser, server, "fac@example.nl")
    fac.goto(ws["control_url"])
    fac.click("#open")
    ann, bob = _phone(browser, ws, "Ann"), _phone(browser, ws, "Bob")
    fac.wait_for_selector("#people li:has-text('Bob')")
    fac.click("#agenda button:has-text('Aanspreken')")
    board = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    board.goto(ws["board_url"])
    expect(board.locator(".four-g-parts")).to_contain_text("Gedrag")
    ann.wait_for_selector("#activity-title:has-text('Aanspreken')")
    errors = []
    ann.on("pageerror", lambda e: errors.append(str(e)))
    ann.get_by_label("Aan wie?").focus()
    ann.get_by_label("Aan wie?").select_option(label="Bob")
    ann.get_by_label("Gedrag: wat zag of hoorde je?").fill("Je hielp me met het rooster")
    ann.get_by_label("Gevolg: wat was het effect?").fill("Ik was op tijd klaar")
    ann.get_by_label("Gewenst gedrag: wat zou je liever zien?").fill("Blijf dat doen")
    ann.click("button:has-text('Feedback versturen')")
    expect(ann.locator("[data-part=sent]")).to_contain_text("Je hielp me met het rooster")
    received = bob.locator("[data-part=received] li", has_text="Je hielp me met het rooster")
    expect(received).to_contain_text("Van Ann")
    received.get_by_label("Een vraag").check()
    received.locator("textarea").fill("Welk rooster bedoel je?")
    received.get_by_role("button", name="Antwoord").click()
    expect(ann.locator("[data-part=sent]")).to_contain_text("Hun vraag: Welk rooster bedoel je?")
    expect(board.locator("[data-field=counts]")).to_have_text("1 aan collega's · 0 aan het team")
    expect(fac.locator("#activity-body [data-field=counts]")).to_contain_text("1 aan collega's")
    assert "Je hielp me" not in board.content() and "Je hielp me" not in fac.content()
    expect(received.locator("form")).to_be_hidden()  # one answer per feedback
    bob.locator("#fb-received-title").evaluate("node => node.scrollIntoView()")
    screenshot(bob, "feedback-phone")
    assert errors == []
