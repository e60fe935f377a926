"""The facilitator's cockpit in Chromium at 1,366×768 against the real server (issue 15,
points 1 to 3): the controls that move an activity on sit in the first screen for every
activity and state; an agenda is built through the control page from "welcome only" and
run with a phone following; leaving work in progress and closing ask in a <dialog>, and
nothing is asked when nothing runs; own templates and duplicates through the UI.

The rooms are realistic: 60 people with long names, 40 dilemmas of which some are 1,000
characters, 8 intervision groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from a11y_states import (
    collect_submitted,
    game_revealed,
    game_staged,
    harvest_filled,
    scan_rated,
    scan_revealed,
    sort_classified,
    vote_open,
    vote_revealed,
)
from a11y_support import (
    Room,
    Workshop,
    blocking_violations,
    context,
    report,
    room,
    settle,
    wait_live,
)
from playwright.sync_api import expect
from support import screenshot

pytestmark = pytest.mark.browser
__all__ = ["room"]

LAPTOP = {"viewport": {"width": 1366, "height": 768}}
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
WAIT = 20_000
PEOPLE = 60
# A long title (they are, in the room) that takes two lines at the top of the control page.
TITLE = ("Werkconferentie Wijkteam Noord en Zuid: dilemma's in de wijkzorg, de jeugdhulp en"
         " de Wmo-toegang")
# Every control that moves the room on, whatever the activity: the agenda's steps and the timer.
ALWAYS = ["#prev", "#next", "#timer-form button[type=submit]"]

# Counts how often a dialog was opened: "not asked" is then a number, not a guess.
COUNT_DIALOGS = """
  window.__asked = 0;
  const showModal = HTMLDialogElement.prototype.showModal;
  HTMLDialogElement.prototype.showModal = function () {
    window.__asked++;
    return showModal.call(this);
  };
"""


def long_name(n: int) -> str:
    return f"Annemarie van den Berg-Oudshoorn {n}" if n % 3 == 0 else f"Deelnemer {n}"


def situation(n: int) -> str:
    """A dilemma as people write them; every fifth one close to the 1,000-character limit."""
    text = (f"Casus {n}: een cliënt wil geen hulp bij het huishouden, maar de woning raakt "
            "vervuild en de buren klagen. Respecteer ik zijn keuze of grijp ik in?")
    if n % 5 == 0:
        text += " " + ("De dochter belt elke week en vraagt wat wij eraan doen. " * 20)
    return text[:1000]


def full_room(room: Room, kind: str) -> tuple[Workshop, list[Any]]:
    """A workshop on `kind` with 60 joined people (3 of them with sockets, to act) and, for
    dilemma activities, 40 prepared dilemmas."""
    ws = room.workshop(kind, "nl", title=TITLE)
    for title in ("Nieuwe afspraken", "Afsluiting en evaluatie"):  # an agenda after this one
        ws.act("agenda.add", {"kind": "welcome", "title": title})
    people = [ws.participant(ws.join(long_name(n))) for n in range(3)]
    for n in range(3, PEOPLE):
        ws.join(long_name(n))
    if kind.startswith("dilemma_") and kind != "dilemma_collect":
        ws.info["dilemmas"] = [
            ws.act("dilemma.prepare", {"situation": situation(n),
                                       "options": ["Keuze respecteren", "Ingrijpen",
                                                   "Eerst overleggen"],
                                       "values": "autonomie tegenover veiligheid"})
            ["result"]["dilemma_id"] for n in range(40)]
    return ws, people


def groups_of_eight(ws: Workshop, people: list[Any]) -> None:
    result = ws.act("intervision.groups_make", {"item_id": ws.item_id, "size": 8})["result"]
    ws.info["groups"] = result["groups"]
    assert len(ws.info["groups"]) == 8


def first_group_running(ws: Workshop, people: list[Any]) -> None:
    ws.act("intervision.start", {"group_id": ws.info["groups"][0]})


def no_state(ws: Workshop, people: list[Any]) -> None:
    """The activity as it starts."""


State = Callable[[Workshop, list[Any]], None]
# kind -> [(state, how to get there, the controls that move it on)]
CONTROLS: dict[str, list[tuple[str, State, list[str]]]] = {
    "welcome": [("start", no_state, [])],
    "dilemma_collect": [
        ("start", no_state, ["[name=open]", "[name=show_texts]"]),
        ("dilemmas submitted and shown", collect_submitted, ["[name=open]", "[name=show_texts]"]),
    ],
    "dilemma_sort": [("start", no_state, []),
                     ("themes and categories", sort_classified, [])],
    "dilemma_vote": [
        ("start", no_state, ["[data-do=open]", "[data-do=close]", "[data-do=reveal]"]),
        ("dots cast", vote_open, ["[data-do=close]", "[data-do=reveal]"]),
        ("votes revealed", vote_revealed, ["[data-do=reveal]"]),
    ],
    "dilemma_game": [
        ("start", no_state, ["[data-list=candidates] button >> nth=0"]),
        ("choices made", game_staged, ["[data-do=reveal]", "[data-do=revote]"]),
        ("revealed with arguments", game_revealed,
         ["[data-do=revote]", "[data-form=variation] button"]),
    ],
    "dilemma_harvest": [("notes, needs and recommendations", harvest_filled, [])],
    "intervision": [
        ("start", no_state, ["[data-do=groups_make]"]),
        ("8 groups made", groups_of_eight, ["[data-key^=start-] >> nth=0"]),
        ("a group in its first phase", first_group_running,
         ["[data-key^=advance-] >> nth=0", "[data-key^=pause-] >> nth=0"]),
    ],
    "agreements": [("start", no_state, [])],
    "feedback": [("start", no_state, [])],
    "open_agreements": [("start", no_state, [])],
    "feedback360": [("start", no_state, [])],
    "maturity_scan": [
        ("start", no_state, ["[data-do=open]", "[data-do=close]", "[data-do=reveal]"]),
        ("rated", scan_rated, ["[data-do=close]", "[data-do=reveal]", "[name=ms-show] >> nth=1"]),
        ("revealed", scan_revealed, ["[name=ms-show] >> nth=1"]),
    ],
}


def test_every_activity_has_its_controls_listed() -> None:
    from a11y_support import activity_kinds

    assert sorted(CONTROLS) == activity_kinds()


def outside_first_screen(page: Any, selectors: list[str]) -> list[str]:
    """The selectors whose element is not wholly inside the 1,366×768 viewport at scroll 0."""
    page.evaluate("() => window.scrollTo(0, 0)")
    assert page.evaluate("() => window.scrollY") == 0
    size = page.viewport_size
    missing = []
    for selector in selectors:
        node = page.locator(selector)
        box = node.bounding_box() if node.count() and node.first.is_visible() else None
        inside = box is not None and box["x"] >= 0 and box["y"] >= 0 and (
            box["x"] + box["width"] <= size["width"] and box["y"] + box["height"] <= size["height"])
        if not inside:
            missing.append(f"{selector} at {box}")
    return missing


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("kind", sorted(CONTROLS))
def test_move_on_controls_are_in_the_first_screen(browser: Any, room: Room, kind: str,
                                                  lang: str) -> None:
    # In both languages: English labels are not the Dutch ones' length.
    ws, people = full_room(room, kind)
    ws.act("timer.start", {"seconds": 600})  # the timer's own controls take room too
    ctx = context(browser, room, lang, **LAPTOP)
    page = ctx.new_page()
    try:
        page.goto(room.url + ws.path("control_url"))
        wait_live(page, f"Werkvorm {kind}")
        for state, drive, controls in CONTROLS[kind]:
            drive(ws, people)
            settle(page)
            missing = outside_first_screen(page, ALWAYS + controls)
            assert not missing, f"{kind}, {state}, {lang}: not in the first screen: {missing}"
            if kind == "intervision" and state == "a group in its first phase" and lang == "nl":
                screenshot(page, "cockpit")  # a busy room: 60 people in 8 groups, a timer
    finally:
        ctx.close()


# --- building an agenda from "welcome only" through the UI ---------------------------


def test_build_a_four_item_agenda_from_welcome_only_and_run_it(browser: Any, room: Room) -> None:
    ctx = context(browser, room, "nl", **LAPTOP)
    page = ctx.new_page()
    page.add_init_script(COUNT_DIALOGS)
    try:
        page.goto(room.url + "/workshops/new")
        page.fill("#title", "Teamdag Wijkteam Noord")
        page.select_option("#agenda", "welcome")
        page.get_by_role("button", name="Sessie aanmaken").click()
        page.wait_for_url("**/control")
        wait_live(page, "Welkom")
        code = page.locator("#code").inner_text()
        expect(page.locator("#agenda li")).to_have_count(1)

        page.get_by_text("Agenda aanpassen").click()
        add = page.locator("#agenda-add")

        def add_item(kind: str, title: str, place: str = "end") -> None:
            count = page.locator("#agenda li").count()
            add.locator("#add-kind").select_option(kind)
            add.locator("#add-title").fill(title)
            add.locator("#add-position").select_option(place)
            add.get_by_role("button", name="Toevoegen aan de agenda").click()
            expect(page.locator("#agenda li")).to_have_count(count + 1, timeout=WAIT)

        add_item("agreements", "Afspraken maken")
        add_item("dilemma_vote", "Stippen plakken", "1")  # before "Afspraken maken"
        add_item("feedback", "")  # no title: the activity's own
        add_item("welcome", "Per ongeluk")
        titles = page.locator("#agenda button")
        expect(titles).to_have_text(["Welkom", "Stippen plakken", "Afspraken maken", "Aanspreken",
                                     "Per ongeluk"], timeout=WAIT)
        # The open editor passes the same audit as the rest of the page.
        violations = blocking_violations(page)
        assert not violations, report(violations)

        # Remove the mistake (the dialog asks, by name), move feedback up, rename the vote.
        page.get_by_role("button", name="Verwijderen: Per ongeluk").click()
        expect(page.locator("#confirm")).to_be_visible()
        expect(page.locator("#confirm-title")).to_have_text("“Per ongeluk” van de agenda halen?")
        violations = blocking_violations(page)  # and so does the open dialog
        assert not violations, report(violations)
        page.locator("#confirm-yes").click()
        expect(titles).to_have_count(4, timeout=WAIT)
        page.get_by_role("button", name="Omhoog: Aanspreken").click()
        expect(titles).to_have_text(["Welkom", "Stippen plakken", "Aanspreken", "Afspraken maken"],
                                    timeout=WAIT)
        rename = page.locator("#agenda-edit li").nth(1)
        rename.locator("input").fill("Kiezen welke dilemma's we bespreken")
        rename.get_by_role("button", name="Naam wijzigen").click()
        expect(titles.nth(1)).to_have_text("Kiezen welke dilemma's we bespreken", timeout=WAIT)
        stored = room.server.db_rows(
            "SELECT a.kind, a.title FROM agenda_items a JOIN workshops w ON w.id = a.workshop_id"
            " WHERE w.code = ? ORDER BY a.position", (code,))
        assert [(r["kind"], r["title"]) for r in stored] == [
            ("welcome", "Welkom"), ("dilemma_vote", "Kiezen welke dilemma's we bespreken"),
            ("feedback", "Aanspreken"), ("agreements", "Afspraken maken")]

        # Run it: open, a phone joins, N through the agenda; the phone follows each step.
        page.locator("#open").click()
        expect(page.locator("#status")).to_have_text("open", timeout=WAIT)
        joined = room.server.join(code, "Annemarie van den Berg-Oudshoorn")
        phone_ctx = context(browser, room, "nl", as_="none", participant=(code, joined["token"]),
                            **PHONE)
        phone = phone_ctx.new_page()
        phone.goto(room.url + f"/w/{code}/phone")
        expect(phone.locator("#activity-title")).to_have_text("Welkom", timeout=WAIT)
        for title in ("Kiezen welke dilemma's we bespreken", "Aanspreken", "Afspraken maken"):
            settle(page)
            page.locator("main").focus()
            page.keyboard.press("n")
            expect(phone.locator("#activity-title")).to_have_text(title, timeout=WAIT)
            expect(page.locator("#activity-title")).to_have_text(title, timeout=WAIT)
        assert page.evaluate("() => window.__asked") == 1  # only the removal asked
        phone_ctx.close()
    finally:
        ctx.close()


# --- confirmation before moving the room ----------------------------------------------


def current_item(room: Room, code: str) -> int:
    return room.server.db_rows("SELECT current_item_id FROM workshops WHERE code = ?",
                               (code,))[0]["current_item_id"]


def asked(page: Any) -> int:
    return page.evaluate("() => window.__asked")


def cancel(page: Any, reasons: list[str]) -> None:
    dialog = page.locator("#confirm")
    expect(dialog).to_be_visible(timeout=WAIT)
    expect(page.locator("#confirm-reasons li")).to_have_text(reasons)
    # The dialog has focus on "Annuleren": Escape closes it, as any modal dialog.
    assert page.evaluate("() => document.activeElement.id") == "confirm-no"
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_leaving_work_in_progress_asks_and_idle_does_not(browser: Any, room: Room) -> None:
    ws, people = full_room(room, "dilemma_vote")
    vote = ws.item_id
    after = ws.act("agenda.add", {"kind": "welcome", "title": "Pauze",
                                  "position": 2})["result"]["item_id"]  # right after the vote
    ctx = context(browser, room, "nl", **LAPTOP)
    page = ctx.new_page()
    page.add_init_script(COUNT_DIALOGS)
    try:
        page.goto(room.url + ws.path("control_url"))
        wait_live(page, "Werkvorm dilemma_vote")

        # Nothing runs (voting not open, no timer): N moves at once, nothing is asked.
        settle(page)
        page.locator("main").focus()
        page.keyboard.press("n")
        expect(page.locator("#activity-title")).to_have_text("Pauze", timeout=WAIT)
        assert current_item(room, ws.code) == after and asked(page) == 0
        settle(page)
        page.locator("#prev").click()
        expect(page.locator("#activity-title")).to_have_text("Werkvorm dilemma_vote", timeout=WAIT)
        assert current_item(room, ws.code) == vote and asked(page) == 0

        # Voting open: N, P, the buttons and an agenda item all ask; cancel changes nothing.
        vote_open(ws, people)
        settle(page)
        seq = room.server.db_rows("SELECT seq FROM workshops WHERE code = ?", (ws.code,))[0]["seq"]
        for n, how in enumerate(("n", "p", "#next", "#prev", "agenda")):
            if how in ("n", "p"):
                page.locator("main").focus()
                page.keyboard.press(how)
            elif how == "agenda":
                page.locator(f"#agenda [data-item='{after}']").click()
            else:
                page.locator(how).click()
            cancel(page, ["Het stemmen is open."])
            assert asked(page) == n + 1
        settle(page)
        row = room.server.db_rows("SELECT seq, current_item_id FROM workshops WHERE code = ?",
                                  (ws.code,))[0]
        assert (row["current_item_id"], row["seq"]) == (vote, seq), "a cancel moved the room"

        # Confirmed, the room moves; the phones follow.
        page.locator("main").focus()
        page.keyboard.press("n")
        expect(page.locator("#confirm")).to_be_visible()
        page.locator("#confirm-yes").click()
        expect(page.locator("#activity-title")).to_have_text("Pauze", timeout=WAIT)
        assert current_item(room, ws.code) == after
        people[0].wait_for("phone", lambda v: (v.get("item") or {}).get("id") == after, timeout=15)

        # A running timer counts as work in progress too, then stopping it makes P free.
        ws.act("timer.start", {"seconds": 300})
        settle(page)
        page.locator("#prev").click()
        cancel(page, ["De timer loopt."])
        ws.act("timer.stop")
        settle(page)
        before = asked(page)
        page.locator("main").focus()
        page.keyboard.press("p")
        expect(page.locator("#activity-title")).to_have_text("Werkvorm dilemma_vote", timeout=WAIT)
        assert asked(page) == before
    finally:
        ctx.close()


def test_intervision_and_game_rounds_ask_before_leaving(browser: Any, room: Room) -> None:
    ws, people = full_room(room, "intervision")
    groups_of_eight(ws, people)
    game = ws.act("agenda.add", {"kind": "dilemma_game", "title": "Dilemma bespreken"})
    ctx = context(browser, room, "nl", **LAPTOP)
    page = ctx.new_page()
    page.add_init_script(COUNT_DIALOGS)
    try:
        page.goto(room.url + ws.path("control_url"))
        wait_live(page, "Werkvorm intervision")
        # Groups made but none started: nothing in progress yet.
        first_group_running(ws, people)
        settle(page)
        page.locator("#next").click()
        cancel(page, ["Intervisiegroepen zitten midden in een fase."])
        assert current_item(room, ws.code) == ws.item_id

        # On the game with an open round of choices.
        ws.act("agenda.goto", {"item_id": game["result"]["item_id"]})
        ws.item_id = game["result"]["item_id"]
        ws.info["dilemmas"] = [ws.act("dilemma.prepare", {
            "situation": situation(1), "options": ["Aanspreken", "Melden", "Niets doen"],
            "values": ""})["result"]["dilemma_id"]] * 2
        game_staged(ws, people)
        wait_live(page, "Dilemma bespreken")
        page.locator("main").focus()
        page.keyboard.press("p")
        cancel(page, ["Er staat een keuzeronde open."])
        assert current_item(room, ws.code) == ws.item_id
    finally:
        ctx.close()


def test_closing_asks_says_what_happens_and_reads_coherently(browser: Any, room: Room) -> None:
    ws = room.workshop("welcome", "nl")
    joined = ws.join("Ann de Vries")
    ctx = context(browser, room, "nl", **LAPTOP)
    page = ctx.new_page()
    phone_ctx = context(browser, room, "nl", as_="none", participant=(ws.code, joined["token"]),
                        **PHONE)
    phone = phone_ctx.new_page()
    try:
        phone.goto(room.url + f"/w/{ws.code}/phone")
        expect(phone.locator("#activity-title")).to_have_text("Werkvorm welcome", timeout=WAIT)
        board = ctx.new_page()
        board.goto(ws.info["board_url"])
        expect(board.locator("#activity-title")).to_have_text("Werkvorm welcome", timeout=WAIT)
        page.goto(room.url + ws.path("control_url"))
        wait_live(page, "Werkvorm welcome")
        expect(page.locator("#lock-state")).to_have_text("open voor nieuwe deelnemers")

        page.locator("#close").click()
        dialog = page.locator("#confirm")
        expect(dialog).to_be_visible()
        expect(page.locator("#confirm-title")).to_have_text("De sessie sluiten?")
        text = page.locator("#confirm-text").inner_text()
        for words in ("Niemand kan nog meedoen", "bedanken iedereen", "het scherm"):
            assert words in text, text
        page.locator("#confirm-no").click()
        expect(dialog).to_be_hidden()
        settle(page)
        assert room.server.db_rows("SELECT status FROM workshops WHERE code = ?",
                                   (ws.code,))[0]["status"] == "open"

        page.locator("#close").click()
        page.locator("#confirm-yes").click()
        expect(page.locator("#status")).to_have_text("gesloten", timeout=WAIT)
        expect(page.locator("#lock-state")).to_have_text(
            "geen nieuwe deelnemers; telefoons tonen het bedankje")
        assert "open voor nieuwe deelnemers" not in page.locator(".control-facts").inner_text()
        expect(page.locator("#close")).to_be_disabled()
        expect(phone.locator("#closed")).to_be_visible(timeout=WAIT)
        expect(phone.locator("#closed")).to_contain_text("Bedankt voor je deelname")
        expect(board.locator("#closed")).to_be_visible(timeout=WAIT)
        expect(board.locator("#closed")).to_contain_text("Bedankt voor je deelname")
        # No new joins.
        response = requests.post(room.url + "/api/v1/join", json={
            "code": ws.code, "name": "Laatkomer", "anonymous": False}, timeout=10)
        assert response.status_code != 201 and response.json()["error"]["code"] == "closed"
    finally:
        phone_ctx.close()
        ctx.close()


# --- templates and duplicates through the UI --------------------------------------------


def test_save_a_template_and_start_a_workshop_from_it(browser: Any, room: Room) -> None:
    ws = room.workshop("dilemma_collect", "nl", title="Werkconferentie maart")
    ws.act("agenda.add", {"kind": "intervision", "title": "Intervisie: incidentmethode"})
    ctx = context(browser, room, "nl", **LAPTOP)
    page = ctx.new_page()
    try:
        page.goto(room.url + ws.path("control_url"))
        wait_live(page, "Werkvorm dilemma_collect")
        page.get_by_text("Sjablonen en kopieën").click()
        page.fill("#template-name", "Werkconferentie met intervisie")
        page.get_by_role("button", name="Opslaan als sjabloon").click()
        expect(page.locator("#template-save .form-status")).to_have_text(
            "Opgeslagen. Je vindt het onder “Mijn sjablonen” bij een nieuwe sessie.", timeout=WAIT)

        page.goto(room.url + "/workshops/new")
        page.fill("#title", "Werkconferentie april")
        page.select_option("#agenda", label="Werkconferentie met intervisie")
        page.get_by_role("button", name="Sessie aanmaken").click()
        page.wait_for_url("**/control")
        wait_live(page)
        expect(page.locator("#agenda button")).to_have_text(
            ["Welkom", "Werkvorm dilemma_collect", "Intervisie: incidentmethode"], timeout=WAIT)
        expect(page.locator("#workshop-title")).to_have_text("Werkconferentie april")
    finally:
        ctx.close()


def test_duplicate_from_the_control_page_and_the_list(browser: Any, room: Room) -> None:
    ws = room.workshop("dilemma_vote", "nl", title="Intervisie team Zuid")
    ws.join("Ann de Vries")
    ctx = context(browser, room, "nl", **LAPTOP)
    page = ctx.new_page()
    try:
        page.goto(room.url + ws.path("control_url"))
        wait_live(page, "Werkvorm dilemma_vote")
        page.get_by_text("Sjablonen en kopieën").click()
        page.get_by_role("button", name="Deze sessie kopiëren").click()
        expect(page.locator("#workshop-title")).to_have_text("Intervisie team Zuid (kopie)",
                                                             timeout=WAIT)
        wait_live(page)
        assert page.locator("#code").inner_text() != ws.code
        expect(page.locator("#agenda button")).to_have_text(["Welkom", "Werkvorm dilemma_vote"])
        expect(page.locator("#status")).to_have_text("concept")
        expect(page.locator("#people-summary")).to_contain_text("0 deelnemers")

        page.goto(room.url + "/workshops")
        row = page.locator("tr", has=page.get_by_role("link", name="Intervisie team Zuid",
                                                          exact=True))
        row.get_by_role("button", name="Kopiëren").click()
        page.wait_for_url("**/control")
        expect(page.locator("#workshop-title")).to_have_text("Intervisie team Zuid (kopie)")
        copies = room.server.db_rows(
            "SELECT code FROM workshops WHERE title = 'Intervisie team Zuid (kopie)'")
        assert len(copies) == 2
    finally:
        ctx.close()
