"""Personal links (issue 19.6), the person's own page (19.5, 20.4) and the 360 round (20.3),
through the real server: phones join with the HTML join form, keep a link, and are the
same person in the next workshop of the programme; people outside answer by link."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from support.login import login_session
from support.room import FAC, Room

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


def csrf(page: str) -> str:
    found = CSRF.search(page)
    assert found, page[:500]
    return found.group(1)


def programme(server: Any, *codes: str) -> int:
    """A programme holding these workshops (the programme pages are another part's)."""
    store = server.store()
    owner = store.scalar("SELECT id FROM users WHERE email = ?", (FAC,))
    cur = store.run("INSERT INTO programmes (owner_id, name, created_at) VALUES (?, ?, ?)",
                    (owner, "Leergang Wijkteams 2026", "2026-01-05T09:00:00Z"))
    for code in codes:
        store.run("UPDATE workshops SET programme_id = ? WHERE code = ?", (cur.lastrowid, code))
    return cur.lastrowid


def html_join(server: Any, session: requests.Session, code: str, name: str,
              as_person: bool = True) -> str:
    page = session.get(f"{server.url}/j/{code}", timeout=10)
    assert page.status_code == 200, page.text
    op_id = re.search(r'name="op_id" value="([^"]+)"', page.text).group(1)
    data = {"csrf_token": csrf(page.text), "op_id": op_id, "name": name}
    if as_person:
        data["as_person"] = "1"
    joined = session.post(f"{server.url}/j/{code}", data=data, timeout=10)
    assert joined.status_code == 200 and "/phone" in joined.url, joined.text
    return page.text


def keep_link(server: Any, session: requests.Session, code: str) -> str:
    page = session.get(f"{server.url}/w/{code}/link", timeout=10)
    kept = session.post(f"{server.url}/w/{code}/link", data={"csrf_token": csrf(page.text)},
                        timeout=10)
    assert kept.status_code == 200, kept.text
    assert kept.headers["Cache-Control"] == "no-store"
    assert 'src="data:image/svg+xml' in kept.text  # the QR code
    return re.search(r'id="person-link" href="[^"]*(/p/[^"]+)"', kept.text).group(1)


def person_of(server: Any, code: str, name: str) -> Any:
    rows = server.db_rows(
        "SELECT p.person_id FROM participants p JOIN workshops w ON w.id = p.workshop_id"
        " WHERE w.code = ? AND p.name = ?", (code, name))
    assert len(rows) == 1
    return rows[0]["person_id"]


def test_personal_link_recognised_in_the_programme_and_refused_after_revocation(
        server: Any, facilitator_token: str) -> None:
    first = Room(server, facilitator_token, title="Intervisie 1")
    second = Room(server, facilitator_token, title="Intervisie 2")
    elsewhere = Room(server, facilitator_token, title="Andere leergang")
    try:
        programme(server, first.code, second.code)
        programme(server, elsewhere.code)
        phone = requests.Session()
        name = "Annemarie van den Heuvel-Oosterbroek"[:40]
        html_join(server, phone, first.code, name)
        assert person_of(server, first.code, name) is None  # nothing kept by default
        link = keep_link(server, phone, first.code)
        person = person_of(server, first.code, name)
        assert person is not None
        stored = server.db_rows("SELECT token_hash FROM persons WHERE id = ?", (person,))[0]
        assert link.rsplit("/", 1)[1] not in stored["token_hash"]  # kept hashed
        # A new link for a lost note: the same person, the old link no longer opens.
        renewed = keep_link(server, phone, first.code)
        assert person_of(server, first.code, name) == person
        assert requests.get(server.url + link, timeout=10).status_code == 404
        assert requests.get(server.url + renewed, timeout=10).status_code == 200
        link = renewed

        # The next workshop of the programme: offered, with last time's name.
        page = html_join(server, phone, second.code, "Anne")
        assert 'id="as_person"' in page and f'value="{name}"' in page
        assert person_of(server, second.code, "Anne") == person
        # Another programme does not know this link; the code alone still works.
        page = html_join(server, phone, elsewhere.code, "Anne")
        assert 'id="as_person"' not in page
        assert person_of(server, elsewhere.code, "Anne") is None
        # Declining on a shared phone: joined, not recognised.
        third = Room(server, facilitator_token, title="Intervisie 3")
        programme_id = server.db_rows("SELECT programme_id FROM workshops WHERE code = ?",
                                      (first.code,))[0]["programme_id"]
        server.store().run("UPDATE workshops SET programme_id = ? WHERE code = ?",
                           (programme_id, third.code))
        html_join(server, phone, third.code, "Collega", as_person=False)
        assert person_of(server, third.code, "Collega") is None

        # The facilitator of the second workshop revokes it from their list.
        fac = login_session(server, FAC)
        listing = fac.get(f"{server.url}/w/{second.code}/persons", timeout=10)
        assert f'data-person="{person}"' in listing.text
        revoked = fac.post(f"{server.url}/w/{second.code}/persons/{person}/revoke",
                           data={"csrf_token": csrf(listing.text)}, timeout=10)
        assert revoked.status_code == 200 and "revoked" in revoked.text.lower() or \
            "ingetrokken" in revoked.text
        gone = requests.get(server.url + link, timeout=10)
        assert gone.status_code == 410
        assert "Deze persoonlijke link is ingetrokken." in gone.text
        # Joining with the revoked link on the phone: told so, joined as someone new.
        fourth = Room(server, facilitator_token, title="Intervisie 4")
        server.store().run("UPDATE workshops SET programme_id = ? WHERE code = ?",
                           (programme_id, fourth.code))
        page = html_join(server, phone, fourth.code, "Anne")
        assert "Je persoonlijke link is ingetrokken" in page and 'id="as_person"' not in page
        assert person_of(server, fourth.code, "Anne") is None
        for room in (third, fourth):
            room.close()
    finally:
        for room in (first, second, elsewhere):
            room.close()


def outside_answer(server: Any, url: str, answers: dict[str, str]) -> requests.Response:
    session = requests.Session()
    form = session.get(url, timeout=10)
    assert form.status_code == 200, form.text
    assert form.headers["Cache-Control"] == "no-store"
    return session.post(url, data={"csrf_token": csrf(form.text), **answers}, timeout=10)


def invite(server: Any, session: requests.Session, code: str, perspective: str) -> str:
    page = session.get(f"{server.url}/w/{code}/link", timeout=10)
    made = session.post(f"{server.url}/w/{code}/360/invite",
                        data={"csrf_token": csrf(page.text), "perspective": perspective},
                        timeout=10)
    assert made.status_code == 200, made.text
    return re.search(r'id="feedback-link" href="([^"]+)"', made.text).group(1)


def cookie_session(server: Any, room: Room, phone: Any) -> requests.Session:
    session = requests.Session()
    session.cookies.set(f"ftok_{room.code}", phone.token, domain="127.0.0.1")
    return session


def test_a_360_round_merges_small_perspectives_and_reaches_only_the_person(
        server: Any, facilitator_token: str) -> None:
    room = Room(server, facilitator_token, title="Werkconferentie 360")
    try:
        room.add_item("feedback360", "Feedback van alle kanten")
        room.items["feedback360"] = room.fac.sync()["control"]["agenda"][-1]["id"]
        room.goto("feedback360")
        ann, bob, cem, dan = (room.phone(n) for n in ("Ann", "Bob", "Cem", "Dan"))
        # Links made from now on are valid for three days; 0 or 91 days changes nothing.
        item_id = room.items["feedback360"]
        for bad in (0, 91):
            room.refused(room.fac, "three_sixty.configure", "invalid", item_id=item_id,
                         link_days=bad)
        room.ok(room.fac, "three_sixty.configure", item_id=item_id, link_days=3)
        # A room of 60: the others' phones must see nothing of it either.
        others = [room.phone(f"Deelnemer {n:02d} van Wijkteam Zuid-Oost") for n in range(55)]
        board = room.board()
        for colleague in (bob, cem):
            room.ok(ann, "three_sixty.ask", to_id=colleague.participant_id)
        room.ok(dan, "three_sixty.ask", to_id=bob.participant_id)
        room.refused(ann, "three_sixty.ask", "invalid", to_id=ann.participant_id)

        # Colleagues here answer on the answer page their phone links to.
        for colleague, word in ((bob, "ZORGVULDIG-BOB"), (cem, "ZORGVULDIG-CEM")):
            todo = colleague.sync()["me"]["view"]["to_answer"]
            mine = [i for i in todo if i["name"] == "Ann"]
            assert len(mine) == 1
            url = f"{server.url}/w/{room.code}/360/answer/{mine[0]['id']}"
            sent = outside_answer_with(server, cookie_session(server, room, colleague), url,
                                       {"judgement": "4", "strengths": word})
            assert sent.status_code == 200, sent.text
        # Outside: three managers, three clients, one partner, each on their own device.
        ann_http = cookie_session(server, room, ann)
        texts = {}
        for perspective, n in (("manager", 3), ("client", 3), ("partner", 1)):
            for i in range(n):
                url = invite(server, ann_http, room.code, perspective)
                texts[perspective, i] = f"{perspective.upper()}-{i}-" + "x" * 900
                done = outside_answer(server, url, {"judgement": str(3 + i % 2),
                                                    "develop": texts[perspective, i]})
                assert done.status_code == 200 and "Bedankt" in done.text, done.text
                again = requests.get(url, timeout=10)  # one answer per link
                assert again.status_code == 410 and "al gegeven" in again.text
        # Dan's round has one answer from Bob.
        dan_todo = [i for i in bob.sync()["me"]["view"]["to_answer"] if i["name"] == "Dan"]
        outside_answer_with(server, cookie_session(server, room, bob),
                            f"{server.url}/w/{room.code}/360/answer/{dan_todo[0]['id']}",
                            {"strengths": "ALLEEN-VOOR-DAN"})

        results = ann.sync()["me"]["view"]["results"]
        groups = {g["key"]: g for g in results["groups"]}
        # Colleagues (2) and the partner (1) are too few alone: merged into "others" (3).
        assert set(groups) == {"manager", "client", "others"}
        assert [groups[k]["count"] for k in ("manager", "client", "others")] == [3, 3, 3]
        others_texts = [a for t in groups["others"]["texts"] for a in t["answers"]]
        assert sorted(others_texts) == sorted(["ZORGVULDIG-BOB", "ZORGVULDIG-CEM",
                                               texts["partner", 0]])
        assert results["held_back"] == 0
        stored = server.db_rows("SELECT judgement FROM (SELECT json_extract(answers,"
                                " '$.judgement') AS judgement, perspective FROM"
                                " feedback360_answers) WHERE perspective = 'manager'")
        assert groups["manager"]["scales"][0]["mean"] == round(
            sum(r["judgement"] for r in stored) / 3, 1)
        # Dan: one answer, below the minimum, nothing shown.
        dan_results = dan.sync()["me"]["view"]["results"]
        assert dan_results["groups"] == [] and dan_results["held_back"] == 1

        # Nothing of Ann's 360 anywhere but on Ann's phone; nothing of Dan's on Ann's.
        secret = ["ZORGVULDIG-BOB", "ZORGVULDIG-CEM", "MANAGER-0", "PARTNER-0"]
        for screen in [bob, cem, dan, board, room.fac, *others]:
            seen = screen.raw() + json.dumps(screen.sync(), ensure_ascii=False)
            assert not any(s in seen for s in secret), screen.label
        assert "ALLEEN-VOOR-DAN" not in ann.raw() + json.dumps(ann.sync())
        events = json.dumps(server.db_rows(
            "SELECT data, result FROM events e JOIN workshops w ON w.id = e.workshop_id"
            " WHERE w.code = ?", (room.code,)))
        assert not any(s in events for s in secret)  # the event log never holds answers
        assert room.fac.sync()["control"]["item"]["view"]["counts"] == {"people": 2,
                                                                         "answers": 10}
        # The report says the round took place, with counts; never an answer.
        fac = login_session(server, FAC)
        for fmt in ("md", "csv"):
            report = fac.get(f"{server.url}/w/{room.code}/report.{fmt}", timeout=20)
            assert report.status_code == 200
            assert "Feedback van alle kanten" in report.text
            assert "Mensen die feedback vroegen" in report.text
            assert not any(s in report.text for s in [*secret, "ALLEEN-VOOR-DAN"])
        ends = {r["expires_at"][:10] for r in server.db_rows(
            "SELECT expires_at FROM feedback360_invites WHERE answerer_id IS NULL")}
        assert ends == {(datetime.now(UTC) + timedelta(days=3)).date().isoformat()}
        # An expired link is refused with a clear message.
        url = invite(server, ann_http, room.code, "manager")
        server.store().run("UPDATE feedback360_invites SET expires_at = '2020-01-01T00:00:00Z'"
                           " WHERE answered_at IS NULL AND answerer_id IS NULL")
        expired = requests.get(url, timeout=10)
        assert expired.status_code == 410 and "verlopen" in expired.text
        assert requests.get(server.url + "/f/not-a-real-token", timeout=10).status_code == 404

        # Retention: after the close, the invites go, and the answers of everyone who
        # keeps no personal link (Dan); Ann keeps one, so her portfolio keeps her results.
        keep_link(server, ann_http, room.code)
        room.ok(room.fac, "workshop.close")
        from facilitator.activities.intervision import retention

        retention.purge(server.store(), datetime.now(UTC) + timedelta(days=31))
        kept = server.db_rows(
            "SELECT DISTINCT subject_id FROM feedback360_answers a JOIN workshops w"
            " ON w.id = a.workshop_id WHERE w.code = ?", (room.code,))
        assert kept == [{"subject_id": ann.participant_id}]
        assert server.db_rows(
            "SELECT COUNT(*) AS n FROM feedback360_invites i JOIN workshops w"
            " ON w.id = i.workshop_id WHERE w.code = ?", (room.code,))[0]["n"] == 0
    finally:
        room.close()


def outside_answer_with(server: Any, session: requests.Session, url: str,
                        answers: dict[str, str]) -> requests.Response:
    form = session.get(url, timeout=10)
    assert form.status_code == 200, form.text
    return session.post(url, data={"csrf_token": csrf(form.text), **answers}, timeout=10)


def test_on_the_phone_a_link_is_kept_and_a_colleague_asked_and_answered(
        server: Any, facilitator_token: str, browser: Any) -> None:
    """The whole flow in Chromium at 360 px, each new page checked with axe."""
    from a11y_support import Audit
    from support import screenshot
    from support.pages import settle_page

    room = Room(server, facilitator_token, title="Werkconferentie Zorg en Welzijn Noord")
    later = Room(server, facilitator_token, title="Terugkombijeenkomst")
    audit = Audit()
    try:
        programme(server, room.code, later.code)
        room.add_item("feedback360", "Feedback van alle kanten")
        room.items["feedback360"] = room.fac.sync()["control"]["agenda"][-1]["id"]
        room.goto("feedback360")
        bob = room.phone("Bob de Vries-Kuipers")
        phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
        phone.goto(f"{server.url}/j/{room.code}")
        phone.fill("#name", "Ann")
        phone.click("button.primary")
        settle_page(phone)
        phone.click("#keep-link")
        phone.click("button.primary")
        phone.wait_for_selector("img.person-qr")
        assert phone.locator("#person-link").inner_text().startswith(server.url + "/p/")
        audit.check(phone, "kept")
        screenshot(phone, "phone-personal-link")
        phone.click("text=Terug naar de sessie")
        settle_page(phone)
        # Ask Bob, the colleague here; then Bob's phone links to the answer page.
        phone.select_option("#f360-colleague", label="Bob de Vries-Kuipers")
        phone.click("text=Vraag feedback")
        phone.wait_for_selector("[data-list=mine] li")
        assert "wacht nog" in phone.inner_text("[data-list=mine]")
        audit.check(phone, "phone 360")
        screenshot(phone, "phone-360-round")
        colleague = browser.new_context(viewport={"width": 360, "height": 740})
        colleague.add_cookies([{"name": f"ftok_{room.code}", "value": bob.token,
                                "url": server.url}])
        bob_page = colleague.new_page()
        bob_page.goto(f"{server.url}/w/{room.code}/phone")
        settle_page(bob_page)
        bob_page.click("text=Geef feedback aan Ann")
        bob_page.check("#judgement-5", force=True)
        bob_page.fill("#strengths", "Je vat een lastig gesprek helder samen.")
        audit.check(bob_page, "answer form")
        bob_page.click("text=Verstuur mijn feedback")
        bob_page.wait_for_selector("text=Bedankt voor je feedback.")
        bob_page.click("text=Terug naar de sessie")
        settle_page(bob_page)
        assert bob_page.locator("[data-part=to-answer]").is_hidden()
        phone.wait_for_function(
            "() => document.querySelector('[data-list=mine]').innerText.includes('beantwoord')")
        # One answer: nothing shown yet (the minimum is three); never Bob's text.
        assert "Nog geen resultaten" in phone.inner_text("[data-list=results]")
        assert "helder samen" not in phone.content()
        # The board: counts only, legible from the back (no text below 2.6 % of the height).
        board = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
        board.goto(room.ws["board_url"])
        settle_page(board)
        board.wait_for_function(
            "() => (document.querySelector('[data-field=counts]')?.textContent || '')"
            ".includes('1 persoon vraagt feedback · 1 antwoord')")
        smallest = board.evaluate("""() => Math.min(...[...document.querySelectorAll(
            '#activity *')].filter((e) => e.offsetParent && [...e.childNodes].some(
            (n) => n.nodeType === 3 && n.textContent.trim())).map(
            (e) => parseFloat(getComputedStyle(e).fontSize)))""")
        assert smallest >= 0.026 * 1080, smallest
        assert "helder samen" not in board.content()
        screenshot(board, "board-360-round")
        board.context.close()
        # The next workshop of the programme offers Ann as herself.
        phone.goto(f"{server.url}/j/{later.code}")
        assert phone.input_value("#name") == "Ann"
        assert phone.is_checked("#as_person")
        audit.check(phone, "join, recognised")
        phone.goto(f"{server.url}/me")
        phone.wait_for_selector("h1")
        assert phone.title().startswith("Mijn portfolio")
        audit.check(phone, "portfolio")
        audit.assert_clean()
        colleague.close()
        phone.context.close()
    finally:
        room.close()
        later.close()


def test_a_double_tap_on_an_outside_link_stores_one_answer(
        server: Any, facilitator_token: str) -> None:
    """Someone outside the room taps "send" twice, both posts arriving at once (a slow
    phone, an impatient thumb): one answer is stored, both taps are told so in Dutch."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    room = Room(server, facilitator_token, title="Dubbel tikken")
    try:
        room.add_item("feedback360", "Feedback van alle kanten")
        room.items["feedback360"] = room.fac.sync()["control"]["agenda"][-1]["id"]
        room.goto("feedback360")
        ann = room.phone("Ann")
        url = invite(server, cookie_session(server, room, ann), room.code, "manager")
        session = requests.Session()
        form = session.get(url, timeout=10)
        assert form.status_code == 200, form.text
        data = {"csrf_token": csrf(form.text), "judgement": "4",
                "develop": "EEN-KEER-OPGESLAGEN " + "x" * 900}
        start = Barrier(2)

        def tap() -> requests.Response:
            start.wait(timeout=10)
            return session.post(url, data=data, timeout=10)

        with ThreadPoolExecutor(2) as pool:
            replies = list(pool.map(lambda _: tap(), range(2)))
        statuses = sorted(r.status_code for r in replies)
        assert statuses[0] == 200 and statuses[1] in (400, 410), statuses
        thanked = [r for r in replies if r.status_code == 200][0]
        assert "Bedankt" in thanked.text
        refused = [r for r in replies if r.status_code != 200][0]
        assert "al gegeven" in refused.text and "Traceback" not in refused.text
        again = session.post(url, data=data, timeout=10)  # a third tap, later
        assert again.status_code == 410 and "al gegeven" in again.text
        stored = server.db_rows(
            "SELECT a.answers FROM feedback360_answers a JOIN workshops w"
            " ON w.id = a.workshop_id WHERE w.code = ?", (room.code,))
        assert len(stored) == 1 and "EEN-KEER-OPGESLAGEN" in stored[0]["answers"], stored
    finally:
        room.close()
