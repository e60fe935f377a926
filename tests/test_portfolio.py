"""The person's own page (issue 19.5's person part, issue 20.4) through the real server: a
programme of two workshops, an intervision round in the first (attendance, a takeaway),
an agreement, and a 360 round in the second. The page shows all of it to that person,
through their own link only; nothing of a colleague's; its downloads carry no content
of the groups; goals are added, edited and removed; screenshots at 360 px and desktop."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
import requests
from agreements_support import tomorrow
from intervision_support import Room as IntervisionRoom
from support import ROOT, screenshot
from support.room import Room
from test_persons import (
    csrf,
    html_join,
    invite,
    keep_link,
    outside_answer,
    programme,
)


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


SECRET = "VERTROUWELIJK-GROEP"
STRENGTHS = ("Blijft rustig in lastige gesprekken en vat helder samen.",
             "Neemt bij de overdracht het initiatief; collega's weten waar ze aan toe zijn.",
             "Luistert goed naar cliënten en legt uit wat de regels voor hen betekenen.")
EARLIER = ("Bel cliënten terug als je het belooft.", "Plan de huisbezoeken beter.",
           "Leg besluiten aan cliënten uit.")
DEVELOP = ("Vraag vaker om hulp voordat het te veel wordt.",
           "Spreek collega's eerder aan, niet pas in het teamoverleg.",
           "Deel wat je weet over de nieuwe regeling met het hele team.")


def participant_session(room: Room, phone: Any) -> requests.Session:
    session = requests.Session()
    session.cookies.set(f"ftok_{room.code}", phone.token, domain="127.0.0.1")
    return session


@pytest.fixture(scope="module")
def built(server: Any, facilitator_token: str) -> dict[str, Any]:
    first = IntervisionRoom(server, facilitator_token, None, people=6,
                            title="Leergang bijeenkomst 1")
    second = Room(server, facilitator_token, title="Leergang bijeenkomst 2")
    try:
        programme(server, first.code, second.code)
        groups = first.make_groups(size=3)
        outcome = first.run_round(groups[0], SECRET)
        first.run_round(groups[1], SECRET + "-TWEE")
        holder = outcome["case_holder"]
        colleague = next(m["id"] for m in groups[0]["members"] if m["id"] != holder)
        # The case-holder and a colleague of her group keep a personal link.
        links = {}
        sessions = {}
        for pid in (holder, colleague):
            sessions[pid] = participant_session(first, first.phones[pid])
            links[pid] = keep_link(server, sessions[pid], first.code)
        # An agreement of the case-holder's, with the colleague.
        item = first.add_item("agreements", "Afspraken")
        first.ok(first.fac, "agenda.goto", item_id=item)
        ack = first.ok(first.phones[holder], "agreements.propose", owner_id=holder,
                       owner_text="", what="Ik bel de cliënt elke vrijdag terug",
                       with_ids=[colleague], due_date=tomorrow(14), check_how="",
                       manager_visible=True)
        for pid in (holder, colleague):
            first.ok(first.phones[pid], "agreements.confirm",
                     agreement_id=ack["result"]["agreement_id"])

        # A first 360 round: three clients answer about the case-holder.
        round_one = first.add_item("feedback360", "360-gradenfeedback")
        first.ok(first.fac, "agenda.goto", item_id=round_one)
        for n in range(3):
            url = invite(server, sessions[holder], first.code, "client")
            outside_answer(server, url, {"clients": str(2 + n), "develop": EARLIER[n]})

        # The second workshop: both are recognised, and a 360 round for the case-holder.
        second_item = second.add_item("feedback360", "360-gradenfeedback")
        second.ok(second.fac, "agenda.goto", item_id=second_item)
        for pid in (holder, colleague):
            html_join(server, sessions[pid], second.code, f"P-{pid}")
        holder_here = server.db_rows(
            "SELECT p.token_hash, p.id FROM participants p JOIN workshops w"
            " ON w.id = p.workshop_id WHERE w.code = ? AND p.name = ?",
            (second.code, f"P-{holder}"))[0]
        assert holder_here
        for n, strength in enumerate(STRENGTHS):
            url = invite(server, sessions[holder], second.code, "manager")
            outside_answer(server, url, {"judgement": "4", "feedback": str(3 + n % 2),
                                         "clients": "5", "strengths": strength,
                                         "develop": DEVELOP[n]})
        return {"first": first, "second": second, "holder": holder, "colleague": colleague,
                "links": links}
    except Exception:
        first.close()
        second.close()
        raise


def test_the_portfolio_shows_this_person_only_through_their_own_link(
        server: Any, built: dict[str, Any]) -> None:
    link = built["links"][built["holder"]]
    page = requests.get(server.url + link, timeout=10)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "noindex" in page.headers["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in page.text
    text = html.unescape(page.text)
    assert "Leergang bijeenkomst 1" in text and "Leergang bijeenkomst 2" in text
    assert "Incidentmethode" in text and "inbrenger" in text  # attendance: method, role
    assert f"{SECRET} I will call the client" in text  # her own takeaway
    assert "Ik bel de cliënt elke vrijdag terug" in text  # her agreement
    assert all(t in text for t in STRENGTHS + DEVELOP)  # her 360 (three managers)
    # Over time: the earlier round (three clients) first, then the later one.
    assert "Cliënten (3 antwoorden)" in text and "Managers (3 antwoorden)" in text
    assert text.index(EARLIER[0]) < text.index(STRENGTHS[0])
    assert "Manager" in text
    assert f"{SECRET} choose" not in text  # group content is not hers to keep here
    assert "data-section=\"maturity\"" not in text  # she rated no maturity scan

    # Her colleague's page: the shared agreement, none of her takeaway or 360.
    other = html.unescape(
        requests.get(server.url + built["links"][built["colleague"]], timeout=10).text)
    assert "Ik bel de cliënt elke vrijdag terug" in other
    assert f"{SECRET} I will call the client" not in other
    assert not any(t in other for t in STRENGTHS + DEVELOP + EARLIER)

    # Nothing else opens it: other tokens, the bare prefix, a near miss.
    token = link.rsplit("/", 1)[1]
    for path in ("/p/", "/p/" + "A" * 16, "/p/" + token[:-1], "/p/" + token + "x"):
        assert requests.get(server.url + path, timeout=10).status_code == 404, path

    # The downloads: attendance without content, a summary with what she chose to keep.
    csv = requests.get(f"{server.url}{link}/attendance.csv", timeout=10)
    assert csv.status_code == 200 and csv.headers["Cache-Control"] == "no-store"
    rows = csv.text.lstrip("\ufeff").strip().splitlines()
    assert rows[0].split(";") == ["Datum", "Sessie", "Methode", "Duur (minuten)", "Rol",
                                  "Facilitator"]
    planned = sum(p["minutes"] for p in json.loads(
        (ROOT / "facilitator/activities/intervision/methods/incident.json").read_text())["phases"])
    assert len(rows) == 2
    assert rows[1].endswith(f";Leergang bijeenkomst 1;Incidentmethode;{planned};inbrenger;Fatima")
    assert SECRET not in csv.text


def test_goals_are_added_edited_and_removed_and_bad_input_changes_nothing(
        server: Any, built: dict[str, Any]) -> None:
    link = built["links"][built["colleague"]]
    session = requests.Session()
    page = session.get(server.url + link, timeout=10).text
    token = csrf(page)
    added = session.post(f"{server.url}{link}/goals",
                         data={"csrf_token": token, "text": "Vaker feedback vragen"}, timeout=10)
    assert added.status_code == 200 and "Vaker feedback vragen" in added.text
    goal = re.search(r'data-goal="(\d+)"', added.text).group(1)
    too_long = session.post(f"{server.url}{link}/goals",
                            data={"csrf_token": token, "text": "x" * 501}, timeout=10)
    assert too_long.status_code == 400 and "Te lang" in too_long.text
    assert too_long.text.count("data-goal=") == 1
    edited = session.post(f"{server.url}{link}/goals/{goal}",
                          data={"csrf_token": token, "text": "Elke week feedback vragen"},
                          timeout=10)
    assert "Elke week feedback vragen" in edited.text and "Vaker" not in edited.text
    summary = session.get(f"{server.url}{link}/summary.txt", timeout=10)
    assert "Elke week feedback vragen" in summary.text
    assert "Ik bel de cliënt elke vrijdag terug" in summary.text
    # Someone else's goal cannot be reached through this link.
    holder_link = built["links"][built["holder"]]
    foreign = session.post(f"{server.url}{holder_link}/goals/{goal}",
                           data={"csrf_token": token, "remove": "1"}, timeout=10)
    assert foreign.status_code == 404
    removed = session.post(f"{server.url}{link}/goals/{goal}",
                           data={"csrf_token": token, "remove": "1"}, timeout=10)
    assert "data-goal=" not in removed.text

    # Revoking from the page itself ends it, and its goals with it.
    session.post(f"{server.url}{link}/goals",
                 data={"csrf_token": token, "text": "Een doel dat met de link verdwijnt"},
                 timeout=10)
    revoked = session.post(f"{server.url}{link}/revoke", data={"csrf_token": token},
                           timeout=10)
    assert revoked.status_code == 200 and "ingetrokken" in revoked.text
    assert requests.get(server.url + link, timeout=10).status_code == 410
    assert server.db_rows("SELECT text FROM person_goals WHERE text LIKE 'Een doel dat%'") == []


def test_the_portfolio_on_a_phone_and_a_desktop(server: Any, built: dict[str, Any],
                                                browser: Any) -> None:
    link = server.url + built["links"][built["holder"]]
    for name, viewport in (("portfolio-360", {"width": 360, "height": 1400}),
                           ("portfolio-desktop", {"width": 1280, "height": 1400})):
        page = browser.new_context(viewport=viewport).new_page()
        page.goto(link)
        if name == "portfolio-360":
            page.fill("#new-goal", "Met mijn leidinggevende de 360 bespreken")
            page.click("text=Doel toevoegen")
        page.wait_for_selector("[data-goal]")
        assert page.locator("[data-goal]").count() == 1
        assert page.locator("text=gemiddeld 4,0 van 5").count() == 1
        page.evaluate("window.scrollTo(0, 0)")
        # Nothing wider than the screen at 360 px (the attendance table scrolls inside).
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], width
        screenshot(page, name)
        page.context.close()
