"""Accounts in a browser on a 1,366×768 laptop (issue 15, point 4): an admin adds a
facilitator and a manager in a team through the pages, and the facilitator logs in with
the one-time link the admin passes on. Then the facilitator's list: archive and delete."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from support import PASSWORD, screenshot

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
FAC_NAME = "Zoë van den Berg-Öztürk"
FAC_EMAIL = "zoe.vandenberg@wijkteams-gemeente.nl"
NEW_PASSWORD = "mijn eigen wachtwoord"


def _login(browser, server, email, password=PASSWORD):
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.goto(server.url + "/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit].primary")
    return page


def test_admin_adds_people_in_a_team_and_the_link_logs_in(server, browser):
    server.add_user("beheer@gemeente.nl", "admin", name="Anna Beheer")
    for n in range(12):  # an organisation that has been at it for a while
        server.add_user(f"collega{n}@gemeente.nl", ("facilitator", "manager")[n % 2],
                        teams=(("Wijkteam Noord", "Team Jeugd & Gezin")[n % 2],),
                        name=f"Collega met een lange achternaam {n}")
    admin = _login(browser, server, "beheer@gemeente.nl")
    errors: list[str] = []
    admin.on("pageerror", lambda e: errors.append(str(e)))
    admin.click("nav >> text=Accounts")
    expect(admin.locator("h1")).to_have_text("Accounts")

    # A new team first, on the teams page.
    admin.click(".subnav >> text=Teams")
    admin.fill("#team-name", "Wijkteam Zuid-Oost")
    admin.click("button:has-text('Team toevoegen')")
    expect(admin.locator("h1")).to_have_text("Wijkteam Zuid-Oost")
    admin.click(".subnav >> text=Accounts")

    # The facilitator, in that team.
    admin.get_by_label("Naam", exact=True).fill(FAC_NAME)
    admin.get_by_label("E-mailadres").fill(FAC_EMAIL)
    admin.get_by_label("Rol").select_option("facilitator")
    admin.get_by_label("Wijkteam Zuid-Oost").check()
    admin.click("button:has-text('Account toevoegen')")
    expect(admin.locator("#notice")).to_have_text("Account toegevoegd.")
    link = admin.locator("#link-url").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/password/[\w-]+", link), link
    expect(admin.locator(f"tr[data-user='{FAC_EMAIL}']")).to_contain_text("Wijkteam Zuid-Oost")
    admin.locator("#password-link").scroll_into_view_if_needed()
    screenshot(admin, "admin-accounts")

    # The manager of the team.
    admin.get_by_label("Naam", exact=True).fill("Mirjam de Leidinggevende")
    admin.get_by_label("E-mailadres").fill("mirjam@gemeente.nl")
    admin.get_by_label("Rol").select_option("manager")
    admin.get_by_label("Wijkteam Zuid-Oost").check()
    admin.click("button:has-text('Account toevoegen')")
    expect(admin.locator("#notice")).to_have_text("Account toegevoegd.")

    admin.click(".subnav >> text=Teams")
    row = admin.locator("tr[data-team='Wijkteam Zuid-Oost']")
    expect(row.locator("td").nth(1)).to_have_text(FAC_NAME)
    expect(row.locator("td").nth(2)).to_have_text("Mirjam de Leidinggevende")
    screenshot(admin, "admin-teams")
    row.locator("a").click()
    expect(admin.locator("#members li")).to_contain_text(FAC_NAME)
    expect(admin.locator("#managers li")).to_contain_text("Mirjam de Leidinggevende")
    screenshot(admin, "admin-team")

    # The facilitator opens the link the admin passed on.
    newcomer = browser.new_context(viewport=LAPTOP).new_page()
    newcomer.on("pageerror", lambda e: errors.append(str(e)))
    newcomer.goto(link)
    expect(newcomer.locator("h1")).to_have_text("Kies je wachtwoord")
    expect(newcomer.locator("main")).to_contain_text(FAC_EMAIL)
    newcomer.get_by_label("Wachtwoord (minstens 10 tekens)").fill(NEW_PASSWORD)
    newcomer.get_by_label("Wachtwoord nogmaals").fill(NEW_PASSWORD)
    screenshot(newcomer, "admin-password-link")
    newcomer.click("button:has-text('Opslaan en inloggen')")
    expect(newcomer.locator("h1")).to_have_text("Mijn sessies")
    expect(newcomer.locator("nav")).not_to_contain_text("Accounts")  # not an admin
    newcomer.click("text=Nieuwe sessie")
    expect(newcomer.locator("#team")).to_contain_text("Wijkteam Zuid-Oost")
    # The link worked once.
    newcomer.goto(link)
    expect(newcomer.locator("main")).to_contain_text("Deze pagina bestaat niet")
    # And the password is theirs now.
    again = _login(browser, server, FAC_EMAIL, NEW_PASSWORD)
    expect(again.locator("h1")).to_have_text("Mijn sessies")
    assert errors == []


def test_facilitator_filters_archives_and_deletes(server, facilitator_token, browser):
    for n, title in enumerate(["Intervisie café Zoë", "Werkconferentie dilemma's",
                               "Teamdag Wijkteam Noord", "Terugkomdag traject"] * 3):
        server.create_workshop(facilitator_token, title=f"{title} {n + 1}")
    page = _login(browser, server, "fac@example.nl")
    expect(page.locator("#list-count")).to_have_text("12 sessies")
    page.get_by_label("Zoek op titel of code").fill("cafe zoe")
    page.click("button:has-text('Filter')")
    expect(page.locator("#list-count")).to_have_text("3 sessies")
    screenshot(page, "workshops-search")
    first = page.locator("#workshops tbody tr").first
    title = first.locator("td").first.inner_text()
    first.locator("button:has-text('Archiveren')").click()
    expect(page.locator("#list-count")).to_have_text("2 sessies")  # the search stays
    page.get_by_label("Status").select_option("archived")
    page.click("button:has-text('Filter')")
    expect(page.locator("#workshops tbody tr")).to_have_count(1)
    expect(page.locator("#workshops")).to_contain_text(title)
    page.locator("#workshops a:has-text('Verwijderen…')").click()
    expect(page.locator("#keeps")).to_contain_text("Niets")
    code = re.search(r"\b[A-Z0-9]{6}\b", page.locator("label[for=confirm]").inner_text()).group()
    screenshot(page, "workshop-delete")
    page.fill("#confirm", code)
    page.click("button:has-text('Definitief verwijderen')")
    expect(page.locator("#deleted-notice")).to_have_text("De sessie is verwijderd.")
    expect(page.locator("#list-count")).to_have_text("11 sessies")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_account_and_list_pages_pass_the_accessibility_audit(server, facilitator_token, browser,
                                                             lang):
    """axe-core (tests/a11y_support.py) on the pages of issue 15 points 4 and 5, with
    errors shown: no serious or critical violation, and no text of the other language
    (tests/test_a11y_language.py's check)."""
    from a11y_support import Audit
    from test_a11y_language import _untranslated

    foreign: dict[str, list[str]] = {}

    class Checked(Audit):
        def check(self, page, label):
            super().check(page, label)
            found = _untranslated(page, lang)
            if found:
                foreign[label] = found

    server.add_user("beheer@gemeente.nl", "admin", teams=("Wijkteam Noord",), name="Anna")
    ws = server.create_workshop(facilitator_token, title="Intervisie café Zoë")
    audit = Checked()
    admin = _login(browser, server, "beheer@gemeente.nl")
    admin.context.add_cookies([{"name": "lang", "value": lang, "url": server.url}])
    admin.goto(server.url + "/admin/users")
    audit.check(admin, f"accounts {lang}")
    admin.fill("#email", "geen adres")
    admin.evaluate("document.querySelector('#email').type = 'text'")  # past the browser's check
    admin.click("#add-account button[type=submit]")
    admin.wait_for_selector("#email-error")
    audit.check(admin, f"accounts with an error {lang}")
    admin.fill("#email", "nieuw@gemeente.nl")
    admin.click("#add-account button[type=submit]")
    admin.wait_for_selector("#password-link")
    audit.check(admin, f"accounts with a link {lang}")
    link = admin.locator("#link-url").input_value()
    admin.goto(server.url + "/admin/teams")
    audit.check(admin, f"teams {lang}")
    admin.locator("#teams a").first.click()
    admin.wait_for_selector("#add-member")
    audit.check(admin, f"one team {lang}")
    fac = _login(browser, server, "fac@example.nl")
    fac.context.add_cookies([{"name": "lang", "value": lang, "url": server.url}])
    fac.goto(server.url + "/workshops?from=gisteren")
    fac.wait_for_selector("#from-error")
    audit.check(fac, f"workshop list with a wrong filter {lang}")
    fac.goto(server.url + f"/w/{ws['code']}/delete")
    audit.check(fac, f"delete confirmation {lang}")
    newcomer = browser.new_context(viewport=LAPTOP).new_page()
    newcomer.context.add_cookies([{"name": "lang", "value": lang, "url": server.url}])
    newcomer.goto(link)
    audit.check(newcomer, f"password link {lang}")
    audit.assert_clean()
    assert foreign == {}
    assert len(audit.checked) == 8
