"""XSS: a corpus of payloads (tests/xss_payloads.txt) through every text field, then
every screen rendered in Chromium with zero script executed.

The payloads go in through every action's Text fields (payloads built from each
action's schema, a best-effort pass over every activity), the workshop title, agenda
item titles and participant names. Every payload sets `window.__xss` or opens a dialog
when it runs. On each page and on every agenda item we assert: `window.__xss` stayed
undefined, no dialog opened, the CSP reported no blocked script (a blocked inline
handler means markup was injected, even if the CSP saved us), and the DOM holds no
injected elements or on* attributes. Payload texts must also be visible as text, so
the test proves they were rendered, not skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hardening_support import (
    MANAGER,
    World,
    action_kinds,
    actions,
    cycle,
    each_kind_accepted,
    env,
    make_world,
    payload,
    populate,
    rules,
)
from support import Server, login_cookie
from support.pages import settle_page

pytestmark = pytest.mark.browser

PAYLOADS = [line for line in
            (Path(__file__).parent / "xss_payloads.txt").read_text().splitlines() if line]
PROBE = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample || ""}`);
});
"""
INSPECT = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) bad.push(`${el.tagName} ${attr.name}`);
      if (/^\\s*(javascript|data):/i.test(attr.value) && /^(href|src|action|data|formaction)$/i
          .test(attr.name)) bad.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
    // The control page's one frame is the template's own: the board, small, from here.
    const mini = el.tagName === "IFRAME" && el.parentElement.matches(".board-mini-frame") &&
        new URL(el.src).origin === location.origin &&
        new URL(el.src).pathname.startsWith("/board/");
    if (["IFRAME", "OBJECT", "EMBED", "BASE", "META"].includes(el.tagName) &&
        el.closest("body") && !mini) bad.push(el.tagName);
    if (el.tagName === "SCRIPT" && !el.src) bad.push("inline SCRIPT");
    if (el.tagName === "IMG" && el.getAttribute("src") === "x") bad.push("IMG src=x");
  }
  return {xss: typeof window.__xss, violations: (window.__violations || []).filter(
            (v) => !v.startsWith("style-src")), bad, text: document.body.innerText};
}"""


def test_corpus_is_big_enough() -> None:
    assert len(PAYLOADS) >= 30
    assert len(set(PAYLOADS)) == len(PAYLOADS)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    server = Server(tmp_path_factory.mktemp("xss"), env())
    server.start()
    world = make_world(server, title=PAYLOADS[0][:120])
    try:
        fac = world.owner()
        short = [p for p in PAYLOADS if len(p) <= 40]
        phones = [world.phone(f"xss{i}", name=name) for i, name in enumerate(short[:8])]
        texts = cycle(PAYLOADS)
        # Core actions with texts (titles), then every activity, twice over.
        registry, kinds = actions(), action_kinds()
        for name, action in sorted(registry.items()):
            if kinds[name] is None and "facilitator" in action.roles and "title" in action.schema:
                for item_id in world.items.values():
                    data = payload(action, next(texts), lambda _, i=item_id: i)
                    if name != "agenda.add":
                        fac.act(name, data)
        acks: list[Any] = []
        for _ in range(2):  # the second pass is mostly refused (rounds started): together
            acks += populate(world, texts, phones, fac, require=False)
        each_kind_accepted(world, acks)
        world.fac = fac  # type: ignore[attr-defined]
        world.phone_token = world.tokens["xss0"]  # type: ignore[attr-defined]
        yield world
    finally:
        world.close()
        server.stop()


def _cookies(header: str, url: str) -> list[dict[str, Any]]:
    out = []
    for part in header.split("; "):
        name, _, value = part.partition("=")
        out.append({"name": name, "value": value, "url": url})
    return out


class Screens:
    """Chromium pages that record dialogs and CSP violations."""

    def __init__(self, browser: Any, url: str):
        self.browser, self.url = browser, url
        self.dialogs: list[str] = []
        self.seen_text = ""
        self.contexts: list[Any] = []

    def open(self, path: str, cookies: list[dict[str, Any]] | None = None) -> Any:
        context = self.browser.new_context()
        self.contexts.append(context)
        if cookies:
            context.add_cookies(cookies)
        page = context.new_page()
        page.add_init_script(PROBE)
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.goto(path if path.startswith("http") else self.url + path)
        page.wait_for_load_state("networkidle")
        return page

    def check(self, page: Any, where: str) -> None:
        found = page.evaluate(INSPECT)
        assert found["xss"] == "undefined", where
        assert found["violations"] == [], (where, found["violations"])
        assert found["bad"] == [], (where, found["bad"])
        assert self.dialogs == [], (where, self.dialogs)
        self.seen_text += found["text"]

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def test_no_payload_runs_on_any_screen(world: World, browser: Any) -> None:
    url = world.server.url
    screens = Screens(browser, url)
    try:
        owner = _cookies(world.cookie, url)
        code = world.w["code"]
        control = screens.open(f"/w/{code}/control", owner)
        board = screens.open(world.w["board_url"])
        phone = screens.open(f"/w/{code}/phone", [{
            "name": f"ftok_{code}", "value": world.phone_token, "url": url}])  # type: ignore
        assert "/phone" in phone.url
        for item_id in sorted(world.items.values()):
            assert world.fac.act("agenda.goto", {"item_id": item_id})["ok"]  # type: ignore
            for page in (control, board, phone):
                settle_page(page)  # it shows that item (no fixed wait)
            for name, page in (("control", control), ("board", board), ("phone", phone)):
                page.wait_for_load_state("networkidle")
                screens.check(page, f"{name} on item {item_id}")
        # The pages rendered on the server: lists, report, manager review.
        manager = _cookies(login_cookie(world.server, MANAGER), url)
        server_pages = [("/workshops", owner)]
        for rule in rules():
            if "GET" not in rule.methods or rule.arguments - {"code", "agreement_id"}:
                continue
            if rule.rule.startswith(("/api/", "/w/<code>/control", "/w/<code>/phone")) or \
                    rule.rule.endswith((".svg", ".csv", ".ics", ".md")):
                continue
            if rule.rule.startswith("/review"):
                for agreement in world.server.db_rows("SELECT id FROM agreements"):
                    server_pages.append((rule.rule.replace(
                        "<int:agreement_id>", str(agreement["id"])), manager))
                server_pages.append((rule.rule, manager))
            elif "<code>" in rule.rule:
                server_pages.append((rule.rule.replace("<code>", code), owner))
        done = set()
        for path, cookies in server_pages:
            if "<" in path or path in done:
                continue
            done.add(path)
            page = screens.open(path, cookies)
            screens.check(page, path)
        # The detector works: markup injected the way a careless innerHTML would is caught.
        page.evaluate("document.body.insertAdjacentHTML('beforeend', "
                      "'<img src=x onerror=\"window.__xss=1\">')")
        page.wait_for_timeout(300)
        with pytest.raises(AssertionError):
            screens.check(page, "self-test")
    finally:
        screens.close()
    # The payloads really were rendered (as text): a good share of them is visible.
    visible = [p for p in PAYLOADS if p.strip()[:30] in screens.seen_text]
    assert len(visible) >= 15, visible
