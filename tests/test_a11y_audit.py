"""axe-core on every page in every state that matters, in Dutch and English.

Fails on any serious or critical violation and prints them readably (rule, element,
what to fix). Activity kinds are read from facilitator.activities, so a new working
form is audited on board, phone and control page as soon as its module exists;
a11y_states.STATES adds the states of an activity worth a second look (results
revealed, a phase running).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from a11y_states import STATES
from a11y_support import (
    LANGS,
    Audit,
    Room,
    Workshop,
    activity_kinds,
    context,
    room,
    settle,
    wait_live,
)
from intervision_support import table_token
from support import PASSWORD

from facilitator.activities import registry as activity_registry

pytestmark = pytest.mark.browser
__all__ = ["room"]  # the module-scoped server fixture

KINDS = activity_kinds()


def _open_screens(browser: Any, room: Room, ws: Workshop, lang: str,
                  kind: str | None = None) -> tuple[Any, dict]:
    """Board, phone and control page of `ws` in one small context (and table 1's screen
    when `kind` draws one)."""
    joined = ws.join("Ann de Vries")
    ctx = context(browser, room, lang, participant=(ws.code, joined["token"]))
    pages = {
        "board": ctx.new_page(),
        "phone": ctx.new_page(),
        "control": ctx.new_page(),
    }
    pages["board"].set_viewport_size({"width": 1920, "height": 1080})
    pages["phone"].set_viewport_size({"width": 360, "height": 740})
    pages["control"].set_viewport_size({"width": 1366, "height": 768})
    pages["board"].goto(room.url + ws.path("board_url"))
    pages["phone"].goto(room.url + f"/w/{ws.code}/phone")
    pages["control"].goto(room.url + ws.path("control_url"))
    if kind and activity_registry()[kind].table is not None:
        # The table screen of table 1 (a tablet on the table), for activities that draw one.
        pages["table"] = ctx.new_page()
        pages["table"].set_viewport_size({"width": 1024, "height": 768})
        pages["table"].goto(room.url + "/table/" + table_token(room.server, ws.code, 1))
    for page in pages.values():
        wait_live(page)
    return ctx, pages


def _check_all(audit: Audit, pages: dict, label: str) -> None:
    for name, page in pages.items():
        settle(page)
        audit.check(page, f"{name} · {label} ({page.url})")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_activity_screens(browser: Any, room: Room, kind: str, lang: str) -> None:
    """Board, phone and control page while `kind` runs, then in its later states."""
    ws = room.workshop(kind, lang)
    ctx, pages = _open_screens(browser, room, ws, lang, kind)
    try:
        title = {"nl": f"Werkvorm {kind}", "en": f"Activity {kind}"}[lang]
        for page in pages.values():
            wait_live(page, title)
        audit = Audit()
        _check_all(audit, pages, f"{kind} {lang}")
        extra = [ws.participant(ws.join(f"Deelnemer {i}")) for i in range(3)]
        for name, drive in STATES.get(kind, []):
            drive(ws, extra)
            _check_all(audit, pages, f"{kind} {lang}: {name}")
        audit.assert_clean()
    finally:
        ctx.close()


@pytest.mark.parametrize("lang", LANGS)
def test_room_states(browser: Any, room: Room, lang: str) -> None:
    """Timer running and paused, a workshop not yet open and a closed one."""
    ws = room.workshop("welcome", lang)
    ctx, pages = _open_screens(browser, room, ws, lang)
    audit = Audit()
    try:
        ws.act("timer.start", {"seconds": 90})
        pages["phone"].wait_for_selector("#timer:not([hidden])")
        _check_all(audit, pages, f"timer running {lang}")
        ws.act("timer.pause")
        _check_all(audit, pages, f"timer paused {lang}")
        ws.act("workshop.close")
        pages["phone"].wait_for_selector("#closed:not([hidden])")
        _check_all(audit, pages, f"closed {lang}")
        draft = room.workshop(None, lang, open_=False)
        joined = draft.join("Bram")
        ctx.add_cookies([{"name": "ftok_" + draft.code, "value": joined["token"],
                          "domain": "127.0.0.1", "path": "/"}])
        for name, url in (("phone", f"/w/{draft.code}/phone"),
                          ("board", draft.path("board_url")),
                          ("control", draft.path("control_url"))):
            pages[name].goto(room.url + url)
            wait_live(pages[name])
        _check_all(audit, pages, f"not yet open {lang}")
    finally:
        ctx.close()
    audit.assert_clean()


@pytest.mark.parametrize("lang", LANGS)
def test_pages(browser: Any, room: Room, lang: str) -> None:
    """Join, join-name, login, workshop list, new-workshop form, errors, review, report."""
    audit = Audit()
    ws = room.workshop("welcome", lang)
    anon = context(browser, room, lang, as_="none")
    fac = context(browser, room, lang)
    try:
        page = anon.new_page()
        page.set_viewport_size({"width": 360, "height": 740})
        page.goto(room.url + "/join")
        audit.check(page, f"join {lang}")
        page.fill("#code", "ZZZZZZ")
        page.click("button[type=submit].primary")
        page.wait_for_selector("#code-error")
        audit.check(page, f"join with an unknown code {lang}")
        page.goto(room.url + f"/j/{ws.code}")
        audit.check(page, f"join-name {lang}")
        page.goto(room.url + "/login")
        audit.check(page, f"login {lang}")
        page.fill("#email", "nobody@example.nl")
        page.fill("#password", "wrong password here")
        page.click("button[type=submit].primary")
        page.wait_for_selector(".error")
        audit.check(page, f"login refused {lang}")
        response = page.goto(room.url + "/no/such/page")
        assert response.status == 404
        audit.check(page, f"404 {lang}")

        page = fac.new_page()
        page.set_viewport_size({"width": 1366, "height": 768})
        page.goto(room.url + "/workshops")
        audit.check(page, f"workshop list {lang}")
        page.goto(room.url + "/workshops/new")
        audit.check(page, f"new workshop {lang}")
        page.fill("#title", "   ")
        page.click("button[type=submit].primary")
        page.wait_for_selector("#title-error")
        audit.check(page, f"new workshop with an error {lang}")
        response = page.goto(room.url + "/w/NOSUCH/control")
        assert response.status == 404
        audit.check(page, f"control 404 {lang}")

    finally:
        anon.close()
        fac.close()
    audit.assert_clean()


def _rich_workshop(room: Room, lang: str) -> Workshop:
    """A team's workshop that ran every activity through its states: what a report and a
    manager's review show."""
    team = room.server.db_rows("SELECT id FROM teams WHERE name = 'Wijkteam Noord'")[0]["id"]
    made = room.server.create_workshop(room.token, title="Werkconferentie Wijkteam Noord",
                                       language=lang, team_id=team)
    ws = Workshop(room, made)
    ws.act("workshop.open")
    ws.join("Ann de Vries")
    people = [ws.participant(ws.join(f"Deelnemer {i}")) for i in range(3)]
    for kind in KINDS:
        ws.item_id = ws.act("agenda.add", {"kind": kind, "title": None})["result"]["item_id"]
        ws.act("agenda.goto", {"item_id": ws.item_id})
        for _name, drive in STATES.get(kind, []):
            drive(ws, people)
    return ws


@pytest.mark.parametrize("lang", LANGS)
def test_report_and_manager_review(browser: Any, room: Room, lang: str) -> None:
    """The facilitator's report of a full workshop, the manager's list and an agreement."""
    ws = _rich_workshop(room, lang)
    audit = Audit()
    fac = context(browser, room, lang, viewport={"width": 1366, "height": 768})
    manager = context(browser, room, lang, as_="manager", viewport={"width": 1366, "height": 768})
    try:
        page = fac.new_page()
        response = page.goto(room.url + f"/w/{ws.code}/report")
        assert response.status == 200, response.status
        audit.check(page, f"report {lang}")
        page.goto(room.url + "/review")
        audit.check(page, f"review list, facilitator {lang}")
        page = manager.new_page()
        response = page.goto(room.url + "/review")
        assert response.status == 200, response.status
        audit.check(page, f"review list, manager {lang}")
        link = page.locator("main a[href*='/review/']").first
        if link.count():
            link.click()
            page.wait_for_load_state()
            audit.check(page, f"review of one agreement, manager {lang}")
            if page.locator("main form select, main form input[type=radio]").count():
                page.locator("main form button[type=submit]").first.click()
                page.wait_for_load_state()
                audit.check(page, f"review after saving, manager {lang}")
        response = page.goto(room.url + "/review/999999")
        audit.check(page, f"review of an unknown agreement ({response.status}) {lang}")
    finally:
        fac.close()
        manager.close()
    audit.assert_clean()


def test_setup_page(browser: Any, server_factory: Any) -> None:
    """The first administrator's page, from the link the server prints when it has no users."""
    server = server_factory()
    match = re.search(r"/setup/\S+", server.log.read_text())
    assert match, server.log.read_text()
    audit = Audit()
    for lang in LANGS:
        ctx = browser.new_context()
        ctx.add_cookies([{"name": "lang", "value": lang, "domain": "127.0.0.1", "path": "/"}])
        page = ctx.new_page()
        page.goto(server.url + match.group(0))
        audit.check(page, f"setup {lang}")
        page.fill("#email", "admin@example.nl")
        page.fill("#password", PASSWORD)
        page.fill("#password2", PASSWORD + " not the same")
        page.click("button[type=submit].primary")
        page.wait_for_selector(".error")
        audit.check(page, f"setup with an error {lang}")
        ctx.close()
    assert requests.get(server.url + "/healthz", timeout=5).ok
    audit.assert_clean()


def test_the_audit_can_fail(browser: Any) -> None:
    """The audit is not a test that can only pass: markup a screen reader cannot use and
    text too faint to read are reported as serious or critical."""
    from a11y_support import blocking_violations, report

    page = browser.new_page()
    try:
        page.set_content("""<!doctype html><html lang="nl"><title>x</title><body><main>
            <h1>Doe mee</h1><input id="code"><button></button>
            <p style="color:#bbb;background:#fff">Code op het scherm</p></main></body></html>""")
        found = {v["id"] for v in blocking_violations(page)}
        assert {"label", "button-name", "color-contrast"} <= found, found
        assert "button-name" in report(blocking_violations(page))
    finally:
        page.close()
