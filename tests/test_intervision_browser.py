"""Two groups of three phones run a round in parallel (incident and gossip method)
through every phase; the phones of a group agree on the phase's end to within a second."""

from __future__ import annotations

import time

import pytest
from support import PASSWORD, screenshot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}}

TIMER_JS = """() => {
  const t = document.querySelector('[data-part=group] [data-role=timer]');
  return {ends: t.dataset.endsAt,
          left: (Date.parse(t.dataset.endsAt) - window.facilitatorLive.now()) / 1000,
          at: Date.now()};
}"""


def _group_state(page):
    return page.evaluate("""() => {
      const g = document.querySelector('[data-part=group]');
      return g && !g.hidden ? {phase: Number(g.dataset.phase), state: g.dataset.state,
                               role: g.dataset.role} : null;
    }""")


def _wait_all(phones, predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = [_group_state(p) for p in phones]
        if all(s and predicate(s) for s in states):
            return states
        time.sleep(0.05)
    raise AssertionError(f"phones did not agree: {[_group_state(p) for p in phones]}")


def _check_timers(phones):
    readings = [p.evaluate(TIMER_JS) for p in phones]
    assert len({r["ends"] for r in readings}) == 1, readings
    base = readings[0]
    for r in readings[1:]:
        # Bring each reading to the first one's moment (same machine clock).
        drift = r["left"] + (r["at"] - base["at"]) / 1000 - base["left"]
        assert abs(drift) < 1.0, readings


def _visible(page, selector):
    return page.locator(f"[data-part=group] {selector}").is_visible()


def _step(group, phones, secret, shots, fac=None, board=None):
    """Do one phase of a group: contribute where asked, then the guide moves on.
    Returns False when the round is done."""
    state = _wait_all(phones, lambda s: True)[0]
    if state["state"] == "done":
        return False
    phase = state["phase"]
    if state["state"] == "ready":
        guide = next(p for p in phones if _visible(p, "[data-do=start]"))
        guide.click("[data-do=start]")
    _wait_all(phones, lambda s: s["phase"] == phase and s["state"] == "running")
    _check_timers(phones)
    for n, page in enumerate(phones):
        form = page.locator("[data-form=contribute]")
        if form.is_visible():
            form.locator("textarea").fill(f"{secret} phase {phase} from {n}")
            form.locator("button[type=submit]").click()
            page.wait_for_function(
                "() => document.querySelector('[data-form=contribute] textarea').value === ''")
        takeaway = page.locator("[data-form=takeaway]")
        if takeaway.is_visible():
            takeaway.locator("textarea").fill(f"{secret}: I will talk to my team lead")
            takeaway.locator("input[name=kept]").check()
            takeaway.locator("button[type=submit]").click()
            page.wait_for_selector("[data-field=takeaway_status]:not(:empty)")
    if shots and phase == 2:
        screenshot(phones[0], "intervision-phone")
        fac.set_viewport_size({"width": 1280, "height": 900})
        fac.locator("#iv-groups-title").scroll_into_view_if_needed()
        screenshot(fac, "intervision-control")
        screenshot(board, "intervision-board")
    if any(_visible(p, "[data-do=choose_case]") for p in phones):
        guide = next(p for p in phones if _visible(p, "[data-do=choose_case]"))
        guide.click("[data-do=choose_case]")
        _wait_all(phones, lambda s: True)
        for page in phones:
            page.wait_for_selector("[data-part=case]:not([hidden])")
    guide = next(p for p in phones if _visible(p, "[data-do=advance]"))
    guide.click("[data-do=advance]")
    _wait_all(phones, lambda s: s["phase"] > phase or s["state"] == "done")
    return True


def test_two_groups_run_in_parallel(server, facilitator_token, browser):
    ws = server.create_workshop(facilitator_token, title="Intervisie",
                                agenda="intervision_incident")
    fac = browser.new_context().new_page()
    fac.goto(server.url + "/login")
    fac.fill("#email", "fac@example.nl")
    fac.fill("#password", PASSWORD)
    fac.click("button[type=submit].primary")
    fac.goto(ws["control_url"])
    fac.click("#open")
    fac.click("#agenda button:has-text('Intervisie')")
    fac.wait_for_selector("[data-do=groups_make]")

    board = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    board.goto(ws["board_url"])

    phones = []
    for n in range(6):
        page = browser.new_context(**PHONE).new_page()
        page.goto(ws["join_url"])
        page.fill("#name", f"Deelnemer {n + 1}")
        page.click("text=Meedoen met mijn naam")
        page.wait_for_selector("[data-part=nogroup]:visible")
        phones.append(page)

    fac.fill("#iv-size", "3")
    fac.click("[data-do=groups_make]")
    fac.wait_for_function("() => document.querySelectorAll('[data-list=groups] tr').length === 2")
    # The second group uses the gossip method.
    fac.locator("[data-list=groups] tr").nth(1).locator("select").select_option("gossip")

    groups: dict[str, list] = {}
    for page in phones:
        page.wait_for_selector("[data-part=group]:visible")
        groups.setdefault(page.text_content("[data-field=group_name]"), []).append(page)
    assert sorted(len(g) for g in groups.values()) == [3, 3]
    (name1, g1), (name2, g2) = sorted(groups.items())
    for page in g2:
        page.wait_for_selector("[data-field=method]:has-text('Roddelmethode')")
    assert g1[0].text_content("[data-field=method]") == "Incidentmethode"

    # Both rounds advance side by side, one phase of each in turn.
    running = {name1: True, name2: True}
    phases_seen = {name1: 0, name2: 0}
    while any(running.values()):
        for name, members, secret in ((name1, g1, "EEN"), (name2, g2, "TWEE")):
            if running[name]:
                running[name] = _step(name, members, secret, name == name1, fac, board)
                phases_seen[name] += running[name]
    assert phases_seen == {name1: 9, name2: 6}

    # The overview shows both rounds finished; with the setting off, no content.
    fac.wait_for_function(
        "() => [...document.querySelectorAll('.iv-time')].every(c => c.textContent === 'afgerond')")
    assert "TWEE phase" not in fac.content() and "EEN phase" not in fac.content()
    assert "TWEE phase" not in g1[0].content()
    # The board shows both groups' phases and times, never what they said.
    board.wait_for_function("() => document.querySelectorAll('.iv-board-group').length === 2")
    assert board.locator(".iv-board-time").all_text_contents() == ["afgerond", "afgerond"]
    assert "TWEE" not in board.content() and "EEN phase" not in board.content()
    rows = server.db_rows("SELECT kept, manager_visible FROM intervision_takeaways")
    assert rows == [{"kept": 1, "manager_visible": 0}] * 2
