"""The workshop report, rendered in Chromium for a workshop that had an intervision
round, feedback, agreements and dilemmas: what is shared is there, what is private is not."""

from __future__ import annotations

import re

import pytest
import requests
from agreements_support import tomorrow
from intervision_support import Room
from support import PASSWORD, login_cookie, screenshot

pytestmark = pytest.mark.browser

INTERVISION_SECRET = "VERTROUWELIJK-7731"
PRIVATE_FEEDBACK = "PRIVE-FEEDBACK-4410 je viel me steeds in de rede"
PRIVATE_REPLY = "PRIVE-ANTWOORD-5521"
HIDDEN_AGREEMENT = "PERSOONLIJK-DOEL-9902"
TEAM_FEEDBACK = "We beginnen het overleg zelden op tijd"
UNSHOWN_TEAM_FEEDBACK = "NIET-GETOOND-3387"
AGREEMENT = "Zoë plant één café-overleg per maand"
DILEMMA = {"situation": "Een cliënt weigert hulp maar is thuis niet veilig.",
           "options": ["De weigering respecteren", "Melden bij het veiligheidsteam"],
           "values": "autonomie tegenover veiligheid", "show_name": False}


def _add(room: Room, kind: str) -> int:
    return room.ok(room.fac, "agenda.add", kind=kind)["result"]["item_id"]


def _build(server, facilitator_token, clients) -> Room:
    room = Room(server, facilitator_token, clients, people=3)
    feedback_item = _add(room, "feedback")
    agreements_item = _add(room, "agreements")
    dilemma_item = _add(room, "dilemma_collect")
    # An intervision round whose every text carries the secret.
    group = room.make_groups(size=3)[0]
    room.run_round(group, INTERVISION_SECRET)
    p1, p2, p3 = list(room.phones)
    a, b, c = (room.phones[p] for p in (p1, p2, p3))
    # Feedback: one to a person (with an answer), two to the team (one shown).
    room.ok(room.fac, "agenda.goto", item_id=feedback_item)
    fid = room.ok(a, "feedback.give", to_id=p2, behaviour=PRIVATE_FEEDBACK, feeling="",
                  effect="Ik raakte mijn punt kwijt", wish="Laat me uitpraten")["result"][
        "feedback_id"]
    room.ok(b, "feedback.reply", feedback_id=fid, kind="heard", text=PRIVATE_REPLY)
    shown = room.ok(c, "feedback.give", to_id=0, behaviour=TEAM_FEEDBACK, feeling="",
                    effect="Wie op tijd is wacht", wish="Om 9:00 beginnen")["result"][
        "feedback_id"]
    room.ok(a, "feedback.give", to_id=0, behaviour=UNSHOWN_TEAM_FEEDBACK, feeling="",
            effect="x", wish="y")
    room.ok(room.fac, "feedback.show", feedback_id=shown, shown=True)
    # Agreements: one for managers (confirmed by both), one personal.
    room.ok(room.fac, "agenda.goto", item_id=agreements_item)
    base = {"owner_text": "", "check_how": "In het teamoverleg", "due_date": tomorrow(14)}
    aid = room.ok(a, "agreements.propose", owner_id=p1, what=AGREEMENT, with_ids=[p2],
                  manager_visible=True, **base)["result"]["agreement_id"]
    for phone in (a, b):
        room.ok(phone, "agreements.confirm", agreement_id=aid)
    room.ok(c, "agreements.propose", owner_id=p3, what=HIDDEN_AGREEMENT, with_ids=[],
            manager_visible=False, **base)
    # A dilemma, anonymous, by someone who does nothing else.
    room.ok(room.fac, "agenda.goto", item_id=dilemma_item)
    joined = server.join(room.code, "Dirk")
    dirk = clients(server.url, {"kind": "participant", "code": room.code,
                                "token": joined["token"]})
    assert dirk.act("dilemma.submit", DILEMMA)["ok"]
    return room


def _check_private(text: str) -> None:
    for secret in (INTERVISION_SECRET, PRIVATE_FEEDBACK, PRIVATE_REPLY, HIDDEN_AGREEMENT,
                   UNSHOWN_TEAM_FEEDBACK, "Dirk"):
        assert secret not in text, secret


def test_report_shows_what_may_leave_and_nothing_private(server, facilitator_token, clients,
                                                         browser):
    room = _build(server, facilitator_token, clients)
    context = browser.new_context(viewport={"width": 1000, "height": 1400})
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("#email", "fac@example.nl")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.goto(f"{server.url}/w/{room.code}/control")
    link = page.locator("#report-link")
    assert link.get_attribute("href") == f"/w/{room.code}/report"
    page.goto(f"{server.url}/w/{room.code}/report")
    page.wait_for_selector("#report-agreements")
    body = page.inner_text("body")
    html = page.content()
    assert AGREEMENT in body and "In het teamoverleg" in body
    assert TEAM_FEEDBACK in body
    assert DILEMMA["situation"] in body
    # The intervision part: one group of three ran its round to the end. (The workshop
    # is not titled "Intervisie", so the title alone cannot pass this.)
    facts = page.locator("section.report-section[data-kind=intervision] dd").all_inner_texts()
    assert len(facts) == 3 and facts[0] == "1" and facts[2] == "1", facts
    assert facts[1] not in ("", "—")
    _check_private(html)
    # Every agenda item is listed, in order.
    agenda = page.locator("section[aria-labelledby=r-agenda] li").all_inner_texts()
    titles = [i["title"] for i in room.fac.sync()["control"]["agenda"]]
    assert len(titles) >= 5 and agenda == titles
    # Print: the buttons and the top bar go, the content stays.
    page.emulate_media(media="print")
    assert not page.locator("#print").is_visible()
    assert not page.locator(".topbar").is_visible()
    assert page.locator("#report-agreements").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    page.emulate_media(media="screen")
    screenshot(page, "report")

    # The Markdown download: the same rules.
    session = requests.Session()
    session.headers["Cookie"] = login_cookie(server, "fac@example.nl")
    md = session.get(f"{server.url}/w/{room.code}/report.md", timeout=10)
    assert md.status_code == 200 and md.headers["Content-Type"].startswith("text/markdown")
    text = md.content.decode("utf-8")
    assert text.startswith(f"# {room.ws['title']}\n")
    assert "## Afspraken" in text and re.search(r"\*\*P1\*\* \(met P2\): Zo", text)
    assert AGREEMENT in text  # Dutch characters intact
    assert TEAM_FEEDBACK in text
    _check_private(text)
    context.close()


def test_report_of_a_workshop_without_exports_and_for_others(server, facilitator_token):
    ws = server.create_workshop(facilitator_token, title="Alleen welkom")
    session = requests.Session()
    session.headers["Cookie"] = login_cookie(server, "fac@example.nl")
    page = session.get(f"{server.url}/w/{ws['code']}/report", timeout=10)
    assert page.status_code == 200 and "Alleen welkom" in page.text
    assert "Nog geen afspraken." in page.text
    md = session.get(f"{server.url}/w/{ws['code']}/report.md", timeout=10).text
    assert md.startswith("# Alleen welkom") and "1. Welkom" in md
    server.add_user("ander@example.nl", "facilitator")
    other = requests.Session()
    other.headers["Cookie"] = login_cookie(server, "ander@example.nl")
    for path in ("report", "report.md"):
        assert other.get(f"{server.url}/w/{ws['code']}/{path}", timeout=10).status_code == 404
    listing = session.get(f"{server.url}/workshops", timeout=10).text
    assert f"/w/{ws['code']}/report" in listing
