"""The workshop report on the real server, in Chromium: for a workshop that had an
intervision round, feedback, agreements and a dilemma, every format (page, Word,
Markdown, CSV) holds what is shared and nothing private; and a whole conference printed
to PDF, whose pages are rendered to PNG for docs/screenshots (on demand)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import docx
import pytest
import requests
from agreements_support import tomorrow
from intervision_support import Room
from report_support import NEVER, Conference
from support import PASSWORD, login_cookie, screenshot
from support.shots import wanted

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
    page.wait_for_selector("#r-agreements")
    body = page.inner_text("body")
    html = page.content()
    assert AGREEMENT in body and "In het teamoverleg" in body
    assert TEAM_FEEDBACK in body
    assert DILEMMA["situation"] in body
    # The intervision part: one group of three ran its round to the end. (The workshop
    # is not titled "Intervisie", so the title alone cannot pass this.)
    intervision = f"item-{room.item_id}"
    facts = page.locator(f"section.report-section[data-key={intervision}] dd").all_inner_texts()
    # Groups, method, finished, phases done, minutes (what the round was, issue 18).
    assert len(facts) == 5 and facts[0] == "1" and facts[2] == "1", facts
    assert facts[1] not in ("", "—") and facts[3] == "9 van 9" and facts[4].endswith(" min")
    _check_private(html)
    # Every agenda item is listed, in order.
    agenda = page.locator("#r-summary ol li").all_inner_texts()  # the programme
    titles = [i["title"] for i in room.fac.sync()["control"]["agenda"]]
    assert len(titles) >= 5 and agenda == titles
    # Print: the buttons and the top bar go, the content stays.
    page.emulate_media(media="print")
    assert not page.locator("#print").is_visible()
    assert not page.locator(".topbar").is_visible()
    assert page.locator("#r-agreements").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    page.emulate_media(media="screen")

    # Every download: the same rules, parsed as the program that opens it would.
    session = requests.Session()
    session.headers["Cookie"] = login_cookie(server, "fac@example.nl")
    base = f"{server.url}/w/{room.code}/report"
    md = session.get(base + ".md", timeout=10)
    assert md.status_code == 200 and md.headers["Content-Type"].startswith("text/markdown")
    text = md.content.decode("utf-8")
    assert text.startswith(f"# {room.ws['title']}\n")
    assert "## Afspraken" in text and re.search(r"\| P1 \| Zo", text)
    word = docx.Document(io.BytesIO(session.get(base + ".docx", timeout=10).content))
    word_text = "\n".join([p.text for p in word.paragraphs]
                          + [c.text for t in word.tables for r in t.rows for c in r.cells])
    rows = list(csv.reader(io.StringIO(
        session.get(base + ".csv", timeout=10).content.decode("utf-8-sig")), delimiter=";"))
    sheet = "\n".join(";".join(r) for r in rows)
    for name, found in (("md", text), ("docx", word_text), ("csv", sheet)):
        assert AGREEMENT in found and TEAM_FEEDBACK in found, name  # Dutch characters intact
        assert DILEMMA["situation"] in found and "Samenvatting" in found, name
        assert "1 afspraak is alleen voor de deelnemers zichtbaar." in found, name
        _check_private(found)
    context.close()


def test_report_of_a_workshop_without_exports_and_for_others(server, facilitator_token):
    ws = server.create_workshop(facilitator_token, title="Alleen welkom")
    session = requests.Session()
    session.headers["Cookie"] = login_cookie(server, "fac@example.nl")
    page = session.get(f"{server.url}/w/{ws['code']}/report", timeout=10)
    assert page.status_code == 200 and "Alleen welkom" in page.text
    assert "Nog geen afspraken." not in page.text  # an empty section is left out
    md = session.get(f"{server.url}/w/{ws['code']}/report.md", timeout=10).text
    assert md.startswith("# Alleen welkom") and "1. Welkom" in md
    server.add_user("ander@example.nl", "facilitator")
    other = requests.Session()
    other.headers["Cookie"] = login_cookie(server, "ander@example.nl")
    for path in ("report", "report.md", "report.docx", "report.csv"):
        assert other.get(f"{server.url}/w/{ws['code']}/{path}", timeout=10).status_code == 404
    listing = session.get(f"{server.url}/workshops", timeout=10).text
    assert f"/w/{ws['code']}/report" in listing


SHOWN = 4  # the first pages (cover, summary, dilemmas) and the last (games, agreements)


def test_the_printed_eindrapport_of_a_conference(server, facilitator_token, browser, tmp_path):
    """A conference of 60 people printed to A4: a cover, the summary, page numbers and a
    running footer (CSS margin boxes, per workshop in report-print.css)."""
    server.store()  # the in-process app on the server's database
    server.add_user("teamleider@example.nl", "manager", teams=("Wijkteam Noord",))
    conference = Conference(server._app, "fac@example.nl",
                            "Werkconferentie dilemma's in de wijkzorg", team="Wijkteam Noord",
                            argument="Ze is volwassen en overziet de gevolgen zelf")
    code = conference.workshop["code"]
    context = browser.new_context(viewport={"width": 1000, "height": 1400})
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("#email", "teamleider@example.nl")  # the team's manager reads it too
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.goto(f"{server.url}/w/{code}/report")
    page.wait_for_selector("#r-summary")
    screenshot(page, "report")
    css = page.request.get(f"{server.url}/w/{code}/report-print.css").text()
    assert "counter(page)" in css and "counter(pages)" in css
    assert "Werkconferentie dilemma" in css  # the running footer, letters as they are
    # A manager opens it on a phone: nothing wider than the screen at 360 px.
    page.set_viewport_size({"width": 360, "height": 740})
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 361)
        .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, wide
    page.set_viewport_size({"width": 1000, "height": 1400})
    page.emulate_media(media="print")
    assert not page.locator(".report-tools").is_visible()
    body = page.inner_text("article")
    for secret in NEVER:
        assert secret not in body
    # Charts as printed: every label whole (never cut, never over its bar), every count
    # right of its bar, and the bars of a round on one scale (a full bar is everyone).
    bars = page.evaluate("""() => [...document.querySelectorAll('.bars li')].map(li => {
        const box = (sel) => li.querySelector(sel).getBoundingClientRect();
        const label = li.querySelector('.bar-label'), l = box('.bar-label');
        const b = box('.bar'), c = box('.bar-count');
        return {text: label.textContent, cut: label.scrollWidth > label.clientWidth + 1,
                labelAbove: l.bottom <= b.top + 1, countRight: c.left >= b.right,
                countInside: c.top < b.bottom && c.bottom > b.top,
                fill: +li.querySelector('.bar-fill').getAttribute('width')};
    })""")
    assert len(bars) > 40
    assert all(not b["cut"] and b["labelAbove"] and b["countRight"] and b["countInside"]
               for b in bars), [b for b in bars if b["cut"] or not b["countRight"]][:3]
    assert any(len(b["text"]) > 80 and not b["text"].endswith("……") for b in bars)
    sums = page.evaluate("""() => [...document.querySelectorAll('.report-chart')].map(f =>
        [...f.querySelectorAll('.bar-fill')].reduce((s, r) => s + +r.getAttribute('width'), 0))""")
    assert len(sums) >= 8 and all(abs(total - 100) < 1 for total in sums), sums
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pdf.startswith(b"%PDF") and pages >= 8, pages
    if wanted():  # the pages as PNG for people to look at (scripts/screenshots.sh)
        path = Path(tmp_path) / "eindrapport.pdf"
        path.write_bytes(pdf)
        viewer = context.new_page()
        viewer.set_viewport_size({"width": 794, "height": 1123})
        chosen = [*range(1, SHOWN + 1), *range(pages - SHOWN + 1, pages + 1)]
        for i, n in enumerate(chosen, 1):
            viewer.goto("about:blank")
            viewer.goto(f"{path.as_uri()}#page={n}&toolbar=0&navpanes=0&view=Fit")
            # Chromium's PDF viewer draws the page in its own process, with nothing in
            # the page to wait on: wait until the shot is more than the grey background.
            for _ in range(20):
                viewer.wait_for_timeout(500)
                if len(viewer.screenshot()) > 20_000:
                    break
            screenshot(viewer, f"report-print-{i}")
    context.close()
