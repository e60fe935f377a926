"""The eindrapport of a whole work conference (60 people, 40 dilemmas of which some
1,000 characters, 8 themes, a vote, three games, a harvest, feedback, agreements) in
every format: the page, Word, Markdown and CSV, each parsed, each holding the summary
and every text of the one report model, and none holding what the page leaves out.
Then who may read it, and the anonymous report. Through the Flask test client on a real
SQLite file; the printed pages are in test_report.py."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, timedelta
from typing import Any

import docx
import pytest
from flask import g
from report_support import (
    AGREEMENT,
    ARGUMENT,
    NAMED_AUTHOR,
    NEED,
    NEVER,
    RECOMMENDATION,
    VALUES,
    Conference,
    long_situation,
)

from facilitator import auth
from facilitator.report import model
from facilitator.room.workshops import by_code

PASSWORD = "correct horse battery"
TITLE = "Werkconferentie dilemma's in de wijkzorg"


def _user(store: Any, email: str, role: str, team: str | None, name: str = "") -> None:
    user = auth.add_user(store, email, PASSWORD, role, name)
    if team:
        auth.add_to_team(store, auth.add_team(store, team), user.id)


@pytest.fixture
def conference(app: Any, store: Any) -> Conference:
    _user(store, "fac@example.nl", "facilitator", "Wijkteam Noord", "Fatima el Amrani")
    _user(store, "teamleider@example.nl", "manager", "Wijkteam Noord")
    _user(store, "ander-team@example.nl", "manager", "Wijkteam Zuid")
    _user(store, "collega@example.nl", "facilitator", "Wijkteam Noord")
    return Conference(app, "fac@example.nl", TITLE, team="Wijkteam Noord")


def _client(app: Any, email: str) -> Any:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


def _formats(client: Any, code: str) -> dict[str, Any]:
    """Every format as served, and as text: tags and escapes gone, documents parsed."""
    out: dict[str, Any] = {}
    page = client.get(f"/w/{code}/report")
    assert page.status_code == 200
    for fmt in ("docx", "md", "csv"):  # the page's own download buttons
        assert f'id="report-{fmt}" href="/w/{code}/report.{fmt}"' in page.text
    body = page.text.split('<main id="main"', 1)[1]
    # The tools (buttons, settings form) are not the report; everything in <article> is.
    body = re.sub(r'<aside class="report-tools.*?</aside>', "", body, flags=re.S)
    out["html"] = html.unescape(re.sub(r"<[^>]+>", " ", body))
    md = client.get(f"/w/{code}/report.md")
    assert md.status_code == 200 and md.mimetype == "text/markdown"
    out["md_raw"] = md.data.decode("utf-8")
    out["md"] = re.sub(r"\\(.)", r"\1", out["md_raw"])  # the escapes, as a reader sees it
    word = client.get(f"/w/{code}/report.docx")
    assert word.status_code == 200 and word.mimetype.endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(word.data))
    out["docx_doc"] = document
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    out["docx"] = "\n".join([p.text for p in document.paragraphs] + cells)
    sheet = client.get(f"/w/{code}/report.csv")
    assert sheet.status_code == 200 and sheet.mimetype == "text/csv"
    out["csv_raw"] = sheet.data
    out["csv_rows"] = list(csv.reader(io.StringIO(sheet.data.decode("utf-8-sig")),
                                      delimiter=";"))
    out["csv"] = "\n".join(";".join(r) for r in out["csv_rows"])
    return out


def _flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def _report(app: Any, code: str) -> model.Report:
    with app.test_request_context():
        workshop = by_code(app.extensions["facilitator.store"], code)
        g.workshop_language = workshop["language"]
        return model.build(app.extensions["facilitator.store"], workshop)


TEXT_FORMATS = ("html", "md", "docx", "csv")


def test_every_format_holds_the_report_and_nothing_it_leaves_out(app: Any, conference: Any):
    code = conference.workshop["code"]
    formats = _formats(_client(app, "fac@example.nl"), code)
    report = _report(app, code)
    texts = {_flat(t) for t in report.texts()}
    assert len(texts) > 100  # a whole conference, not an empty model
    for name in TEXT_FORMATS:
        flat = _flat(formats[name])
        missing = sorted(t for t in texts if t not in flat)
        assert not missing, (name, missing[:5])
        for secret in NEVER:
            assert secret not in formats[name], (name, secret)
        # The summary, first: who took part, the choice, the needs, the recommendations.
        for fact in ("Samenvatting", "Deelnemers", "60", "Ingebrachte dilemma's",
                     "Inhoudelijk / organisatorisch", "De gekozen dilemma's",
                     "Hoe de zaal koos", VALUES, NEED, RECOMMENDATION, AGREEMENT,
                     "1 afspraak is alleen voor de deelnemers zichtbaar.",
                     "1 dilemma dat de facilitator verborg of niet goedkeurde"):
            assert fact in flat, (name, fact)
        assert flat.index("Samenvatting") < flat.index("Hoe de zaal koos") < flat.index(
            long_situation(3)), name
        # Each dilemma is written out once; the author who chose it is named.
        for n in (3, 10, 25):  # 10 and 25 are 1,000 characters long
            assert len(long_situation(n)) > 120
            assert flat.count(long_situation(n)) == 1, (name, n)
        assert NAMED_AUTHOR in flat, name


def test_the_documents_read_as_documents(app: Any, conference: Any):
    code = conference.workshop["code"]
    formats = _formats(_client(app, "fac@example.nl"), code)
    # Markdown: a title, the summary first, no data dump, no English keys.
    md = formats["md_raw"]
    assert md.startswith(f"# {TITLE}\n")
    h2 = re.findall(r"^## (.+)$", md, flags=re.M)
    assert h2[0] == "Samenvatting" and h2.count("Dilemma's") == 1 and h2[-1] == "Afspraken"
    assert "Dilemma 1 bespreken" in h2 and "Nodig van het management" not in h2  # a table
    for dump in ("- id:", "theme_id", "approved", "True", "merged_into", "- dilemmas:"):
        assert dump not in md, dump
    assert re.search(r"^\| #1 \| ", md, flags=re.M)  # "#" is escaped only where it counts
    # What a participant typed shows as typed: never markup, in Markdown or on the page.
    assert r"Veiligheid \<b\>eerst\</b\> \| en \*daarna\* de \[wens\](x)" in md
    page = _client(app, "fac@example.nl").get(f"/w/{code}/report").text
    assert "Veiligheid &lt;b&gt;eerst&lt;/b&gt;" in page and ARGUMENT in formats["docx"]
    article = page.split("<article", 1)[1].split("</article>", 1)[0]
    assert "<script" not in article and "style=" not in article  # CSP: no inline anything
    assert article.count('class="bar-fill"') >= 10
    # Word: real headings a facilitator can navigate, tables, a footer with a page field.
    document = formats["docx_doc"]
    headings = [(p.style.name, p.text) for p in document.paragraphs
                if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == ("Title", TITLE)
    assert ("Heading 1", "Samenvatting") in headings and ("Heading 1", "Afspraken") in headings
    assert len(document.tables) >= 5 and {t.style.name for t in document.tables} == {"Table Grid"}
    styles = {p.style.name for p in document.paragraphs}
    assert {"List Bullet", "List Number", "Quote"} <= styles  # Word's own, editable styles
    footer = document.sections[0].footer.paragraphs[0]
    assert footer.text.startswith(TITLE) and "Pagina" in footer.text
    assert 'instrText' in footer._p.xml and "PAGE" in footer._p.xml
    # CSV: Excel with Dutch settings, one table with the part of the report in front.
    raw = formats["csv_raw"]
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = formats["csv_rows"]
    assert rows[0][:4] == ["Onderdeel", "Over", "Wat het is", "Dilemma"]
    assert len({len(r) for r in rows}) == 1
    parts = {r[0] for r in rows[1:]}
    assert {"Samenvatting", "Dilemma's", "Dilemma's kiezen", "Afspraken"} <= parts


def test_the_shift_and_the_split_come_from_the_stored_choices(app: Any, conference: Any):
    """The first game's first round in the CSV, checked against dilemma_choices."""
    store = app.extensions["facilitator.store"]
    game = conference.items["dilemma_game"][0]
    first, revote = store.all("SELECT id FROM dilemma_rounds WHERE item_id = ? ORDER BY number",
                              (game,))[:2]
    chose = store.all("SELECT participant_id, option FROM dilemma_choices WHERE round_id = ?",
                      (first["id"],))
    again = {r["participant_id"]: r["option"] for r in store.all(
        "SELECT participant_id, option FROM dilemma_choices WHERE round_id = ?",
        (revote["id"],))}
    a = sum(1 for r in chose if r["option"] == 0)
    moved = sum(1 for r in chose if r["participant_id"] in again
                and again[r["participant_id"]] != r["option"])
    rows = _formats(_client(app, "fac@example.nl"), conference.workshop["code"])["csv_rows"]
    header = rows[0]
    col = {name: header.index(name) for name in ("Onderdeel", "Wat het is", "Tekst",
                                                 "Aantal", "Percentage", "Verschuiving")}
    bar = next(r for r in rows if r[col["Onderdeel"]] == "Dilemma 1 bespreken"
               and r[col["Wat het is"]].startswith("Ronde 1 ·")
               and r[col["Tekst"]].startswith("A."))
    assert int(bar[col["Aantal"]]) == a
    assert bar[col["Percentage"]] == f"{100 * a / len(chose):.1f}".replace(".", ",")
    shift = next(r[col["Verschuiving"]] for r in rows[1:] if r[col["Verschuiving"]])
    assert shift.startswith(f"{moved} van de {len(again)} ")
    assert 0 < moved < len(chose)  # the conference did shift, and not everyone


def test_the_teams_manager_reads_it_and_nobody_else(app: Any, conference: Any):
    code = conference.workshop["code"]
    manager = _client(app, "teamleider@example.nl")
    formats = _formats(manager, code)
    assert AGREEMENT in formats["html"] and RECOMMENDATION in formats["docx"]
    page = manager.get(f"/w/{code}/report").text
    assert "report/settings" not in page and 'id="r-anonymous"' not in page  # read-only
    assert manager.post(f"/w/{code}/report/settings",
                        data={"place": "X", "anonymous": "1"}).status_code == 404
    review = manager.get("/review").text
    assert f'href="/w/{code}/report"' in review  # linked from the review pages
    for email in ("ander-team@example.nl", "collega@example.nl"):
        other = _client(app, email)
        for path in ("report", "report.md", "report.docx", "report.csv", "report-print.css"):
            response = other.get(f"/w/{code}/{path}")
            assert response.status_code == 404, (email, path)
            assert AGREEMENT not in response.text and TITLE not in response.text
    assert app.test_client().get(f"/w/{code}/report.docx").status_code == 302  # log in first


def test_the_anonymous_report_names_nobody_in_any_format(app: Any, conference: Any):
    code = conference.workshop["code"]
    fac = _client(app, "fac@example.nl")
    before = conference.store.one("SELECT settings FROM workshops WHERE code = ?", (code,))
    refused = fac.post(f"/w/{code}/report/settings", data={"place": "x" * 121, "anonymous": "1"})
    assert refused.status_code == 400 and "Te lang" in refused.text
    assert "Traceback" not in refused.text
    assert conference.store.one("SELECT settings FROM workshops WHERE code = ?",
                                (code,)) == before
    saved = fac.post(f"/w/{code}/report/settings",
                     data={"place": "Utrecht, wijkcentrum De Pijp", "anonymous": "1"})
    assert saved.status_code == 302
    events = conference.store.all("SELECT op FROM events WHERE op = 'report.settings'")
    assert len(events) == 1  # through the dispatcher, like every change
    formats = _formats(fac, code)
    names = [NAMED_AUTHOR, conference.owner_name, conference.partner_name]
    for name in TEXT_FORMATS:
        flat = _flat(formats[name])
        for person in names:
            assert person not in flat, (name, person)
        assert "Dit verslag noemt niemand bij naam." in flat, name
        assert "Utrecht, wijkcentrum De Pijp" in flat, name
        assert AGREEMENT in flat and "een deelnemer" in flat, name
    # And back: the names return once the facilitator allows them again.
    fac.post(f"/w/{code}/report/settings", data={"place": "Utrecht"})
    assert NAMED_AUTHOR in _formats(fac, code)["md"]


def test_a_workshop_with_nothing_to_report_leaves_the_empty_parts_out(app: Any, store: Any):
    _user(store, "fac@example.nl", "facilitator", None, "Fatima")
    with app.test_request_context():
        from facilitator.room.workshops import create_workshop

        owner = store.one("SELECT id FROM users WHERE email = 'fac@example.nl'")
        ws = create_workshop(store, owner["id"], "Alleen welkom")
    formats = _formats(_client(app, "fac@example.nl"), ws["code"])
    assert re.findall(r"^## (.+)$", formats["md_raw"], flags=re.M) == ["Samenvatting"]
    for name in TEXT_FORMATS:
        assert "Nog geen afspraken" not in formats[name] and "Afspraken" not in formats[name]
        assert "Welkom" in formats[name]  # the programme


def _png(width: int = 8, height: int = 4) -> bytes:
    """A small valid PNG (python-docx reads its size from the header)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x0b\x4f\x8a" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_the_organisation_and_its_logo_are_settings(tmp_path: Any):
    from facilitator import create_app

    logo = tmp_path / "logo.png"
    logo.write_bytes(_png())
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "ASYNC_MODE": "threading",
                      "TESTING": True, "WTF_CSRF_ENABLED": False, "PUSH_DELAY": 0,
                      "ORGANISATION_NAME": "Gemeente Zwolle, sociaal domein",
                      "ORGANISATION_LOGO": str(logo)})
    try:
        store = app.extensions["facilitator.store"]
        _user(store, "fac@example.nl", "facilitator", "Wijkteam Noord", "Fatima")
        conference = Conference(app, "fac@example.nl", TITLE, team="Wijkteam Noord",
                                people=12, dilemmas=10)
        client = _client(app, "fac@example.nl")
        code = conference.workshop["code"]
        formats = _formats(client, code)
        for name in TEXT_FORMATS:  # the organisation, and the team beside it
            flat = _flat(formats[name])
            assert "Gemeente Zwolle, sociaal domein" in flat and "Wijkteam Noord" in flat, name
        assert '<img class="report-logo" src="/report/logo"' in client.get(
            f"/w/{code}/report").text
        served = client.get("/report/logo")
        assert served.status_code == 200 and served.data == logo.read_bytes()
        assert len(formats["docx_doc"].inline_shapes) == 1  # the logo on the Word cover
        css = client.get(f"/w/{code}/report-print.css").text
        assert "Gemeente Zwolle\\00002c  sociaal domein" in css  # escaped inside a CSS string
        logo.write_bytes(b"<svg>not a png</svg>")  # not an image: left out, nothing breaks
        assert 'class="report-logo"' not in client.get(f"/w/{code}/report").text
        assert client.get("/report/logo").status_code == 404
        assert client.get(f"/w/{code}/report.docx").status_code == 200
    finally:
        store.close()


def test_an_english_workshop_gets_an_english_report(app: Any, store: Any):
    _user(store, "fac@example.nl", "facilitator", None, "Fatima")
    with app.test_request_context():
        from facilitator.room.workshops import create_workshop

        owner = store.one("SELECT id FROM users WHERE email = 'fac@example.nl'")
        ws = create_workshop(store, owner["id"], "Dilemma day", "en", None, "dilemmas")
    formats = _formats(_client(app, "fac@example.nl"), ws["code"])
    for name in TEXT_FORMATS:
        assert "Final report" in formats[name] and "Summary" in formats[name], name
        assert "Samenvatting" not in formats[name], name
    assert formats["csv_rows"][0][0] == "Part"


def test_recommendations_show_an_owner_priority_and_date_once_the_harvest_has_them(app: Any):
    """The colleague's harvest adds owner, priority and due date to a recommendation; the
    model shows a column for each only when some recommendation has it, and an anonymous
    report keeps a role but not a participant's name."""
    harvest = {"dilemmas": [{"dilemma": {"id": 1, "number": 4}, "recommendations": [
        {"text": "Een vast overleg", "owner": "het management", "priority": "hoog",
         "due_date": "2027-03-01"},
        {"text": "Een protocol", "owner": "Ann de Vries"}]}]}
    with app.test_request_context():
        g.workshop_language = "nl"
        src = model.Source(None, {}, False, [], [({"kind": "dilemma_harvest"}, harvest)],
                           {"ann de vries"})
        (table,) = model.recommendations(src)
        assert [key for key, _ in table.columns] == ["dilemma", "text", "who", "priority", "date"]
        assert table.rows[0]["who"] == "het management" and table.rows[0]["priority"] == "hoog"
        assert table.rows[0]["date"].endswith("1 maart")
        src.anonymous = True
        (table,) = model.recommendations(src)
        assert [r["who"] for r in table.rows] == ["het management", "een deelnemer"]
        harvest["dilemmas"][0]["recommendations"] = [{"text": "Alleen tekst"}]
        (table,) = model.recommendations(src)
        assert [key for key, _ in table.columns] == ["dilemma", "text"]


def test_the_phone_says_where_a_shown_name_appears(app: Any, store: Any):
    """Names by consent: the box "show my name" is described by where the name goes."""
    from facilitator.live.sockets import PARTICIPANT_COOKIE
    from facilitator.room import participants

    _user(store, "fac@example.nl", "facilitator", None, "Fatima")
    conference = Conference(app, "fac@example.nl", TITLE, people=8, dilemmas=8)
    with app.test_request_context():
        token, ack = participants.join_phone(conference.dispatcher, conference.workshop,
                                             "join-ann-1", "Ann de Vries", False)
    assert ack["ok"]
    phone = app.test_client()
    code = conference.workshop["code"]
    phone.set_cookie(PARTICIPANT_COOKIE + code, token)
    page = phone.get(f"/w/{code}/phone").text
    box = re.search(r'<input type="checkbox" name="show_name" aria-describedby="([^"]+)">', page)
    assert box, "the box has no description"
    hint = re.search(rf'id="{box.group(1)}">([^<]+)<', page).group(1)
    assert "op het scherm in de zaal en in het verslag" in html.unescape(hint)
    assert "anoniem" in hint


def test_expected_dilemmas_and_the_management_list_are_in_every_format(app: Any,
                                                                        conference: Any):
    """What the managers expected beside what was brought, the organisational dilemmas
    for management with their owner and answer, and a recommendation's owner and
    priority: in the summary of every format, never the name of who expected what."""
    c = conference
    store = c.store
    wid = c.workshop["id"]
    manager = store.one("SELECT id FROM users WHERE email = 'teamleider@example.nl'")
    with c.app.test_request_context():
        boss = model_actor(c, manager["id"])
        c.ok(boss, "dilemma.expect", situation="Een cliënt weigert hulp maar is in gevaar")
        c.ok(boss, "dilemma.expect", situation="Een collega deelt gegevens via WhatsApp")
        first, second = store.all("SELECT id FROM dilemma_expected WHERE workshop_id = ?"
                                  " ORDER BY id", (wid,))
        brought = store.one("SELECT id, number FROM dilemmas WHERE workshop_id = ? AND"
                            " approved = 1 AND merged_into IS NULL"
                            " ORDER BY id LIMIT 1", (wid,))
        c.ok(c.fac, "dilemma.expect_sort", expected_id=first["id"], matched_id=brought["id"],
             category="content")
        organisational = store.one("SELECT id FROM dilemmas WHERE workshop_id = ? AND"
                                   " category = 'organisational' AND approved = 1 AND"
                                   " merged_into IS NULL ORDER BY id LIMIT 1",
                                   (wid,))
        c.ok(c.fac, "dilemma_harvest.management", dilemma_id=organisational["id"],
             owner="De directeur zorg", answer="Een vast aanspreekpunt voor de wijk")
        recommendation = store.one("SELECT id FROM dilemma_recommendations"
                                   " WHERE workshop_id = ? ORDER BY id LIMIT 1", (wid,))
        c.ok(c.fac, "dilemma_harvest.assign", recommendation_id=recommendation["id"],
             owner="", owner_kind="management", priority="high",
             due_date=(date.today() + timedelta(days=60)).isoformat())
    formats = _formats(_client(app, "fac@example.nl"), c.workshop["code"])
    for name in TEXT_FORMATS:
        flat = _flat(formats[name])
        for fact in ("Verwacht en ingebracht", "Een cliënt weigert hulp maar is in gevaar",
                     "Verwacht, niet ingebracht", "Een collega deelt gegevens via WhatsApp",
                     "Ingebracht, niet verwacht", "Voor het management", "De directeur zorg",
                     "Een vast aanspreekpunt voor de wijk", "hoog"):
            assert fact in flat, (name, fact)
        assert flat.index("Samenvatting") < flat.index("Verwacht en ingebracht"), name
        assert "teamleider@example.nl" not in flat, name


def model_actor(c: Any, user_id: int) -> Any:
    from facilitator.live.actions import MANAGER, Actor

    return Actor(MANAGER, c.workshop["id"], user_id=user_id)
