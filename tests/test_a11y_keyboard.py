"""The control page without a mouse: Tab reaches every control, Enter and Space
activate, the shortcuts N, P, T, Space and R work and are documented on the page,
and focus is always visible.

Every step here is a key press; nothing is clicked. What changed is read from the
database (what the server stored), not only from the page.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from a11y_support import Room, context, room, settle, wait_live

pytestmark = pytest.mark.browser
__all__ = ["room"]

# One name per control, the same for "what has focus" and "what should get focus".
_NAME = """e => e.id || (e.dataset.item && 'item:' + e.dataset.item) || e.getAttribute('href')
  || e.name || e.textContent.trim()"""

FOCUSED = f"""() => {{
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  return ({_NAME})(el);
}}"""

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  return {visible: el.matches(':focus-visible'), style: s.outlineStyle,
          width: parseFloat(s.outlineWidth), shadow: s.boxShadow};
}"""

# Visible, enabled things a facilitator may operate on the control page.
OPERABLE = f"""() => [...document.querySelectorAll(
    'main a[href], main button, main input:not([type=hidden]), main select, main textarea')]
  .filter(e => !e.disabled && e.getClientRects().length
          && getComputedStyle(e).visibility !== 'hidden')
  .map({_NAME})"""


def _workshop_row(room: Room, code: str) -> dict[str, Any]:
    return room.server.db_rows("SELECT * FROM workshops WHERE code = ?", (code,))[0]


def _agenda(room: Room, code: str) -> list[int]:
    rows = room.server.db_rows(
        "SELECT a.id FROM agenda_items a JOIN workshops w ON w.id = a.workshop_id"
        " WHERE w.code = ? ORDER BY a.position, a.id", (code,))
    return [r["id"] for r in rows]


def _wait_db(page: Any, room: Room, code: str, check: Any, what: str) -> dict[str, Any]:
    for _ in range(50):
        row = _workshop_row(room, code)
        if check(row):
            return row
        page.wait_for_timeout(100)
    raise AssertionError(f"{what}: the server never stored it; now {row}")


def _timer(row: dict[str, Any]) -> dict[str, Any]:
    return json.loads(row["timer"] or "{}")


def _tab_to(page: Any, target: str, limit: int = 80) -> list[str]:
    """Press Tab until `target` (as FOCUSED names it) has focus; return the path taken."""
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        path.append(focused)
        if focused == target:
            return path
    raise AssertionError(f"Tab never reached {target}; went through {path}")


def _assert_focus_visible(page: Any) -> None:
    style = page.evaluate(FOCUS_STYLE)
    assert style["visible"], f"{page.evaluate(FOCUSED)} has focus but not :focus-visible"
    assert (style["style"] != "none" and style["width"] >= 2) or style["shadow"] != "none", (
        f"no visible focus indicator on {page.evaluate(FOCUSED)}: {style}")


@pytest.fixture
def control(browser: Any, room: Room) -> Any:
    ws = room.workshop(None, "nl", open_=False)
    ws.act("agenda.add", {"kind": "welcome", "title": "Tweede onderdeel"})
    ws.act("agenda.add", {"kind": "welcome", "title": "Derde onderdeel"})
    ctx = context(browser, room, "nl", viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    page.goto(room.url + ws.path("control_url"))
    wait_live(page)
    page.wait_for_selector("#agenda li:nth-child(3)")
    yield ws, page
    ctx.close()


def test_tab_reaches_every_control_with_visible_focus(control: Any) -> None:
    ws, page = control
    page.keyboard.press("Tab")
    skip = page.evaluate("() => document.activeElement.className")
    assert skip == "skip", f"the first Tab should reach the skip link, got {skip}"
    box = page.locator("a.skip").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is off screen"
    _assert_focus_visible(page)

    wanted = set(page.evaluate(OPERABLE))
    seen: set[str] = set()
    for _ in range(len(wanted) * 2 + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused in wanted:
            seen.add(focused)
            _assert_focus_visible(page)
        if seen == wanted:
            break
    assert seen == wanted, f"never reached by Tab: {sorted(wanted - seen)}"


def test_enter_and_space_activate_buttons(control: Any, room: Room) -> None:
    ws, page = control
    _tab_to(page, "open")
    page.keyboard.press("Enter")
    _wait_db(page, room, ws.code, lambda r: r["status"] == "open", "Enter on Open")
    page.wait_for_selector("#status:has-text('open')")

    items = _agenda(room, ws.code)
    _tab_to(page, f"item:{items[2]}")
    page.keyboard.press("Space")
    _wait_db(page, room, ws.code, lambda r: r["current_item_id"] == items[2],
             "Space on an agenda item")
    # The agenda is redrawn on every view: focus must stay on the item, not fall to <body>.
    settle(page)
    assert page.evaluate(FOCUSED) == f"item:{items[2]}"

    _tab_to(page, "lock")
    page.keyboard.press("Space")
    _wait_db(page, room, ws.code, lambda r: r["locked"] == 1, "Space on Lock")
    page.wait_for_selector("#lock[aria-pressed=true]")

    # The timer form: type the minutes and press Enter, as in any form.
    _tab_to(page, "timer-minutes")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    row = _wait_db(page, room, ws.code, lambda r: _timer(r).get("state") == "running",
                   "Enter in the timer form")
    assert _timer(row)["duration"] == 120


def test_shortcuts_work_and_are_documented(control: Any, room: Room) -> None:
    ws, page = control
    keys = page.locator(".control-help kbd").all_inner_texts()
    for key in ("N", "P", "T", "Space", "R"):
        assert key in keys, f"shortcut {key} is not documented on the page: {keys}"
    items = _agenda(room, ws.code)
    ws.act("workshop.open")
    _wait_db(page, room, ws.code, lambda r: r["current_item_id"] == items[0], "opened")
    page.wait_for_selector("#status:has-text('open')")
    page.locator("main").focus()  # as after the skip link: no control has focus

    page.keyboard.press("n")
    _wait_db(page, room, ws.code, lambda r: r["current_item_id"] == items[1], "N")
    page.wait_for_selector(f"#agenda [data-item='{items[1]}'][aria-current=step]")
    page.keyboard.press("Shift+N")  # caps do the same
    _wait_db(page, room, ws.code, lambda r: r["current_item_id"] == items[2], "Shift+N")
    page.keyboard.press("p")
    _wait_db(page, room, ws.code, lambda r: r["current_item_id"] == items[1], "P")

    page.keyboard.press("t")
    row = _wait_db(page, room, ws.code, lambda r: _timer(r).get("state") == "running", "T")
    assert _timer(row)["duration"] == 5 * 60  # the minutes field's value
    page.wait_for_selector("#timer:not([hidden])")
    page.keyboard.press("Space")
    _wait_db(page, room, ws.code, lambda r: _timer(r).get("state") == "paused", "Space")
    page.wait_for_selector("#timer .timer-value:has-text('gepauzeerd')")  # what a person waits for
    page.keyboard.press(" ")
    _wait_db(page, room, ws.code, lambda r: _timer(r).get("state") == "running", "Space again")

    # R asks the current activity to reveal: the page raises the event modules listen to.
    page.evaluate("""() => { window.__revealed = 0;
        document.addEventListener('facilitator:reveal', () => window.__revealed++); }""")
    page.keyboard.press("r")
    assert page.evaluate("() => window.__revealed") == 1


def test_shortcuts_do_nothing_while_typing(control: Any, room: Room) -> None:
    ws, page = control
    ws.act("workshop.open")
    before = _wait_db(page, room, ws.code, lambda r: r["status"] == "open", "opened")
    _tab_to(page, "timer-minutes")
    page.keyboard.type("ntp ")
    page.keyboard.press("Tab")
    # welcome's text field on the control page is a textarea: typing N there is text
    settle(page)
    after = _workshop_row(room, ws.code)
    assert after["current_item_id"] == before["current_item_id"]
    assert _timer(after) == {}
    assert after["seq"] == before["seq"], "typing in a field sent actions"


def test_r_reveals_the_votes(browser: Any, room: Room) -> None:
    """R on the control page reveals a dot vote, as the Reveal button would."""
    from a11y_states import vote_open

    ws = room.workshop("dilemma_vote", "nl")
    people = [ws.participant(ws.join(f"Deelnemer {i}")) for i in range(2)]
    vote_open(ws, people)
    ctx = context(browser, room, "nl", viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    try:
        page.goto(room.url + ws.path("control_url"))
        wait_live(page, "Werkvorm dilemma_vote")
        page.locator("main").focus()
        page.keyboard.press("r")
        for _ in range(50):
            config = json.loads(room.server.db_rows(
                "SELECT config FROM agenda_items WHERE id = ?", (ws.item_id,))[0]["config"])
            if config.get("revealed"):
                break
            page.wait_for_timeout(100)
        assert config.get("revealed") is True, f"R did not reveal: {config}"
    finally:
        ctx.close()
