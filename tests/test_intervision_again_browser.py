"""Issue 19 points 3 and 4 in the browser, one flow: after the round the case-holder's
phone (360 px) downloads her record, and offers it again once the workshop is closed; in
the programme's next workshop the facilitator matches last time's member by name on the
control page, and a returning member's phone shows last time's takeaway at the check-in."""

from __future__ import annotations

import pytest
from a11y_support import blocking_violations, report
from intervision_support import Room
from support import screenshot
from support.pages import control_page, settle_page
from test_intervision_again import _in_programme, _person, _programme

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}}


def _phone_page(browser, server, code: str, token: str):
    context = browser.new_context(**PHONE, accept_downloads=True)
    context.add_cookies([{"name": f"ftok_{code}", "value": token, "domain": "127.0.0.1",
                          "path": "/"}])
    page = context.new_page()
    page.goto(f"{server.url}/w/{code}/phone")
    settle_page(page)
    return page


def _accessible(page) -> None:
    violations = blocking_violations(page)
    assert not violations, report(violations)


def _one_handed(page, selector: str) -> None:
    """Within 360 px and a thumb's size."""
    box = page.locator(selector).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    assert box["height"] >= 44, box


def test_record_download_and_check_in_on_screens(server, facilitator_token, clients, browser):
    programme = _programme(server)
    first = Room(server, facilitator_token, clients, title="Leergang bijeenkomst 1")
    _in_programme(server, first, programme)
    g1, g2 = first.make_groups(size=3)
    holder = first.run_round(g1, "Bij mevrouw De Vries")["case_holder"]
    first.run_round(g2, "Tweede groep")
    persons = {pid: _person(server, programme, pid) for pid in first.phones}
    first.ok(first.fac, "intervision.groups_keep", item_id=first.item_id)
    names = {m["id"]: m["name"] for m in g1["members"]}

    # After the round: "Download mijn verslag", one-handed, and the file is hers.
    phone = _phone_page(browser, server, first.code, first.phones[holder].token)
    link = "[data-part=record] [data-link=record-text]"
    phone.wait_for_selector(link, state="visible")
    assert phone.locator(link).inner_text() == "Download mijn verslag"
    _one_handed(phone, link)
    phone.locator("[data-part=record]").scroll_into_view_if_needed()
    screenshot(phone, "intervision-record-phone")
    _accessible(phone)
    with phone.expect_download() as download:
        phone.click(link)
    assert download.value.suggested_filename == f"mijn-verslag-{first.code}.txt"
    text = open(download.value.path(), encoding="utf-8").read()
    assert "Jouw rol: Inbrenger" in text and "Vragen die je kreeg" in text
    assert "Tweede groep" not in text
    # The printable page, from the same phone.
    phone.click("[data-part=record] [data-link=record-page]")
    phone.wait_for_selector("article.record h1")
    assert "Wat ik ga doen" in phone.inner_text("article.record")
    screenshot(phone, "intervision-record-page")
    _accessible(phone)
    # Closed: the thank-you card offers the record (the server has one for this phone).
    first.ok(first.fac, "workshop.close")
    phone.goto(f"{server.url}/w/{first.code}/phone")
    phone.wait_for_selector("#closed #record a", state="visible")
    _one_handed(phone, "#closed #record a.primary")
    screenshot(phone, "intervision-record-closed")
    _accessible(phone)
    # A phone without a record is offered none (the server said 404).
    stranger = Room(server, facilitator_token, clients, people=1, title="Los")
    pid, phone_client = next(iter(stranger.phones.items()))
    stranger.ok(stranger.fac, "workshop.close")
    other = _phone_page(browser, server, stranger.code, phone_client.token)
    other.wait_for_selector("#closed", state="visible")
    other.wait_for_function("() => performance.getEntriesByType('resource')"
                            ".some((e) => e.name.endsWith('/record.txt'))")
    assert other.locator("#record").is_hidden()

    # The next workshop: group 1's case-holder is recognised, its guide is not.
    second = Room(server, facilitator_token, clients, people=0, title="Leergang bijeenkomst 2")
    _in_programme(server, second, programme)
    guide1 = next(m["id"] for m in first.groups()[0]["members"] if m["role"] == "process_guide")
    back = second.phone(names[holder])
    _person(server, programme, back.participant_id, persons[holder])
    unknown = second.phone(names[guide1])
    second.phones = {back.participant_id: back, unknown.participant_id: unknown}
    second.ok(second.fac, "intervision.groups_again", item_id=second.item_id)
    control = control_page(browser, server, second.ws["control_url"])
    settle_page(control)
    # The select beside last time's guide, who came without a personal link.
    select = control.locator(f'.iv-roster select[aria-label="{names[guide1]} is"]')
    select.wait_for()
    control.locator("[data-part=again]").scroll_into_view_if_needed()
    screenshot(control, "intervision-again-control")
    _accessible(control)
    select.select_option(label=names[guide1])
    control.wait_for_function(
        "(name) => [...document.querySelectorAll('.iv-roster li')]"
        ".some((li) => li.textContent.startsWith(name + ' · aanwezig'))", arg=names[guide1])
    group = next(g for g in second.groups() if unknown.participant_id in
                 {m["id"] for m in g["members"]})
    assert {m["id"] for m in group["members"]} == {back.participant_id, unknown.participant_id}
    guide = next(m["id"] for m in group["members"] if m["role"] == "process_guide")
    second.ok(second.phones[guide], "intervision.start", group_id=group["id"])
    returning = _phone_page(browser, server, second.code, back.token)
    returning.wait_for_selector("[data-part=checkin]", state="visible")
    card = returning.inner_text("[data-part=checkin]")
    assert "Bij mevrouw De Vries I will call the client" in card
    assert returning.locator("#iv-text").is_visible()  # how it went: the contribute form
    assert returning.inner_text("[data-field=contribute_label]") == "Hoe ging het?"
    returning.locator("[data-part=checkin]").scroll_into_view_if_needed()
    screenshot(returning, "intervision-checkin-phone")
    _accessible(returning)
