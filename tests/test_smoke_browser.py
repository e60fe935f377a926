import pytest

from conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_phone_follows_board(server, facilitator_token, browser):
    ws = server.create_workshop(facilitator_token, title="Rooktest")
    fac = browser.new_context()
    page = fac.new_page()
    page.goto(server.url + "/login")
    page.fill("#email", "fac@example.nl")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.goto(ws["control_url"])
    page.click("#open")
    phone = browser.new_context().new_page()
    phone.goto(ws["join_url"])
    phone.fill("#name", "Ann")
    phone.click("text=Meedoen met mijn naam")
    phone.wait_for_selector("#activity-title:has-text('Welkom')")
    page.wait_for_selector("#people li:has-text('Ann')")
