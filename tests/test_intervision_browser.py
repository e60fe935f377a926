"""Two groups of three phones run a round in parallel (incident and gossip method)
through every phase; the phones of a group agree on the phase's end to within a second.

Issue 18: the gossip group is below its method's minimum (4): the control page and the
guide's phone say so, and it starts anyway. In the incident group the process guide's own
case is chosen: the guide role moves to another member, the group sees who, and the new
guide moves the round on; the case-holder's instruction follows, a past date for "wat ik ga
doen" is refused at that field. The control page says "over tijd" in the right words, and
the group's table screen shows its phase list in the first screen at 1,280x800."""

from __future__ import annotations

import sqlite3
import time

import pytest
from support import PASSWORD, screenshot
from support.pages import settle_page

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


def _own_case_for_guide(phones, secret):
    """The guide chooses their own case (issue 18): the guide role must move on."""
    guide = next(p for p in phones if _visible(p, "[data-do=choose_case]"))
    mine = f"from {phones.index(guide)}"
    item = guide.locator("[data-list=contributions] li", has_text=mine)
    item.locator("[data-key^=choose-]").click()
    guide.wait_for_function("() => document.querySelector('[data-part=group]').dataset.role"
                            " === 'case_holder'")
    # Exactly one other member guides now, and every phone of the group says who.
    _wait_all(phones, lambda s: True)
    guides = [p for p in phones if _visible(p, "[data-do=advance]")]
    assert len(guides) == 1 and guides[0] is not guide
    for page in phones:
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-list=members] li')].some("
            "li => li.textContent.includes('Gespreksleider'))")
    assert guide.text_content("[data-field=role]") == "Inbrenger"
    # The method's "Heb je een casus?" is past: the instruction says what comes next.
    instruction = guide.text_content("[data-field=instruction]")
    assert "Heb je een casus" not in instruction and "gekozen" in instruction, instruction


def _past_date_refused_at_the_field(page):
    """A past date for "wat ik ga doen" is refused at that field, not somewhere else."""
    takeaway = page.locator("[data-form=takeaway]")
    takeaway.locator("textarea").fill("Ik bel de huisarts van de cliënt")
    takeaway.locator("input[name=kept]").check()  # kept: the date is the agreement's
    takeaway.locator("input[name=due_date]").fill("2020-01-31")
    takeaway.locator("button[type=submit]").click()
    due = takeaway.locator("input[name=due_date]")
    error = takeaway.locator("#iv-takeaway-due + .field-error")
    error.wait_for()
    assert "verleden" in error.text_content()
    assert due.get_attribute("aria-invalid") == "true"
    assert "iv-takeaway-due-error" in due.get_attribute("aria-describedby")
    assert page.evaluate("() => document.activeElement.name") == "due_date"
    screenshot(page, "intervision-takeaway-date")
    due.fill("")  # four weeks from now; changing the field takes the message away
    assert takeaway.locator(".field-error").count() == 0


def _over_time_words(server, fac, page_of_group):
    """Issue 18: the control page said "over tijd: 1 min" at 15 seconds over. A phase is
    put past its end in the database (as time would), and the page syncs."""
    from datetime import timedelta

    from facilitator.db import iso, utcnow

    gid = int(page_of_group)
    cell = fac.locator(f"[data-time='{gid}']")
    seen = {}
    for over, words in ((15, r"−0:1\d · tijd voorbij"), (75, r"−1:1\d · over tijd: 1 min")):
        conn = sqlite3.connect(server.data_dir / "facilitator.db", timeout=10)
        with conn:
            conn.execute("UPDATE intervision_groups SET ends_at = ? WHERE id = ?",
                         (iso(utcnow() - timedelta(seconds=over)), gid))
        conn.close()
        settle_page(fac)
        fac.wait_for_function("([sel, re]) => new RegExp('^' + re + '$').test("
                              "document.querySelector(sel).textContent)",
                              arg=[f"[data-time='{gid}']", words])
        seen[over] = cell.text_content()
    return seen


def _table_screen_fits(page):
    """The table screen at 1,280x800: the whole phase list inside the first screen."""
    box = page.evaluate("""() => {
      const list = document.querySelector('.tv-phases-part');
      const r = list.getBoundingClientRect();
      return {bottom: r.bottom, top: r.top, height: innerHeight,
              scroll: document.scrollingElement.scrollHeight,
              items: list.querySelectorAll('li').length};
    }""")
    assert box["items"] == 9 and box["top"] >= 0, box
    assert box["bottom"] <= box["height"] and box["scroll"] <= box["height"], box


def _step(group, phones, secret, shots, fac=None, board=None, extra=None):
    """Do one phase of a group: contribute where asked, then the guide moves on.
    Returns False when the round is done. `extra` holds the first group's checks."""
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
            if extra is not None and not extra.get("past_date"):
                _past_date_refused_at_the_field(page)
                extra["past_date"] = True
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
        table = extra["table"]
        table.wait_for_function("() => document.querySelector('.tv [data-part=group]')"
                                ".dataset.phase === '2'")
        screenshot(table, "table-screen-1280")
        _table_screen_fits(table)
        extra["over"] = _over_time_words(extra["server"], fac, extra["group_id"])
    if extra is not None and any(_visible(p, "[data-do=choose_case]") for p in phones):
        _own_case_for_guide(phones, secret)
    elif any(_visible(p, "[data-do=choose_case]") for p in phones):
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
    # The second group uses the gossip method (4 to 8 people): three is below it (as it is
    # for the incident method; groups within the size are in test_intervision_morning.py).
    second = fac.locator("[data-list=groups] tr").nth(1)
    second.locator("select").select_option("gossip")
    warning = second.locator(".iv-size-warning")
    warning.wait_for()
    assert "vanaf 4" in warning.text_content() and "toch" in warning.text_content()
    # After that push, the size field still says what the groups were made with.
    assert fac.input_value("#iv-size") == "3"
    first_id = fac.locator("[data-list=groups] tr").nth(0).get_attribute("data-group")
    # The first group's table screen, on a 1,280x800 screen at its table.
    link = fac.locator("[data-list=tables] li[data-table='1'] a").get_attribute("href")
    table = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    table.goto(link)
    table.wait_for_selector(".tv [data-part=group]:not([hidden])")

    groups: dict[str, list] = {}
    for page in phones:
        page.wait_for_selector("[data-part=group]:visible")
        groups.setdefault(page.text_content("[data-field=group_name]"), []).append(page)
    assert sorted(len(g) for g in groups.values()) == [3, 3]
    (name1, g1), (name2, g2) = sorted(groups.items())
    for page in g2:
        page.wait_for_selector("[data-field=method]:has-text('Roddelmethode')")
    assert g1[0].text_content("[data-field=method]") == "Incidentmethode"
    # The gossip group's guide is told before starting, and may start anyway (_step).
    guide2 = next(p for p in g2 if _visible(p, "[data-do=start]"))
    assert "vanaf 4" in guide2.text_content("[data-slot=size]")
    extra = {"table": table, "server": server, "group_id": first_id}

    # Both rounds advance side by side, one phase of each in turn.
    running = {name1: True, name2: True}
    phases_seen = {name1: 0, name2: 0}
    while any(running.values()):
        for name, members, secret in ((name1, g1, "EEN"), (name2, g2, "TWEE")):
            if running[name]:
                running[name] = _step(name, members, secret, name == name1, fac, board,
                                      extra if name == name1 else None)
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
    assert extra["past_date"] and set(extra["over"]) == {15, 75}


def test_the_control_page_steers_every_group_at_once(server, facilitator_token, clients,
                                                     browser):
    """The control page's "every group" buttons: start all waiting groups, move the groups
    in the earliest phase on, and say what came of it (groups without a case wait)."""
    from intervision_support import Room

    room = Room(server, facilitator_token, clients, people=9)
    groups = room.make_groups(size=3)
    fac = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    fac.goto(server.url + "/login")
    fac.fill("#email", "fac@example.nl")
    fac.fill("#password", PASSWORD)
    fac.click("button[type=submit].primary")
    fac.goto(room.ws["control_url"])
    fac.wait_for_selector("[data-do=start_all]:visible")
    fac.wait_for_function("() => document.querySelectorAll('[data-list=groups] tr').length === 3")

    def phases():
        return [(r["state"], r["phase_index"]) for r in server.db_rows(
            "SELECT state, phase_index FROM intervision_groups WHERE item_id = ?"
            " ORDER BY number", (room.item_id,))]

    fac.click("[data-do=start_all]")
    fac.wait_for_selector("[data-field=all_groups]:has-text('3 groepen zijn begonnen.')")
    assert phases() == [("running", 0)] * 3
    fac.locator("[data-do=start_all]").wait_for(state="hidden")  # nobody waits to start now

    for g in groups[:2]:
        author = g["members"][0]["id"]
        case = room.ok(room.phones[author], "intervision.contribute", group_id=g["id"],
                       text="Een cliënt die niet wil")["result"]["contribution_id"]
        room.ok(room.phones[room.guide_of(g)], "intervision.choose_case", group_id=g["id"],
                contribution_id=case)
    advance = fac.locator("[data-do=advance_all]")
    assert advance.text_content() == "Alle groepen in fase 1 naar hun volgende fase (3)"
    advance.click()
    fac.wait_for_selector(
        "[data-field=all_groups]:has-text('2 groepen zijn door naar de volgende fase."
        " Bij 1 groep is de casus nog niet gekozen: die blijft in deze fase.')")
    assert phases() == [("running", 1), ("running", 1), ("running", 0)]
    # The laggard alone is left in phase 1; the button now says so.
    fac.wait_for_function("() => document.querySelector('[data-do=advance_all]').textContent"
                          " === 'Alle groepen in fase 1 naar hun volgende fase (1)'")
    screenshot(fac, "intervision-every-group")
    # Pressed again, the laggard still has no case: the refusal is said, nothing moves.
    advance.click()
    fac.wait_for_selector("text=Kies eerst de casus")
    assert phases() == [("running", 1), ("running", 1), ("running", 0)]
