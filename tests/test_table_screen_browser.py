"""Two table screens in their own browsers, opened from the control page's links: the
process guide of one group starts and advances on their phone; that group's table follows
with a timer that agrees with the phone, the other table stays as it was."""

from __future__ import annotations

import pytest
from intervision_support import Room
from support import screenshot
from support.pages import control_page

pytestmark = pytest.mark.browser

LEFT_JS = """sel => {
  const t = document.querySelector(sel);
  return {ends: t.dataset.endsAt, at: Date.now(),
          left: (Date.parse(t.dataset.endsAt) - window.facilitatorLive.now()) / 1000};
}"""
PHONE_TIMER = "[data-part=group] [data-role=timer]"
TABLE_TIMER = ".tv [data-role=timer]"


def _table_state(page):
    return page.evaluate("""() => {
      const g = document.querySelector('.tv [data-part=group]');
      return g && !g.hidden ? {phase: g.dataset.phase, state: g.dataset.state} : null;
    }""")


def test_table_screens_follow_their_group(server, facilitator_token, clients, browser):
    room = Room(server, facilitator_token, clients, people=5)
    guide = server.join(room.code, "Gerda Gids")
    groups = room.make_groups(size=3)
    mine = next(g for g in groups if guide["participant_id"] in [m["id"] for m in g["members"]])
    other = next(g for g in groups if g["id"] != mine["id"])
    room.ok(room.fac, "intervision.role", group_id=mine["id"], role="process_guide",
            participant_id=guide["participant_id"])

    # The facilitator's control page lists a link per table.
    fac = control_page(browser, server, room.ws["control_url"],
                       viewport={"width": 1280, "height": 900})
    fac.wait_for_selector("[data-list=tables] a")
    links = {int(li.get_attribute("data-table")): li.locator("a").get_attribute("href")
             for li in fac.locator("[data-list=tables] li").all()}
    assert sorted(links) == [1, 2]
    assert all(href.startswith(server.url + "/table/") for href in links.values())
    assert fac.locator("[data-list=tables] img").count() == 2

    tables = {}
    for number in (1, 2):
        page = browser.new_context(viewport={"width": 1024, "height": 768}).new_page()
        page.goto(links[number])
        page.wait_for_function("() => document.body.dataset.connection === 'online'")
        page.wait_for_selector(".tv [data-part=group]:not([hidden])")
        tables[number] = page
    table, bystander = tables[mine["number"]], tables[other["number"]]
    assert table.text_content("[data-field=group_name]") == f"Groep {mine['number']}"
    assert "Gerda Gids" in table.text_content("[data-list=roles]")
    assert _table_state(table) == {"phase": "0", "state": "ready"}

    phone_ctx = browser.new_context(viewport={"width": 360, "height": 740})
    phone_ctx.add_cookies([{"name": "ftok_" + room.code, "value": guide["token"],
                            "domain": "127.0.0.1", "path": "/"}])
    phone = phone_ctx.new_page()
    phone.goto(f"{server.url}/w/{room.code}/phone")
    phone.wait_for_selector("[data-part=group]:visible [data-do=start]:visible")
    phone.click("[data-do=start]")
    table.wait_for_function("() => document.querySelector('.tv [data-part=group]')"
                            ".dataset.state === 'running'")
    # A member proposes a case; the guide picks it and moves on, all on the guide's phone.
    member = next(m["id"] for m in mine["members"] if m["id"] != guide["participant_id"])
    room.ok(room.phones[member], "intervision.contribute", group_id=mine["id"],
            text="Een huisbezoek dat misliep")
    table.wait_for_selector("[data-list=counts] [data-kind=case] strong:text('1')")
    phone.wait_for_selector("[data-do=choose_case]:visible")
    phone.click("[data-do=choose_case]")
    phone.wait_for_selector("[data-part=case]:not([hidden])")
    phone.click("[data-do=advance]")

    table.wait_for_function("() => document.querySelector('.tv [data-part=group]')"
                            ".dataset.phase === '1'")
    phone.wait_for_function("() => document.querySelector('[data-part=group]')"
                            ".dataset.phase === '1'")
    assert table.text_content("[data-field=phase_title]") == phone.text_content(
        "[data-field=phase_title]")
    assert table.text_content("[data-field=state]") == "loopt"
    assert table.locator("[aria-current=step]").count() == 1
    assert table.locator("[data-list=roles] [data-role-name=process_guide]").text_content() \
        .endswith("Gerda Gids")
    # The table's timer and the phone's agree on the end and, counted down, within a second.
    at_phone = phone.evaluate(LEFT_JS, PHONE_TIMER)
    at_table = table.evaluate(LEFT_JS, TABLE_TIMER)
    assert at_phone["ends"] and at_phone["ends"] == at_table["ends"]
    drift = at_table["left"] + (at_table["at"] - at_phone["at"]) / 1000 - at_phone["left"]
    assert abs(drift) < 1.0, (at_phone, at_table)
    assert table.locator(TABLE_TIMER).is_visible()

    # The other table did not move.
    assert _table_state(bystander) == {"phase": "0", "state": "ready"}
    assert not bystander.locator(TABLE_TIMER).is_visible()
    assert "Een huisbezoek" not in table.content()
    screenshot(table, "intervision-table")
