"""The phone's promises in a real browser (issue 13): one intent is one action, nothing
typed is lost, a failing action never blocks the outbox, a module that throws never
freezes the screen, and leaving an item ends its timers.

Real server (`python run.py`, test-only settings through FACILITATOR_*), Debian's
Chromium, the facilitator acting through the control page's own connection.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD, Server

pytestmark = pytest.mark.browser

FAC = "fac@example.nl"
WAIT = 15_000
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
FAILING = "dilemma.edit"  # the action kind the server fails with `internal` in these tests

# Counts the intervals a page has running: set minus cleared.
COUNT_INTERVALS = """
(() => {
  const running = new Set();
  const set = window.setInterval.bind(window);
  const clear = window.clearInterval.bind(window);
  window.setInterval = (...args) => { const id = set(...args); running.add(id); return id; };
  window.clearInterval = (id) => { running.delete(id); return clear(id); };
  window.runningIntervals = () => running.size;
})();
"""


@pytest.fixture
def room(server_factory: Any, browser: Any) -> Any:
    server = server_factory(env={"FACILITATOR_TESTING": "1",
                                 "FACILITATOR_TEST_FAIL_ACTION": FAILING})
    server.add_user(FAC, "facilitator", name="Fatima")
    ws = server.create_workshop(server.token(FAC), title="Proef", agenda="dilemmas",
                                language="en")
    control = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    control.goto(server.url + "/login")
    control.fill("#email", FAC)
    control.fill("#password", PASSWORD)
    control.click("button[type=submit].primary")
    control.goto(ws["control_url"])
    control.click("#open")
    control.wait_for_selector("body[data-connection=online]")
    yield Room(server, browser, ws, control)


class Room:
    def __init__(self, server: Server, browser: Any, ws: dict[str, Any], control: Any) -> None:
        self.server, self.browser, self.ws, self.control = server, browser, ws, control
        self.errors: list[str] = []

    def phone(self, init_script: str = "") -> Any:
        context = self.browser.new_context(**PHONE)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.on("pageerror", lambda err: self.errors.append(str(err)))
        page.on("dialog", lambda dialog: dialog.accept())  # "Withdraw your dilemma?": yes
        page.goto(self.ws["join_url"])
        page.fill("#name", "Pim")
        page.click("button[type=submit]:not([name=anonymous])")
        page.wait_for_selector("body[data-connection=online]")
        return page

    def item_id(self, title: str) -> int:
        rows = self.server.db_rows("SELECT id FROM agenda_items WHERE title = ?", (title,))
        return rows[0]["id"]

    def act(self, op: str, data: dict[str, Any]) -> dict[str, Any]:
        """The facilitator acts through the control page's connection; returns the ack."""
        ack = self.control.evaluate("([op, data]) => window.facilitatorLive.act(op, data)",
                                    [op, data])
        assert ack["ok"], ack
        return ack

    def goto(self, title: str, *phones: Any) -> None:
        self.act("agenda.goto", {"item_id": self.item_id(title)})
        for page in phones:
            expect(page.locator("#activity-title")).to_have_text(title, timeout=WAIT)

    def dilemmas(self) -> list[dict[str, Any]]:
        return self.server.db_rows("SELECT id, situation FROM dilemmas ORDER BY id")


def write(page: Any, situation: str) -> None:
    page.fill("#dc-situation", situation)
    page.fill("#dc-a", "Option one")
    page.fill("#dc-b", "Option two")


def sent(page: Any) -> None:
    expect(page.locator("[data-form=dilemma]")).to_have_attribute("data-state", "sent",
                                                                  timeout=WAIT)


def test_a_double_click_stores_one(room: Room) -> None:
    phone = room.phone()
    room.goto("Collect dilemmas", phone)
    write(phone, "Twice clicked, stored once")
    phone.dblclick("[data-role=send]")
    sent(phone)
    phone.wait_for_selector("[data-list=mine] .dilemma")
    # The phone's own list came with the ack's push: both clicks have been answered.
    assert [d["situation"] for d in room.dilemmas()] == ["Twice clicked, stored once"]
    assert phone.locator("[data-list=mine] .dilemma").count() == 1


def test_two_taps_offline_store_one_when_back(room: Room) -> None:
    phone = room.phone()
    room.goto("Collect dilemmas", phone)
    write(phone, "Tapped twice in a tunnel")
    phone.context.set_offline(True)
    phone.evaluate("window.facilitatorLive.socket.io.engine.close()")  # the radio drops
    phone.wait_for_selector("body[data-connection=offline]")
    phone.click("[data-role=send]")
    form = phone.locator("[data-form=dilemma]")
    expect(form).to_have_attribute("data-state", "queued")
    expect(form.locator("[data-status]")).to_contain_text("No connection")
    phone.click("[data-role=send]")
    assert phone.evaluate("window.facilitatorLive.outbox.length") == 1
    phone.context.set_offline(False)
    sent(phone)
    phone.wait_for_selector("[data-list=mine] .dilemma")
    assert [d["situation"] for d in room.dilemmas()] == ["Tapped twice in a tunnel"]


def test_a_draft_survives_a_reload_and_a_room_move(room: Room) -> None:
    phone = room.phone()
    room.goto("Collect dilemmas", phone)
    phone.fill("#dc-situation", "Half typed when the battery died")
    phone.reload()
    phone.wait_for_selector("body[data-connection=online]")
    expect(phone.locator("#dc-situation")).to_have_value("Half typed when the battery died",
                                                         timeout=WAIT)
    room.goto("Sort dilemmas", phone)
    room.goto("Collect dilemmas", phone)
    expect(phone.locator("#dc-situation")).to_have_value("Half typed when the battery died")
    # Acked: the draft goes, a reload shows an empty form.
    phone.fill("#dc-a", "Option one")
    phone.fill("#dc-b", "Option two")
    phone.click("[data-role=send]")
    sent(phone)
    phone.reload()
    phone.wait_for_selector("[data-list=mine] .dilemma", timeout=WAIT)
    expect(phone.locator("#dc-situation")).to_have_value("")


def test_a_failing_action_holds_nothing_up_and_keeps_its_text(room: Room) -> None:
    phone = room.phone()
    room.goto("Collect dilemmas", phone)
    for text in ("First dilemma here", "Second dilemma here"):
        write(phone, text)
        phone.click("[data-role=send]")
        sent(phone)
    first, second = room.dilemmas()
    phone.wait_for_selector(f"[data-key='{second['id']}:withdraw']")
    phone.click(f"[data-key='{first['id']}:edit']")
    phone.fill("#dc-situation", "An edit the server keeps failing on")
    phone.click("[data-role=send]")  # dilemma.edit: refused with `internal`, retried
    form = phone.locator("[data-form=dilemma]")
    expect(form).to_have_attribute("data-state", "retrying", timeout=WAIT)
    phone.click(f"[data-key='{second['id']}:withdraw']")  # a different action, behind it
    phone.wait_for_selector(f"[data-key='{second['id']}:withdraw']", state="detached",
                            timeout=WAIT)
    assert [d["id"] for d in room.dilemmas()] == [first["id"]]
    expect(form).to_have_attribute("data-state", "failed", timeout=WAIT)
    expect(form.locator("[data-status]")).to_contain_text("Could not be sent")
    expect(phone.locator("#dc-situation")).to_have_value("An edit the server keeps failing on")
    assert room.dilemmas()[0]["situation"] == "First dilemma here"
    assert phone.evaluate("window.facilitatorLive.outbox.length") == 0


def test_a_module_that_throws_does_not_freeze_the_screen(room: Room) -> None:
    def broken(route: Any) -> None:
        body = route.fetch().text()
        # Test-only: the phone's update throws whenever the text says BOOM.
        body = body.replace("update(root, view) {",
                            'update(root, view) {\n    if (view.text.includes("BOOM")) '
                            'throw new Error("test: broken update");', 2)
        route.fulfill(body=body, content_type="text/javascript")

    context = room.browser.new_context(**PHONE)
    context.route("**/static/js/activities/welcome.js*", broken)
    page = context.new_page()
    logged: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and logged.append(msg.text))
    page.goto(room.ws["join_url"])
    page.fill("#name", "Pim")
    page.click("button[type=submit]:not([name=anonymous])")
    item = room.item_id("Welcome")
    room.act("welcome.set_text", {"item_id": item, "text": "BOOM goes the module"})
    notice = page.locator(".stage-error")
    expect(notice).to_be_visible(timeout=WAIT)
    assert any("broken update" in text for text in logged)
    room.act("welcome.set_text", {"item_id": item, "text": "Back to normal"})
    expect(page.locator("#activity-body")).to_contain_text("Back to normal", timeout=WAIT)
    expect(notice).to_be_hidden()


def test_leaving_an_item_ends_its_intervals(room: Room) -> None:
    room.act("agenda.add", {"kind": "intervision", "title": "Intervisie"})
    phone = room.phone(COUNT_INTERVALS)
    room.goto("Welcome", phone)
    away = phone.evaluate("window.runningIntervals()")
    room.goto("Intervisie", phone)
    phone.wait_for_selector("[data-kind=intervision] [data-part=nogroup]", state="attached")
    there = phone.evaluate("window.runningIntervals()")
    assert there > away  # the module runs its own clock while shown
    for _ in range(10):
        room.goto("Welcome", phone)
        assert phone.evaluate("window.runningIntervals()") == away
        room.goto("Intervisie", phone)
        phone.wait_for_selector("[data-kind=intervision] [data-part=nogroup]", state="attached")
    assert phone.evaluate("window.runningIntervals()") == there
    assert not room.errors


def test_a_phone_starts_a_new_step_at_its_top_and_hears_it(room: Room) -> None:
    phone = room.phone()
    room.goto("Collect dilemmas", phone)
    phone.wait_for_selector("#dc-situation")
    # Down to the person's own list, as after sending a dilemma.
    phone.wait_for_function("() => { window.scrollTo(0, 1e6); return window.scrollY > 100; }")
    room.goto("Sort dilemmas", phone)
    phone.wait_for_function("() => window.scrollY === 0", timeout=WAIT)
    expect(phone.locator("#announce")).to_have_text("Sort dilemmas")


def test_a_button_pressed_offline_says_so_and_counts_once(room: Room) -> None:
    phone = room.phone()
    room.goto("Collect dilemmas", phone)
    write(phone, "To be withdrawn in a tunnel")
    phone.click("[data-role=send]")
    sent(phone)
    (dilemma,) = room.dilemmas()
    button = phone.locator(f"[data-key='{dilemma['id']}:withdraw']")
    expect(button).to_be_visible(timeout=WAIT)  # the own list came with the ack's push
    phone.context.set_offline(True)
    phone.evaluate("window.facilitatorLive.socket.io.engine.close()")
    phone.wait_for_selector("body[data-connection=offline]")
    button.click()
    expect(button).to_have_attribute("data-state", "queued")
    expect(button).to_have_accessible_name(re.compile("waiting for the connection"))
    button.click()
    assert phone.evaluate("window.facilitatorLive.outbox.length") == 1
    phone.context.set_offline(False)
    expect(button).to_have_count(0, timeout=WAIT)
    assert room.dilemmas() == []


def start_an_edit(room: Room, phone: Any, first: str, second: str) -> dict[str, Any]:
    """Send a dilemma, then start editing it: `second` typed, not yet sent."""
    room.goto("Collect dilemmas", phone)
    write(phone, first)
    phone.click("[data-role=send]")
    sent(phone)
    (dilemma,) = room.dilemmas()
    phone.click(f"[data-key='{dilemma['id']}:edit']")
    phone.fill("#dc-situation", second)
    return dilemma


def test_an_edit_draft_comes_back_as_an_edit_after_a_reload(room: Room) -> None:
    phone = room.phone()
    dilemma = start_an_edit(room, phone, "The first version", "The second version, half typed")
    phone.reload()
    expect(phone.locator("#dc-situation")).to_have_value("The second version, half typed",
                                                         timeout=WAIT)
    assert phone.input_value("[name=dilemma_id]") == str(dilemma["id"])
    # Sent, it is the edit (which this server fails), not a second dilemma.
    phone.click("[data-role=send]")
    expect(phone.locator("[data-form=dilemma]")).to_have_attribute("data-state", "failed",
                                                                   timeout=WAIT)
    assert room.dilemmas() == [dilemma]


def test_a_form_whose_action_still_waits_says_so_after_a_reload(room: Room) -> None:
    phone = room.phone()
    dilemma = start_an_edit(room, phone, "Sent before the reload", "An edit still being retried")
    phone.click("[data-role=send]")  # dilemma.edit fails with `internal`: retried with backoff
    form = phone.locator("[data-form=dilemma]")
    expect(form).to_have_attribute("data-state", "retrying", timeout=WAIT)
    phone.reload()
    # The reloaded form knows its earlier submission: busy, not an idle draft to send again.
    expect(form).to_have_attribute("data-state", re.compile("pending|retrying"), timeout=WAIT)
    expect(form).to_have_attribute("aria-busy", "true")
    phone.click("[data-role=send]")
    expect(form).to_have_attribute("data-state", "failed", timeout=WAIT)
    expect(phone.locator("#dc-situation")).to_have_value("An edit still being retried")
    assert phone.evaluate("window.facilitatorLive.outbox.length") == 0
    assert room.dilemmas() == [dilemma]


def test_a_draft_acked_after_a_reload_is_not_offered_again(room: Room) -> None:
    phone = room.phone()
    room.goto("Collect dilemmas", phone)
    write(phone, "Sent in a tunnel, acked after the reload")
    phone.route("**/socket.io/**", lambda route: route.abort())
    phone.evaluate("window.facilitatorLive.socket.io.engine.close()")
    phone.wait_for_selector("body[data-connection=offline]")
    phone.click("[data-role=send]")
    expect(phone.locator("[data-form=dilemma]")).to_have_attribute("data-state", "queued")
    phone.reload()
    phone.unroute("**/socket.io/**")
    phone.wait_for_selector("[data-list=mine] .dilemma", timeout=WAIT)
    assert [d["situation"] for d in room.dilemmas()] == ["Sent in a tunnel, acked after the reload"]
    expect(phone.locator("#dc-situation")).to_have_value("")
    phone.reload()
    phone.wait_for_selector("[data-list=mine] .dilemma", timeout=WAIT)
    expect(phone.locator("#dc-situation")).to_have_value("")
    assert phone.evaluate("Object.keys(localStorage).filter(k => k.includes(':draft:'))") == []
