"""Layout for the room: the board fits 16:9 and 4:3 without scrolling and its code and
QR are legible from the back row; the phone works one-handed at 360 px, with 44 px
touch targets, at 200 % text and with reduced motion; changes are announced in live
regions; every page says which language it is in.

Also makes the README's screenshots (docs/screenshots/a11y-*.png).
"""

from __future__ import annotations

from typing import Any

import pytest
from a11y_states import STATES
from a11y_support import Room, activity_kinds, context, room, settle, wait_live
from support import screenshot

pytestmark = pytest.mark.browser
__all__ = ["room"]

BOARD_SIZES = {"16x9": (1920, 1080), "4x3": (1024, 768)}
PHONE = {"width": 360, "height": 740}

FITS = """() => ({
  height: document.scrollingElement.scrollHeight, inner: innerHeight,
  width: document.scrollingElement.scrollWidth, innerWidth: innerWidth,
  zoom: document.querySelector('.board-stage')?.style.zoom})"""

# Visible controls on a phone page and their touch area. A checkbox or radio counts
# with its label (that is what a thumb hits); inline links inside running text are
# exempt (WCAG 2.5.8's inline exception).
TARGETS = """() => {
  const out = [];
  for (const e of document.querySelectorAll(
      'button, input:not([type=hidden]), select, textarea, a[href], summary, [role=button]')) {
    if (e.closest('[hidden], template')) continue;
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height || r.right < 0 || r.left > innerWidth) continue;  // skip link
    if (getComputedStyle(e).visibility === 'hidden') continue;
    if (e.tagName === 'A' && e.closest('p, li, dd, td') &&
        e.closest('p, li, dd, td').textContent.trim() !== e.textContent.trim()) continue;
    let box = r;
    if (e.type === 'checkbox' || e.type === 'radio') {
      const label = e.closest('label') || (e.id && document.querySelector(`label[for="${e.id}"]`));
      if (label) box = label.getBoundingClientRect();
    }
    out.push({what: e.outerHTML.slice(0, 120), height: Math.round(box.height),
              width: Math.round(box.width)});
  }
  return out;
}"""

MOVING = """() => document.getAnimations().filter(a => a.playState === 'running')
  .map(a => (a.animationName || a.transitionProperty || 'animation') + ' on ' +
            (a.effect && a.effect.target ? a.effect.target.outerHTML.slice(0, 80) : '?'))"""

STYLED_MOTION = """() => [...document.querySelectorAll('*')].filter(e => {
  const s = getComputedStyle(e);
  const moving = d => d.split(',').some(x => parseFloat(x) > 0.01);
  return (s.animationName !== 'none' && moving(s.animationDuration)) ||
         moving(s.transitionDuration);
}).map(e => e.outerHTML.slice(0, 80))"""


def _fits(page: Any, label: str) -> None:
    try:  # the board zooms an overflowing activity out once its view has arrived
        page.wait_for_function("""() => document.scrollingElement.scrollHeight <= innerHeight
            && document.scrollingElement.scrollWidth <= innerWidth""", timeout=5000)
    except Exception:
        pass  # reported below with the measurements
    m = page.evaluate(FITS)
    assert m["height"] <= m["inner"], f"{label}: needs vertical scrolling {m}"
    assert m["width"] <= m["innerWidth"], f"{label}: needs horizontal scrolling {m}"


def _no_sideways_scroll(page: Any, label: str) -> None:
    m = page.evaluate(FITS)
    assert m["width"] <= m["innerWidth"], f"{label}: scrolls sideways {m}"


def _small_targets(page: Any) -> list[dict[str, Any]]:
    return [t for t in page.evaluate(TARGETS) if t["height"] < 44]


def _phone_screens(browser: Any, room: Room, kind: str, lang: str = "nl") -> tuple:
    ws = room.workshop(kind, lang)
    ws.act("timer.start", {"seconds": 600})
    joined = ws.join("Ann de Vries")
    ctx = context(browser, room, lang, as_="none", participant=(ws.code, joined["token"]),
                  viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = ctx.new_page()
    page.goto(room.url + f"/w/{ws.code}/phone")
    wait_live(page)
    page.wait_for_selector("#activity-body[data-kind]")
    return ws, ctx, page


# --- the board ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", activity_kinds())
def test_board_fits_both_beamers(browser: Any, room: Room, kind: str) -> None:
    """Each activity's board, also in its later states, at 16:9 and 4:3, without scrolling."""
    ws = room.workshop(kind, "nl", title="Werkconferentie Wijkteam Noord: dilemma's in de wijk")
    for i in range(12):
        ws.join(f"Deelnemer {i}")
    ws.act("timer.start", {"seconds": 600})
    ctx = context(browser, room, "nl", as_="none")
    page = ctx.new_page()
    try:
        page.goto(room.url + ws.path("board_url"))
        wait_live(page)
        states = [("start", None), *STATES.get(kind, [])]
        extra: list[Any] = []
        for name, drive in states:
            if drive is not None:
                if not extra:  # ws.people[0] is the one others address
                    extra = [ws.participant(p) for p in ws.people[1:5]]
                drive(ws, extra)
            for size, (width, height) in BOARD_SIZES.items():
                page.set_viewport_size({"width": width, "height": height})
                settle(page)
                _fits(page, f"board {kind} ({name}) at {size}")
    finally:
        ctx.close()


def test_board_join_code_and_qr_from_the_back_row(browser: Any, room: Room) -> None:
    ws = room.workshop("welcome", "nl", title="Werkconferentie Wijkteam Noord")
    ws.act("welcome.set_text", {
        "item_id": ws.item_id,
        "text": "Pak je telefoon en doe mee met de code hierboven.\n"
                "Vandaag: dilemma's uit de wijk, in tweetallen en daarna met de hele groep."})
    for i in range(23):
        ws.join(f"Deelnemer {i}")
    ws.act("timer.start", {"seconds": 420})
    ctx = context(browser, room, "nl", as_="none")
    page = ctx.new_page()
    try:
        page.goto(room.url + ws.path("board_url"))
        wait_live(page)
        for size, (width, height) in BOARD_SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            settle(page)
            _fits(page, f"board at {size}")
            code = page.locator(".join-code")
            assert code.inner_text().replace(" ", "") == ws.code
            font = page.evaluate(
                "() => parseFloat(getComputedStyle(document.querySelector('.join-code')).fontSize)")
            # 48 px at 1920 wide is about 5 cm on a 2.5 m screen: readable at 8 m.
            assert font >= 48 * width / 1920, f"join code only {font}px at {size}"
            qr = page.locator("img.qr").bounding_box()
            assert qr and qr["width"] >= 120 * width / 1920 and qr["y"] + qr["height"] <= height, (
                f"QR too small or off screen at {size}: {qr}")
            assert page.evaluate("() => document.querySelector('img.qr').naturalWidth") > 0
            title = page.evaluate("""() => parseFloat(getComputedStyle(
                document.querySelector('.board-activity-title')).fontSize)""")
            assert title >= 40 * width / 1920, f"activity title only {title}px at {size}"
            screenshot(page, f"a11y-board-{size}")
    finally:
        ctx.close()


# --- the phone ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", activity_kinds())
def test_phone_one_handed(browser: Any, room: Room, kind: str) -> None:
    """At 360 px: no sideways scrolling, 44 px targets; at 200 % text still no sideways
    scrolling and every control still on screen."""
    ws, ctx, page = _phone_screens(browser, room, kind)
    try:
        states = [("start", None), *STATES.get(kind, [])]
        extra: list[Any] = []
        for name, drive in states:
            if drive is not None:
                if not extra:
                    extra = [ws.participant(ws.join(f"Deelnemer {i}")) for i in range(3)]
                drive(ws, extra)
            settle(page)
            _no_sideways_scroll(page, f"phone {kind} ({name})")
            small = _small_targets(page)
            assert not small, f"phone {kind} ({name}): touch targets under 44px: {small}"
        page.evaluate("() => document.documentElement.style.fontSize = '200%'")
        settle(page)
        _no_sideways_scroll(page, f"phone {kind} at 200% text")
        clipped = page.evaluate("""() => [...document.querySelectorAll(
            'main button, main input, main select, main textarea')]
            .filter(e => !e.closest('[hidden], template') && e.getClientRects().length
                         && e.getBoundingClientRect().right > innerWidth + 1)
            .map(e => e.outerHTML.slice(0, 100))""")
        assert not clipped, f"phone {kind} at 200%: controls cut off at the right: {clipped}"
    finally:
        ctx.close()


@pytest.mark.parametrize("path", ["/join", "join-name", "/login"])
def test_entry_pages_on_a_phone(browser: Any, room: Room, path: str) -> None:
    ws = room.workshop("welcome", "nl")
    ctx = context(browser, room, "nl", as_="none", viewport=PHONE, is_mobile=True,
                  has_touch=True)
    page = ctx.new_page()
    try:
        page.goto(room.url + (f"/j/{ws.code}" if path == "join-name" else path))
        for scale in ("100%", "200%"):
            page.evaluate(f"() => document.documentElement.style.fontSize = '{scale}'")
            settle(page)
            _no_sideways_scroll(page, f"{path} at {scale}")
            small = _small_targets(page)
            assert not small, f"{path} at {scale}: touch targets under 44px: {small}"
    finally:
        ctx.close()


def test_phone_screenshots_and_text_at_200_percent(browser: Any, room: Room) -> None:
    ws, ctx, page = _phone_screens(browser, room, "welcome")
    try:
        ws.act("welcome.set_text", {
            "item_id": ws.item_id,
            "text": "Welkom! Vandaag bespreken we dilemma's uit de wijk. Houd deze pagina open."})
        page.wait_for_selector(".lead:has-text('Welkom!')")
        settle(page)
        screenshot(page, "a11y-phone-360")
        page.evaluate("() => document.documentElement.style.fontSize = '200%'")
        settle(page)
        _no_sideways_scroll(page, "phone at 200% text")
        size = page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('.lead')).fontSize)")
        assert size >= 2 * 16, f"text did not grow with the text size setting: {size}px"
        screenshot(page, "a11y-phone-200pct")
    finally:
        ctx.close()


def test_reduced_motion_is_respected(browser: Any, room: Room) -> None:
    ws = room.workshop("welcome", "nl")
    joined = ws.join("Ann")
    ctx = context(browser, room, "nl", participant=(ws.code, joined["token"]),
                  reduced_motion="reduce")
    try:
        pages = {"phone": f"/w/{ws.code}/phone", "board": ws.path("board_url"),
                 "control": ws.path("control_url"), "join": "/join"}
        for name, path in pages.items():
            page = ctx.new_page()
            page.emulate_media(reduced_motion="reduce")
            page.goto(room.url + path)
            if name != "join":
                wait_live(page)
            ws.act("timer.start", {"seconds": 1})  # ends at once: the "ended" styles apply
            settle(page)
            page.wait_for_timeout(1200)
            assert page.evaluate("() => matchMedia('(prefers-reduced-motion: reduce)').matches")
            assert page.evaluate(MOVING) == [], f"{name}: animations run under reduced motion"
            assert page.evaluate(STYLED_MOTION) == [], f"{name}: motion styled under reduce"
            page.close()
    finally:
        ctx.close()


# --- live regions ---------------------------------------------------------------------------


def test_phone_announces_new_step_and_time(browser: Any, room: Room) -> None:
    ws, ctx, page = _phone_screens(browser, room, "welcome")
    try:
        live = page.evaluate("""() => [...document.querySelectorAll(
            '[aria-live], [role=status], [role=alert]')].map(e => ({
              id: e.id, live: e.getAttribute('aria-live') || e.getAttribute('role')}))""")
        ids = {region["id"] for region in live}
        assert {"connection", "announce", "timer-alert"} <= ids, live

        second = ws.act("agenda.add", {"kind": "welcome", "title": "Tweede ronde"})
        ws.act("agenda.goto", {"item_id": second["result"]["item_id"]})
        page.wait_for_selector("#announce:has-text('Tweede ronde')")

        ws.act("timer.start", {"seconds": 121})  # crosses "two minutes left" within a second
        page.wait_for_selector("#timer-alert:has-text('minuten')", timeout=10000)
        ws.act("timer.start", {"seconds": 1})
        page.wait_for_selector("#timer-alert:has-text('tijd')", timeout=10000)
        # the ticking clock itself stays quiet: a screen reader must not read every second
        assert page.get_attribute("#timer", "aria-live") == "off"
    finally:
        ctx.close()


# --- language -------------------------------------------------------------------------------


@pytest.mark.parametrize("choice", ["nl", "en"])
def test_every_page_declares_its_language(browser: Any, room: Room, choice: str) -> None:
    """Board, phone and join-name speak the workshop's language; the rest the user's choice."""
    other = "en" if choice == "nl" else "nl"
    ws = room.workshop("welcome", other)  # a workshop in the *other* language
    joined = ws.join("Ann")
    ctx = context(browser, room, choice, participant=(ws.code, joined["token"]))
    page = ctx.new_page()
    try:
        expected = {
            ws.path("board_url"): other,
            f"/w/{ws.code}/phone": other,
            ws.path("control_url"): choice,
            "/workshops": choice,
            "/workshops/new": choice,
            "/join": choice,
            "/login": choice,
            "/no/such/page": choice,
        }
        for path, lang in expected.items():
            page.goto(room.url + path)
            assert page.get_attribute("html", "lang") == lang, path
        anon = context(browser, room, choice, as_="none")
        p2 = anon.new_page()
        p2.goto(room.url + f"/j/{ws.code}")
        assert p2.get_attribute("html", "lang") == other
        anon.close()
    finally:
        ctx.close()


def test_language_switch_changes_the_page_language(browser: Any, room: Room) -> None:
    ctx = context(browser, room, "nl", as_="none")
    page = ctx.new_page()
    try:
        page.goto(room.url + "/login")
        assert page.get_attribute("html", "lang") == "nl"
        switch = page.locator(".lang-switch button")
        assert switch.get_attribute("lang") == "en"  # "English" is read in English
        switch.focus()
        page.keyboard.press("Enter")
        page.wait_for_selector("html[lang=en]")
        assert page.url.endswith("/login")
        assert page.locator("h1").inner_text() == "Log in"
    finally:
        ctx.close()


def test_control_page_screenshot(browser: Any, room: Room) -> None:
    ws = room.workshop("welcome", "nl", title="Werkconferentie Wijkteam Noord")
    ws.act("agenda.add", {"kind": "welcome", "title": "Afsluiting"})
    for name in ("Ann de Vries", "Bram", "Chantal", None):
        ws.join(name)
    ws.act("timer.start", {"seconds": 300})
    ctx = context(browser, room, "nl", viewport={"width": 1366, "height": 768})
    page = ctx.new_page()
    try:
        page.goto(room.url + ws.path("control_url"))
        wait_live(page)
        page.wait_for_selector("#people li:nth-child(4)")
        page.keyboard.press("Tab")  # show the focus style on the skip link
        page.keyboard.press("Tab")
        settle(page)
        screenshot(page, "a11y-control")
    finally:
        ctx.close()
