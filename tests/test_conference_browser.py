"""What a phone shows at a dilemma conference, in Chromium at 360 px (issue 17.7-11):
numbers (never "#null") that stay after a withdrawal, a withdrawal that asks first and
says so after, a character counter that warns instead of cutting a pasted text, a new
dot budget before voting, vote results whose long Dutch words are not broken, a game
choice that can be changed and looks chosen, and arguments supported from the phone.
The rest of the room (40 dilemmas, some of 1,000 characters, from 20 phones with long
names) is made through sockets, so the screenshots show a room at volume.
"""

from __future__ import annotations

from typing import Any

import pytest
from support import Server, login_cookie, screenshot
from support.pages import settle_page
from test_dilemmas_browser import Flow, write

pytestmark = pytest.mark.browser

LONG_WORDS = ("Het registratiesysteem van de gemeente en de privacyfunctionaris zeggen iets"
              " anders over wat ik mag delen.")


def socket_phones(server: Server, flow: Flow, clients: Any, n: int) -> list[Any]:
    out = []
    for i in range(n):
        joined = server.join(flow.code, f"Annemarie van den Berg-Oosterhuis {i}")
        client = clients(server.url, {"kind": "participant", "code": flow.code,
                                      "token": joined["token"]})
        out.append(client)
    return out


def submit_many(phones: list[Any], n: int) -> None:
    for i in range(n):
        text = (f"Dilemma {i}: een cliënt met schulden weigert de budgetcoach, terwijl de"
                " verhuurder dreigt met ontruiming. ")
        situation = (text * 12)[:1000] if i % 5 == 0 else text
        options = ["Respecteren en afwachten", "Toch de verhuurder bellen",
                   "Overleggen met het team"][: 2 + i % 2]
        ack = phones[i % len(phones)].act("dilemma.submit", {
            "situation": situation, "options": options, "show_name": False})
        assert ack["ok"], ack


def fac_expects(server: Server, flow: Flow, clients: Any) -> Any:
    """A manager's expected dilemmas, added through the facilitator's socket here."""
    fac = clients(server.url, {"kind": "facilitator", "code": flow.code},
                  {"Cookie": login_cookie(server, "fac@example.nl")})
    return all(fac.act("dilemma.expect", {"situation": text})["ok"] for text in (
        "Cliënten die de budgetcoach weigeren", "Delen van gegevens met de wijkagent",
        "Roosters die niet rond komen in de zomer"))


def word_unbroken(page: Any, selector: str, word: str) -> bool:
    """Whether `word` in the element is laid out on one line (one client rect)."""
    return page.evaluate(
        """([selector, word]) => {
          for (const node of document.querySelectorAll(selector)) {
            const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
            for (let text = walker.nextNode(); text; text = walker.nextNode()) {
              const at = text.data.indexOf(word);
              if (at < 0) continue;
              const range = document.createRange();
              range.setStart(text, at);
              range.setEnd(text, at + word.length);
              return range.getClientRects().length === 1;
            }
          }
          return null;
        }""",
        [selector, word],
    )


def test_a_phone_at_a_conference(server: Server, facilitator_token: str, browser: Any,
                                 clients: Any) -> None:
    flow = Flow(server, browser, facilitator_token)
    control, board = flow.control, flow.board
    ann = flow.phone(browser, "Annemarie van den Berg-Oosterhuis")
    bob = flow.phone(browser, "Bob")
    crowd = socket_phones(server, flow, clients, 20)

    # --- collect: numbers, the counter, withdrawing -----------------------------------
    flow.goto("Collect dilemmas")
    write(ann, "Een cliënt weigert hulp maar is thuis niet veilig.", "Respecteren", "Melden")
    write(bob, LONG_WORDS, "Delen met de wijkagent", "Niet delen", c="Eerst de cliënt vragen")
    assert ann.inner_text("[data-list=mine] .dilemma-number").strip() == "#1"
    assert bob.inner_text("[data-list=mine] .dilemma-number").strip() == "#2"
    assert "#null" not in ann.inner_text("body")
    # A pasted text of 1,100 characters is kept whole, and the counter says it is too long.
    pasted = "Een lange casus over een gezin in de schuldhulpverlening. " * 19
    pasted = pasted[:1100]
    ann.fill("#dc-situation", pasted)
    assert len(ann.input_value("#dc-situation")) == 1100
    counter = ann.inner_text("[data-field=situation-count]")
    assert "1100 of 1000" in counter and "100 too many" in counter
    assert ann.get_attribute("#dc-situation", "aria-invalid") == "true"
    ann.fill("#dc-a", "Wachten")
    ann.fill("#dc-b", "Ingrijpen")
    screenshot(ann, "conference-phone-counter")
    ann.click("[data-role=send]")
    ann.wait_for_selector("[data-form=dilemma][data-state=refused]")
    assert len(ann.input_value("#dc-situation")) == 1100  # nothing typed is lost
    ann.fill("#dc-situation", pasted[:990])
    assert "990 of 1000" in ann.inner_text("[data-field=situation-count]")
    ann.click("[data-role=send]")
    ann.wait_for_selector("[data-list=mine] .dilemma-number:text-is('#3')")
    # Withdrawing asks first; the answer says it was withdrawn, not "sent".
    asked: list[str] = []
    ann.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    ann.locator("[data-list=mine] button:has-text('Withdraw')").first.click()
    assert asked and "Withdraw this dilemma?" in asked[0]
    assert ann.locator("[data-list=mine] .dilemma").count() == 2  # dismissed: kept
    ann.once("dialog", lambda dialog: dialog.accept())
    ann.locator("[data-list=mine] button:has-text('Withdraw')").first.click()
    ann.wait_for_selector(
        "[data-form=dilemma] [data-status]:text-is('Your dilemma was withdrawn.')")
    ann.wait_for_function(
        "() => document.querySelectorAll('[data-list=mine] .dilemma').length === 1")
    assert "sent" not in ann.inner_text("[data-form=dilemma] [data-status]")
    submit_many(crowd, 40)
    settle_page(bob)
    assert bob.inner_text("[data-list=mine] .dilemma-number").strip() == "#2"  # kept
    control.check(".dilemma-settings [name=show_texts]")
    # The board pages its cards; the control page lists every dilemma.
    control.wait_for_selector("[data-list=manage] .dilemma >> nth=40")
    numbers = control.locator("[data-list=manage] .dilemma-number").all_inner_texts()
    assert "#1" not in [n.strip() for n in numbers]  # withdrawn, not renumbered
    assert "#2" in [n.strip() for n in numbers]
    board.wait_for_selector(".dilemma")
    assert "#1 " not in board.inner_text(".dilemma-grid")
    bob.locator("[data-list=mine]").scroll_into_view_if_needed()
    screenshot(bob, "conference-phone-mine")

    # --- the control page: a file saved by Dutch Excel, and "approve all" ------------------
    control.locator("summary", has_text="CSV").click()
    excel = ("situatie;optie A;optie B\r\n"
             "Een collega deelt cliëntgegevens via de app;Aanspreken;Melden\r\n")
    control.set_input_files("#dci-file", files=[{
        "name": "dilemmas.csv", "mimeType": "text/csv", "buffer": excel.encode("utf-8")}])
    control.wait_for_function(
        "() => document.querySelector('#dci-text').value.includes('Aanspreken;Melden')")
    assert control.input_value("#dci-format") == "csv"
    control.click("[data-form=import] button[type=submit]")
    control.wait_for_selector("[data-form=import][data-state=sent]")
    control.wait_for_selector("[data-list=manage] .dilemma:has-text('deelt cliëntgegevens')")
    control.check(".dilemma-settings [name=approval]")
    for i, phone in enumerate(crowd[:3]):
        assert phone.act("dilemma.submit", {"situation": f"Nog te keuren dilemma {i}",
                                            "options": ["Ja", "Nee"], "show_name": False})["ok"]
    control.wait_for_selector("[data-do=approve_all]:not([disabled])")
    control.click("[data-do=approve_all]")
    control.wait_for_selector("[data-do=approve_all][disabled]")
    control.uncheck(".dilemma-settings [name=approval]")
    assert fac_expects(server, flow, clients)
    control.click("[data-box=expected] summary")
    control.wait_for_selector("[data-list=expected] li:has-text('Roosters die niet rond komen')")
    control.locator("[data-list=expected]").scroll_into_view_if_needed()
    screenshot(control, "conference-control-collect")

    # --- vote: a new budget before voting, results at 360 px ----------------------------
    flow.goto("Choose dilemmas")
    ann.wait_for_selector("[data-field=left]:has-text('Dots left: 3 of 3')")
    control.fill("#dv-budget", "5")
    control.click("[data-form=configure] button[type=submit]")
    for phone in (ann, bob):
        phone.wait_for_selector("[data-field=left]:text-is('Dots left: 5 of 5')")
    control.click("[data-do=open]")
    long_id = flow.dilemma_id("Het registratiesysteem")
    ann.wait_for_selector("[data-field=state]:has-text('Voting is open.')")
    ann.click(f"[data-key='{long_id}:add']")
    ann.wait_for_selector(f".dilemma[data-dilemma='{long_id}'] .my-dots:has-text('1')")
    for phone in crowd[:6]:
        assert phone.act("dilemma_vote.add", {"dilemma_id": long_id})["ok"]
    control.click("[data-do=reveal]")
    ann.wait_for_selector(".bar-row >> nth=5")
    row = ann.locator(".bar-row").first
    label = row.locator(".bar-label").bounding_box()
    track = row.locator(".bar-track").bounding_box()
    whole = row.bounding_box()
    assert label["width"] > 0.9 * whole["width"]  # the label has the row to itself
    assert track["y"] >= label["y"] + label["height"] - 1  # the bar below it
    assert word_unbroken(ann, ".bar-label", "registratiesysteem")
    assert word_unbroken(ann, ".bar-label", "privacyfunctionaris")
    ann.locator(".bar-row").first.scroll_into_view_if_needed()
    screenshot(ann, "conference-phone-results")

    # --- the game: change the choice, support an argument ---------------------------------
    flow.goto("Discuss dilemma 1")
    control.select_option("#dg-mode", "choice")
    control.click(f"[data-key='stage:{long_id}']")
    control.wait_for_selector(".round-label:has-text('1')")
    screenshot(control, "conference-control-game")
    ann.wait_for_selector(".choice-buttons button >> nth=2")
    buttons = ann.locator(".choice-buttons button")
    buttons.nth(0).click()
    ann.wait_for_selector(".choice-buttons button[aria-pressed=true]:has-text('A.')")
    buttons.nth(1).click()  # a mis-tap put right
    ann.wait_for_selector(".choice-buttons button[aria-pressed=true]:has-text('B.')")
    assert not buttons.nth(0).is_disabled() and not buttons.nth(2).is_disabled()
    assert buttons.nth(0).get_attribute("aria-pressed") == "false"
    assert "Your choice: B. Niet delen" in ann.inner_text(".my-choice")
    assert "until the reveal" in ann.inner_text(".my-choice")
    screenshot(ann, "conference-phone-choice")
    rid = server.db_rows("SELECT id FROM dilemma_rounds ORDER BY id DESC LIMIT 1")[0]["id"]
    assert server.db_rows("SELECT option FROM dilemma_choices WHERE round_id = ?",
                          (rid,)) == [{"option": 1}]
    for i, phone in enumerate(crowd):
        assert phone.act("dilemma_game.choose", {"round_id": rid, "option": i % 3})["ok"]
    bob.fill("#dg-text", "De privacyfunctionaris moet meebeslissen, niet achteraf horen.")
    bob.click("[data-form=argue] button[type=submit]")
    ann.wait_for_selector("[data-list=support] button:has-text('I support this')")
    ann.click("[data-list=support] button:has-text('I support this')")
    ann.wait_for_selector(
        "[data-list=support] button[aria-pressed=true]:has-text('You support this')")
    # The board's arguments page shows each option's most supported argument first.
    control.click("#board-controls [data-do=next]")
    board.wait_for_selector("[data-list=arguments] li:has-text('privacyfunctionaris')")
    column = board.locator("[data-list=arguments] section").filter(has_text="privacyfunctionaris")
    assert "privacyfunctionaris" in column.locator("li").first.inner_text()
    control.click("#board-controls [data-do=prev]")
    control.click("[data-do=reveal]")
    ann.wait_for_selector("[data-box=choice]", state="hidden")
    assert "until the reveal" not in ann.inner_text(".my-choice")
    # A revote and a variation: the board draws every round on one scale, with the moves.
    for kind in ("revote", "variation"):
        if kind == "revote":
            control.click("[data-do=revote]")
        else:
            control.fill("#dg-variation", "Maar wat als de cliënt minderjarig is?")
            control.click("[data-form=variation] button[type=submit]")
        board.wait_for_selector(f".round-label:has-text('Round {3 if kind == 'variation' else 2}')")
        rid = server.db_rows("SELECT id FROM dilemma_rounds ORDER BY id DESC LIMIT 1")[0]["id"]
        for i, phone in enumerate(crowd):
            option = (i % 3) if i % 4 else (i + (2 if kind == "variation" else 1)) % 3
            assert phone.act("dilemma_game.choose", {"round_id": rid, "option": option})["ok"]
        control.click("[data-do=reveal]")
    # Every round on one scale is the control page's (the board draws the latest two).
    control.wait_for_selector(".shift-chart .bar-row >> nth=8")  # 3 options x 3 rounds
    chart = control.locator(".shift-chart section").nth(0)
    assert chart.locator(".bar-row").count() == 3  # three rounds, one bar each
    widths = control.evaluate("""() => [...document.querySelectorAll('.shift-chart .bar-fill')]
        .map((n) => n.style.width)""")
    values = control.locator(".shift-chart .bar-value").all_inner_texts()
    # One scale: each bar is as wide as its share of that round's participants.
    assert widths == [v.split("(")[1].rstrip("%)") + "%" for v in values]
    assert control.locator(".shift-moves li").count() >= 1
    board.wait_for_selector(".shift-summary")
    screenshot(board, "conference-board-shift")

    # --- the harvest at volume: management list, recommendations, expected ----------------
    fac = clients(server.url, {"kind": "facilitator", "code": flow.code},
                  {"Cookie": login_cookie(server, "fac@example.nl")})
    ids = [r["id"] for r in server.db_rows("SELECT id FROM dilemmas ORDER BY number")]
    for did in ids[2:10]:
        assert fac.act("dilemma.classify", {"dilemma_id": did, "category": "organisational"})["ok"]
    expected_id = server.db_rows("SELECT id FROM dilemma_expected ORDER BY id")[1]["id"]
    assert fac.act("dilemma.expect_sort", {"expected_id": expected_id, "matched_id": long_id,
                                           "theme_id": None, "category": "content"})["ok"]
    flow.goto("Harvest")
    rec = fac.act("dilemma_harvest.recommend", {
        "dilemma_id": long_id,
        "text": "Een vaste afspraak met de privacyfunctionaris over wat we delen."})
    assert rec["ok"], rec
    assert fac.act("dilemma_harvest.assign", {
        "recommendation_id": rec["result"]["recommendation_id"], "owner_kind": "management",
        "owner": "Afdelingsmanager", "priority": "high", "due_date": "2030-03-01"})["ok"]
    assert fac.act("dilemma_harvest.management", {
        "dilemma_id": ids[2], "owner": "Teamleider Wijkteam Noord",
        "answer": "Een budgetcoach per wijk, bereikbaar op vaste uren."})["ok"]
    # The management list and what was expected are the facilitator's (and the report's);
    # the board shows the harvest itself, a dilemma a page.
    control.wait_for_selector(".comparison li:has-text('Delen van gegevens met de wijkagent')")
    text = control.inner_text("#activity-body")
    assert "Voor het management" in text and "Verwacht, niet ingebracht (2)" in text  # nl page
    board.wait_for_selector(".harvest")
    screenshot(board, "conference-board-harvest")
    control.click(f"[data-management='{ids[2]}'] summary")
    control.wait_for_selector(f"[data-management='{ids[2]}'] input[name=owner]")
    assert control.input_value(f"[data-management='{ids[2]}'] input[name=owner]") == \
        "Teamleider Wijkteam Noord"
    control.locator(".harvest-management").scroll_into_view_if_needed()
    screenshot(control, "conference-control-harvest")
    assert flow.errors == []
