"""Programmes on the real server (issue 19, points 1, 2 and 5): a programme of three
workshops made and filled the way a facilitator does it (pages for the programme and
its workshops; the room through the dispatcher and sockets), then

- its page: the workshops in date order, added, duplicated inside it, moved out and to
  another programme; the workshop list showing and filtering by programme;
- its report in every format (page, Word, Markdown, CSV), parsed and checked against
  what was planted: dilemmas by theme and type over time, recurring themes, needs and
  recommendations merged, expected against brought, agreements with their status now,
  attendance counts; and none of the planted secrets;
- the attendance export against the intervision meetings, before and after retention
  deleted the groups;
- who may see what (others get a 404), and bad form input.

Workshop A is a conference of 60 people and 40 dilemmas (report_support.Conference),
B a smaller conference made on the programme's page, C an intervision afternoon of six
people in two groups (intervision_support.Room)."""

from __future__ import annotations

import csv
import html
import io
import re
import secrets
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import docx
import pytest
import requests
from a11y_support import blocking_violations
from a11y_support import report as axe_report
from intervision_support import Room
from report_support import AGREEMENT, NEED, NEVER, RECOMMENDATION, THEMES, Conference
from support import PASSWORD, form_token, login_session, screenshot
from support.shots import wanted

from facilitator.live.actions import FACILITATOR, PARTICIPANT, Actor
from facilitator.room import participants
from facilitator.security import hash_token

INTERVISION_SECRET = "VERTROUWELIJK-INTERVISIE-6620"
B_OWNER = "Bram Bakker-Verhoeven van het KCC"
B_AGREEMENT = "Het KCC belt elke cliënt binnen twee werkdagen terug"
B_NEED = "Een vast aanspreekpunt bij de gemeente voor spoedzaken"
EXPECTED_BROUGHT = "De werkdruk door het rooster laat geen ruimte voor overleg"
EXPECTED_ONLY = "Zorgen over agressie aan de balie van het wijkcentrum"
PROGRAMME = "Leergang vakmanschap wijkteams 2026"
WORKSHOP_B = "Tweede werkconferentie: werkdruk en bereikbaarheid"
SECRETS = (*NEVER, INTERVISION_SECRET, B_OWNER)


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


_csrf = form_token


def _post(session: requests.Session, base: str, form_page: str, action: str,
          **data: Any) -> requests.Response:
    """Submit a form as the browser does: its page first, for the CSRF token."""
    token = _csrf(session, base + form_page)
    return session.post(base + action, data={"csrf_token": token, **data}, timeout=30,
                        allow_redirects=False)


class Filler:
    """A workshop's room played through the server's own dispatcher, in-process on its
    database file (as report_support.Conference does)."""

    def __init__(self, app: Any, workshop_id: int, owner_id: int):
        self.app = app
        self.store = app.extensions["facilitator.store"]
        self.dispatcher = app.extensions["facilitator.dispatcher"]
        self.workshop = dict(self.store.one("SELECT * FROM workshops WHERE id = ?",
                                            (workshop_id,)))
        self.fac = Actor(FACILITATOR, workshop_id, user_id=owner_id)

    def ok(self, actor: Actor, op: str, **data: Any) -> dict[str, Any]:
        with self.app.test_request_context():
            ack = self.dispatcher.dispatch(
                actor, {"op": op, "op_id": secrets.token_hex(8), "data": data})
        assert ack["ok"], (op, data, ack)
        return ack["result"]

    def join(self, name: str) -> Actor:
        with self.app.test_request_context():
            token, ack = participants.join_phone(self.dispatcher, self.workshop,
                                                 secrets.token_hex(8), name, False)
        assert ack["ok"], ack
        return Actor(PARTICIPANT, self.workshop["id"],
                     participant_id=ack["result"]["participant_id"],
                     token_hash=hash_token(token))

    def item(self, kind: str) -> int:
        return self.store.one("SELECT id FROM agenda_items WHERE workshop_id = ? AND kind = ?"
                              " ORDER BY position LIMIT 1", (self.workshop["id"], kind))["id"]


def _fill_b(app: Any, workshop_id: int, owner_id: int, earlier_agreement: int) -> None:
    """A second conference: a theme that comes back (Werkdruk), A's need again, what the
    managers expected, an agreement, a review of A's agreement; an anonymous report."""
    b = Filler(app, workshop_id, owner_id)
    b.ok(b.fac, "workshop.open")
    owner = b.join(B_OWNER)
    partner = b.join("Sanne de Wit")
    phones = [owner, partner] + [b.join(f"Collega {n} van het KCC") for n in range(8)]
    expected = b.ok(b.fac, "dilemma.expect", situation=EXPECTED_BROUGHT)["expected_id"]
    b.ok(b.fac, "dilemma.expect", situation=EXPECTED_ONLY)
    b.ok(b.fac, "agenda.goto", item_id=b.item("dilemma_collect"))
    ids = [b.ok(phones[n], "dilemma.submit",
                situation=f"Dilemma {n} van het KCC: de cliënt belt voor de derde keer",
                options=["Meteen terugbellen", "Eerst het rooster afmaken"],
                values="bereikbaarheid tegenover zorgvuldigheid", show_name=False)[
        "dilemma_id"] for n in range(6)]
    b.ok(b.fac, "agenda.goto", item_id=b.item("dilemma_sort"))
    werkdruk = b.ok(b.fac, "dilemma.theme_add", name="werkdruk")["theme_id"]  # case aside
    bereik = b.ok(b.fac, "dilemma.theme_add", name="Bereikbaarheid")["theme_id"]
    for n, did in enumerate(ids):
        b.ok(b.fac, "dilemma.set_theme", dilemma_id=did, theme_id=werkdruk if n < 4 else bereik)
        b.ok(b.fac, "dilemma.classify", dilemma_id=did,
             category="organisational" if n % 2 else "content")
    b.ok(b.fac, "dilemma.expect_sort", expected_id=expected, matched_id=ids[0],
         theme_id=werkdruk, category="organisational")
    b.ok(b.fac, "agenda.goto", item_id=b.item("dilemma_harvest"))
    b.ok(phones[3], "dilemma_harvest.need", dilemma_id=ids[0], text=NEED)
    b.ok(phones[4], "dilemma_harvest.need", dilemma_id=ids[1], text=B_NEED)
    b.ok(b.fac, "dilemma_harvest.recommend", dilemma_id=ids[0],
         text="Maak terugbellen een vast blok in het rooster")
    agreements = b.ok(b.fac, "agenda.add", kind="agreements")["item_id"]
    b.ok(b.fac, "agenda.goto", item_id=agreements)
    aid = b.ok(owner, "agreements.propose", owner_id=owner.participant_id, what=B_AGREEMENT,
               with_ids=[partner.participant_id], manager_visible=True, owner_text="",
               check_how="In het teamoverleg", due_date="2030-03-01")["agreement_id"]
    for phone in (owner, partner):
        b.ok(phone, "agreements.confirm", agreement_id=aid)
    review = b.ok(b.fac, "agenda.add", kind="open_agreements")["item_id"]
    b.ok(b.fac, "agenda.goto", item_id=review)
    b.ok(b.fac, "open_agreements.review", agreement_id=earlier_agreement, status="done",
         note="Gedaan in april")
    b.ok(b.fac, "report.settings", place="", anonymous=True)


@pytest.fixture(scope="module")
def programme(server: Any, module_facilitator_token: str) -> Any:
    """The programme, built once for the module: pages, dispatcher and sockets."""
    server.add_user("teamleider@example.nl", "manager", teams=("Wijkteam Noord",))
    server.add_user("ander-team@example.nl", "manager", teams=("Wijkteam Zuid",))
    server.add_user("collega@example.nl", "facilitator", teams=("Wijkteam Noord",))
    app = server._app
    store = server.store()
    owner_id = store.one("SELECT id FROM users WHERE email = 'fac@example.nl'")["id"]
    team_id = store.one("SELECT id FROM teams WHERE name = 'Wijkteam Noord'")["id"]
    fac = login_session(server, "fac@example.nl")
    base = server.url
    made = _post(fac, base, "/programmes/new", "/programmes/new", name=PROGRAMME,
                 organisation="Gemeente Noorderhaven", team=str(team_id),
                 starts_on="2026-01-12", ends_on="2026-12-18",
                 description="Vier werkconferenties en intervisie voor de wijkteams.")
    assert made.status_code == 302, made.text
    pid = int(made.headers["Location"].rsplit("/", 1)[1])
    # A: a whole conference, made before the programme existed, added on its page.
    conference = Conference(app, "fac@example.nl", "Eerste werkconferentie wijkzorg",
                            team="Wijkteam Noord")
    a_code = conference.workshop["code"]
    with app.test_request_context():
        for phone in conference.phones[2:4]:  # owner and partner: agreed, kept in review
            conference.ok(phone, "agreements.confirm", agreement_id=conference.agreement)
    added = _post(fac, base, f"/programmes/{pid}", f"/programmes/{pid}/workshops",
                  code=a_code, to=str(pid))
    assert added.status_code == 302, added.text
    # B: made inside the programme from the new-workshop form.
    made_b = _post(fac, base, f"/workshops/new?programme={pid}", "/workshops/new",
                   title=WORKSHOP_B, language="nl", agenda="dilemmas", team=str(team_id),
                   programme=str(pid))
    assert made_b.status_code == 302, made_b.text
    b_code = made_b.headers["Location"].split("/")[2]
    b_id = store.one("SELECT id FROM workshops WHERE code = ?", (b_code,))["id"]
    _fill_b(app, b_id, owner_id, conference.agreement)
    # C: an intervision afternoon over sockets, six named people and one who joined
    # without a name, in two groups; both rounds run.
    room = Room(server, module_facilitator_token, None, people=6,
                title="Intervisie wijkteams, ronde 1")
    unnamed = room.phone(None)
    room.phones[unnamed.participant_id] = unnamed
    for group in room.make_groups(size=4):
        # The one without a name sits in and writes nothing (an anonymous case-holder
        # who keeps a takeaway is refused today: see the report of this branch).
        quiet = [m for m in group["members"] if m["id"] != unnamed.participant_id]
        if room.guide_of(group) == unnamed.participant_id:
            room.ok(room.fac, "intervision.role", group_id=group["id"], role="process_guide",
                    participant_id=quiet[0]["id"])
            group = next(g for g in room.groups() if g["id"] == group["id"])
            quiet = [m for m in group["members"] if m["id"] != unnamed.participant_id]
        room.run_round({**group, "members": quiet}, INTERVISION_SECRET)
    # P1 kept a personal link (persons' table): the export names their person number.
    person_id = store.run("INSERT INTO persons (token_hash, programme_id, created_at)"
                          " VALUES (?, ?, '2026-01-12T09:00:00Z')",
                          (secrets.token_hex(16), pid)).lastrowid
    store.run("UPDATE participants SET person_id = ? WHERE name = 'P1' AND workshop_id ="
              " (SELECT id FROM workshops WHERE code = ?)", (person_id, room.code))
    groups = store.all("SELECT * FROM intervision_groups WHERE workshop_id ="
                       " (SELECT id FROM workshops WHERE code = ?)", (room.code,))
    members = {g["id"]: [r["participant_id"] for r in store.all(
        "SELECT participant_id FROM intervision_members WHERE group_id = ?", (g["id"],))]
        for g in groups}
    room.ok(room.fac, "workshop.close")
    added = _post(fac, base, f"/programmes/{pid}", f"/programmes/{pid}/workshops",
                  code=room.code, to=str(pid))
    assert added.status_code == 302
    room.close()
    yield {"id": pid, "session": fac, "base": base, "store": store, "app": app,
           "conference": conference, "codes": (a_code, b_code, room.code),
           "groups": groups, "members": members, "team_id": team_id,
           "person_id": person_id}


# --- the programme's page and the workshop list ------------------------------------------


def _rows(page: str, table_id: str) -> list[str]:
    body = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<tr data-code="([^"]+)"', body)


def test_programme_page_lists_adds_duplicates_and_moves(programme: Any) -> None:
    fac, base, pid = programme["session"], programme["base"], programme["id"]
    a, b, c = programme["codes"]
    page = fac.get(f"{base}/programmes/{pid}", timeout=10)
    assert page.status_code == 200
    assert _rows(page.text, "programme-workshops") == [a, b, c]  # in date order
    assert "Gemeente Noorderhaven" in page.text and "Wijkteam Noord" in page.text
    # Duplicated inside the programme: the copy is in it, after the others.
    copied = _post(fac, base, f"/programmes/{pid}", f"/w/{b}/duplicate")
    assert copied.status_code == 302
    d = copied.headers["Location"].split("/")[2]
    assert _rows(fac.get(f"{base}/programmes/{pid}", timeout=10).text,
                 "programme-workshops") == [a, b, c, d]
    # Moved to another programme, then the list shows and filters by programme.
    other = _post(fac, base, "/programmes/new", "/programmes/new",
                  name="Intervisietraject teamleiders")
    other_id = int(other.headers["Location"].rsplit("/", 1)[1])
    moved = _post(fac, base, f"/programmes/{pid}", f"/programmes/{pid}/workshops",
                  code=d, to=str(other_id))
    assert moved.status_code == 302
    assert _rows(fac.get(f"{base}/programmes/{pid}", timeout=10).text,
                 "programme-workshops") == [a, b, c]
    assert _rows(fac.get(f"{base}/programmes/{other_id}", timeout=10).text,
                 "programme-workshops") == [d]
    listed = fac.get(f"{base}/workshops", timeout=10).text
    row_d = listed.split(f'data-code="{d}"', 1)[1].split("</tr>", 1)[0]
    assert "Intervisietraject teamleiders" in row_d
    row_b = listed.split(f'data-code="{b}"', 1)[1].split("</tr>", 1)[0]
    assert PROGRAMME in row_b
    assert sorted(_rows(fac.get(f"{base}/workshops?programme={pid}", timeout=10).text,
                        "workshops")) == sorted([a, b, c])
    assert _rows(fac.get(f"{base}/workshops?programme={other_id}", timeout=10).text,
                 "workshops") == [d]
    # Out of every programme: standing alone, listed under "in no programme".
    out = _post(fac, base, f"/programmes/{other_id}", f"/programmes/{other_id}/workshops",
                code=d, to="0")
    assert out.status_code == 302
    assert programme["store"].one("SELECT programme_id FROM workshops WHERE code = ?",
                                  (d,))["programme_id"] is None
    assert d in _rows(fac.get(f"{base}/workshops?programme=0", timeout=10).text, "workshops")
    assert 'id="programme-workshops"' not in fac.get(f"{base}/programmes/{other_id}",
                                                     timeout=10).text
    # A programme filter that is not one of the user's: named at the field, list kept.
    wrong = fac.get(f"{base}/workshops?programme=99999", timeout=10)
    assert wrong.status_code == 400 and 'id="programme-error"' in wrong.text


def test_programme_form_errors_at_the_field_change_nothing(programme: Any) -> None:
    fac, base = programme["session"], programme["base"]
    before = programme["store"].scalar("SELECT COUNT(*) FROM programmes")
    bad = _post(fac, base, "/programmes/new", "/programmes/new", name="  ",
                starts_on="2026-05-01", ends_on="2026-04-01", team="99999",
                description="x" * 2001)
    assert bad.status_code == 400
    errors = dict(re.findall(r'class="field-error" id="([a-z_]+)-error">([^<]+)<', bad.text))
    assert set(errors) == {"name", "ends_on", "team", "description"}, errors
    assert errors["name"] == "Geef het traject een naam."
    assert "Traceback" not in bad.text
    assert programme["store"].scalar("SELECT COUNT(*) FROM programmes") == before
    # A workshop that does not exist, or nowhere to go: said on the page, nothing moves.
    pid = programme["id"]
    for data in ({"code": "NOPE99", "to": str(pid)},
                 {"code": programme["codes"][0], "to": "elsewhere"}):
        wrong = _post(fac, base, f"/programmes/{pid}", f"/programmes/{pid}/workshops", **data)
        assert wrong.status_code == 400
        assert 'id="programme-error">Kies een sessie en waar die heen gaat.<' in wrong.text
    assert programme["store"].scalar("SELECT COUNT(*) FROM workshops WHERE programme_id = ?",
                                     (pid,)) == 3
    # Changing it: the form comes filled, a good change is saved.
    assert PROGRAMME in fac.get(f"{base}/programmes/{pid}/edit", timeout=10).text
    saved = _post(fac, base, f"/programmes/{pid}/edit", f"/programmes/{pid}/edit",
                  name=PROGRAMME, organisation="Gemeente Noorderhaven",
                  team=str(programme["team_id"]), starts_on="2026-01-12", ends_on="2026-12-18",
                  description="Vier werkconferenties, intervisie en een slotdag.")
    assert saved.status_code == 302
    assert programme["store"].one("SELECT description FROM programmes WHERE id = ?", (pid,))[
        "description"] == "Vier werkconferenties, intervisie en een slotdag."
    assert saved.headers["Location"] == f"/programmes/{pid}?saved=1"
    assert "Opgeslagen." in fac.get(base + saved.headers["Location"], timeout=10).text
    # A workshop of this programme cannot be moved into someone else's programme.
    ack = Filler(programme["app"], programme["store"].one(
        "SELECT id FROM workshops WHERE code = ?", (programme["codes"][0],))["id"],
        programme["store"].one("SELECT id FROM users WHERE email = 'fac@example.nl'")["id"])
    foreign = programme["store"].run(
        "INSERT INTO programmes (owner_id, name, created_at) VALUES ((SELECT id FROM users"
        " WHERE email = 'collega@example.nl'), 'Van een collega', '2026-01-01T00:00:00Z')"
    ).lastrowid
    with ack.app.test_request_context():
        refused = ack.dispatcher.dispatch(ack.fac, {"op": "workshop.programme",
                                                    "op_id": secrets.token_hex(8),
                                                    "data": {"programme_id": foreign}})
    assert not refused["ok"] and refused["error"]["code"] == "not_found"
    assert programme["store"].one("SELECT programme_id FROM workshops WHERE code = ?",
                                  (programme["codes"][0],))["programme_id"] == pid


# --- the programme report in every format ------------------------------------------------


def _formats(session: requests.Session, base: str, pid: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    page = session.get(f"{base}/programmes/{pid}/report", timeout=30)
    assert page.status_code == 200
    body = page.text.split('<main id="main"', 1)[1]
    body = re.sub(r'<aside class="report-tools.*?</aside>', "", body, flags=re.S)
    out["html_raw"] = body
    out["html"] = html.unescape(re.sub(r"<[^>]+>", " ", body))
    md = session.get(f"{base}/programmes/{pid}/report.md", timeout=30)
    assert md.status_code == 200 and md.headers["Content-Type"].startswith("text/markdown")
    out["md"] = re.sub(r"\\(.)", r"\1", md.content.decode("utf-8"))
    word = session.get(f"{base}/programmes/{pid}/report.docx", timeout=30)
    assert word.status_code == 200
    document = docx.Document(io.BytesIO(word.content))
    out["docx_tables"] = [[[c.text for c in r.cells] for r in t.rows] for t in document.tables]
    out["docx"] = "\n".join([p.text for p in document.paragraphs]
                            + [c for t in out["docx_tables"] for r in t for c in r])
    sheet = session.get(f"{base}/programmes/{pid}/report.csv", timeout=30)
    assert sheet.status_code == 200 and sheet.content.startswith(b"\xef\xbb\xbf")
    out["csv_rows"] = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")),
                                      delimiter=";"))
    out["csv"] = "\n".join(";".join(r) for r in out["csv_rows"])
    return out


def _csv_table(rows: list[list[str]], part: str) -> list[dict[str, str]]:
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:] if r[0] == part]


def test_programme_report_in_every_format(programme: Any) -> None:
    f = _formats(programme["session"], programme["base"], programme["id"])
    conference = programme["conference"]
    texts = ("html", "md", "docx", "csv")
    # Planted and shared: in every format.
    for shared in (PROGRAMME, "Gemeente Noorderhaven", NEED, B_NEED, RECOMMENDATION,
                   AGREEMENT, B_AGREEMENT, EXPECTED_ONLY, "Eerste werkconferentie wijkzorg",
                   WORKSHOP_B, "Intervisie wijkteams, ronde 1", conference.owner_name):
        for fmt in texts:
            assert shared in f[fmt], (shared, fmt)
    # Never: hidden dilemmas, anonymous authors, personal agreements, feedback to a person,
    # intervision content, and a name in a workshop whose report is anonymous.
    for secret in SECRETS:
        for fmt in texts:
            assert secret not in f[fmt], (secret, fmt)
    rows = f["csv_rows"]
    # Dilemmas by theme and type over time: A's 38 (two merged into others) by the themes
    # and kinds they got, then B's six.
    part = "Dilemma's per thema en soort door de tijd"
    over_time = [r for r in _csv_table(rows, part) if r["Thema"]]
    planted = Counter((THEMES[i % 8], "organisatorisch" if i % 3 == 0 else "inhoudelijk")
                      for i in range(38))
    a_title = "Eerste werkconferentie wijkzorg"
    got_a = {(r["Thema"], r["Soort"]): int(r["Aantal"]) for r in over_time
             if r["Sessie"] == a_title}
    assert got_a == dict(planted)
    got_b = {(r["Thema"], r["Soort"]): int(r["Aantal"]) for r in over_time
             if r["Sessie"] == WORKSHOP_B}
    assert got_b == {("werkdruk", "inhoudelijk"): 2, ("werkdruk", "organisatorisch"): 2,
                     ("Bereikbaarheid", "inhoudelijk"): 1,
                     ("Bereikbaarheid", "organisatorisch"): 1}
    assert [r["Sessie"] for r in over_time] == sorted(
        (r["Sessie"] for r in over_time), key=lambda t: t != a_title)  # A before B
    # Recurring: Werkdruk in A and B (the case aside), nothing else recurs.
    recurring = [r for r in _csv_table(rows, "Terugkerende thema's") if r["Thema"]]
    assert [(r["Thema"], r["Aantal"]) for r in recurring] == [("Werkdruk", "2")]
    assert int(recurring[0]["Notitie"]) == planted[("Werkdruk", "inhoudelijk")] + planted[
        ("Werkdruk", "organisatorisch")] + 4
    # Needs merged: A's need came back in B, once in the list with both workshops.
    needs = {r["Tekst"]: r for r in _csv_table(rows, "Nodig van het management")
             if r["Tekst"]}
    assert needs[NEED]["Aantal"] == "2"
    assert needs[NEED]["Sessie"] == f"{a_title}; {WORKSHOP_B}"
    assert needs[B_NEED]["Aantal"] == "1"
    assert len(needs) == 4  # A's three and B's new one
    # Expected against brought: only B had managers' expectations.
    assert EXPECTED_ONLY in f["md"].split("## Verwacht en ingebracht", 1)[1]
    # Agreements with their status now: A's was reviewed "done" in B, B's was agreed.
    agreements = {r["Tekst"]: r for r in _csv_table(rows, "Afspraken") if r["Tekst"]}
    assert agreements[AGREEMENT]["Status"] == "gedaan"
    assert agreements[B_AGREEMENT]["Status"] == "afgesproken"
    assert agreements[B_AGREEMENT]["Wie"] == "een deelnemer"  # B's report is anonymous
    assert agreements[AGREEMENT]["Wie"] == conference.owner_name
    # Attendance counts per workshop.
    attendance = {r["Sessie"]: r for r in _csv_table(rows, "Aanwezigheid") if r["Sessie"]}
    assert attendance["Intervisie wijkteams, ronde 1"]["Intervisiebijeenkomsten"] == "2"
    assert attendance["Intervisie wijkteams, ronde 1"]["Aanwezige deelnemers"] == "7"
    assert "7 personen waren bij een intervisiebijeenkomst in dit traject." in f["md"]
    assert attendance[a_title]["Aantal"] == "60"
    assert attendance[WORKSHOP_B]["Aantal"] == "10"
    # The summary holds the totals (the same model in every format).
    assert "- **Sessies:** 3" in f["md"]
    summary = {r["Wat het is"]: r["Tekst"] for r in _csv_table(rows, "Samenvatting")
               if not r["Over"]}
    assert summary["Sessies"] == "3"
    assert summary["Deelnemers"] == str(60 + 10 + 7)
    assert summary["Ingebrachte dilemma's"] == str(40 + 6)
    assert summary["Intervisiebijeenkomsten"] == "2"


# --- attendance --------------------------------------------------------------------------


def _attendance(session: requests.Session, base: str, pid: int) -> list[dict[str, str]]:
    sheet = session.get(f"{base}/programmes/{pid}/attendance.csv", timeout=30)
    assert sheet.status_code == 200 and sheet.content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in sheet.content
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig")), delimiter=";"))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_attendance_export_survives_retention(programme: Any) -> None:
    from facilitator.activities.intervision import retention
    from facilitator.db import parse_iso

    fac, base, pid, store = (programme[k] for k in ("session", "base", "id", "store"))
    from facilitator.activities.intervision import methods

    minutes = str(sum(p["minutes"] for p in methods.get("incident")["phases"]))
    roles = {"case_holder_id": "inbrenger", "guide_id": "gespreksleider"}
    planted = set()
    for g in programme["groups"]:
        for member in programme["members"][g["id"]]:
            role = next((label for col, label in roles.items() if g[col] == member),
                        "deelnemer")
            name = store.one("SELECT name FROM participants WHERE id = ?", (member,))["name"]
            if name is None:
                continue  # joined without a name: counted, not listed
            person = str(programme["person_id"]) if name == "P1" else ""
            planted.add((name, person, g["created_at"][:10], "Intervisie wijkteams, ronde 1",
                         "Incidentmethode", minutes, role, "Fatima"))
    assert len(planted) == 6 and {p[6] for p in planted} == {"inbrenger", "gespreksleider",
                                                              "deelnemer"}

    def facts(rows: list[dict[str, str]]) -> set[tuple[str, ...]]:
        return {(r["Naam"], r["Persoonsnummer"], r["Datum"], r["Sessie"], r["Methode"],
                 r["Minuten"], r["Rol"], r["Facilitator"]) for r in rows}

    before = _attendance(fac, base, pid)
    assert len(before) == 6 and facts(before) == planted
    page = fac.get(f"{base}/programmes/{pid}/attendance", timeout=10).text
    assert re.search(r'id="attendance-unnamed">1 keer aanwezig van iemand', page)
    assert f'P1 <span class="hint">(persoon {programme["person_id"]})</span>' in page
    # By person: the recognised person first, then the others by name.
    assert [r["Naam"] for r in before] == ["P1", "P2", "P3", "P4", "P5", "P6"]
    # No content: nothing typed in the groups, no takeaway.
    for text in (page, "\n".join(";".join(r.values()) for r in before)):
        assert INTERVISION_SECRET not in text
    # Retention deletes the groups with their members and roles; attendance stays.
    closed = store.one("SELECT closed_at FROM workshops WHERE code = ?",
                       (programme["codes"][2],))["closed_at"]
    counts = retention.purge(store, parse_iso(closed) + timedelta(days=31), days=30,
                             idle_days=None)
    assert counts["groups"] == 2
    assert store.scalar("SELECT COUNT(*) FROM intervision_groups g JOIN workshops w"
                        " ON w.id = g.workshop_id WHERE w.code = ?",
                        (programme["codes"][2],)) == 0
    after = _attendance(fac, base, pid)
    assert facts(after) == planted
    # Kept once: a second purge does not double it.
    retention.purge(store, parse_iso(closed) + timedelta(days=32), days=30, idle_days=None)
    assert facts(_attendance(fac, base, pid)) == planted and len(
        _attendance(fac, base, pid)) == 6
    # The same facts reach a person's own list through attendance() (persons' reuse).
    from facilitator.programmes.attendance import attendance

    member = programme["members"][programme["groups"][0]["id"]][0]
    mine = attendance(store, [member])
    assert len(mine) == 1 and mine[0].participant_id == member
    assert str(mine[0].minutes) == minutes


# --- access ------------------------------------------------------------------------------


def test_who_may_see_a_programme(programme: Any, server: Any) -> None:
    base, pid = programme["base"], programme["id"]
    urls = [f"/programmes/{pid}", f"/programmes/{pid}/edit", f"/programmes/{pid}/report",
            f"/programmes/{pid}/report.md", f"/programmes/{pid}/report.docx",
            f"/programmes/{pid}/report.csv", f"/programmes/{pid}/report-print.css",
            f"/programmes/{pid}/attendance", f"/programmes/{pid}/attendance.csv"]
    readable = {u for u in urls if "/report" in u or "/attendance" in u}
    colleague = login_session(server, "collega@example.nl")
    other_manager = login_session(server, "ander-team@example.nl")
    manager = login_session(server, "teamleider@example.nl")
    for url in urls:
        for who in (colleague, other_manager):
            assert who.get(base + url, timeout=30).status_code == 404, url
        assert manager.get(base + url, timeout=30).status_code == (
            200 if url in readable else 404), url
    assert "Wijkteam Noord" in manager.get(f"{base}/programmes/{pid}/report", timeout=30).text
    # The team's manager finds it from the review of agreements; another team's does not.
    assert f'href="/programmes/{pid}/report"' in manager.get(f"{base}/review", timeout=10).text
    assert f"/programmes/{pid}/" not in other_manager.get(f"{base}/review", timeout=10).text
    # An admin sees and changes any programme, as any workshop.
    server.add_user("admin@example.nl", "admin")
    admin = login_session(server, "admin@example.nl")
    for url in urls:
        assert admin.get(base + url, timeout=30).status_code == 200, url
    # A colleague cannot file a workshop of theirs under this programme.
    token = _csrf(colleague, base + "/workshops/new")
    own = colleague.post(base + "/workshops/new", data={
        "csrf_token": token, "title": "Van de collega", "language": "nl",
        "agenda": "welcome"}, allow_redirects=False, timeout=10)
    code = own.headers["Location"].split("/")[2]
    refused = colleague.post(f"{base}/programmes/{pid}/workshops", data={
        "csrf_token": token, "code": code, "to": str(pid)}, timeout=10)
    assert refused.status_code == 404
    into = colleague.post(base + "/workshops/new", data={
        "csrf_token": token, "title": "Erin", "language": "nl", "agenda": "welcome",
        "programme": str(pid)}, timeout=10)
    assert into.status_code == 400
    assert programme["store"].scalar("SELECT COUNT(*) FROM workshops WHERE programme_id = ?",
                                     (pid,)) == 3
    # Logged out: to the login page, never the programme.
    anonymous = requests.get(f"{base}/programmes/{pid}/report.csv", timeout=10,
                             allow_redirects=False)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


# --- in Chromium: the page and the printed report ----------------------------------------


SHOWN = 3  # printed pages made into PNGs


def test_programme_page_and_printed_report(programme: Any, server: Any, browser: Any,
                                           tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("#email", "fac@example.nl")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.goto(f"{server.url}/programmes/{programme['id']}")
    rows = page.locator("#programme-workshops tbody tr")
    assert rows.count() == 3
    assert "Eerste werkconferentie wijkzorg" in rows.nth(0).inner_text()
    screenshot(page, "programme")
    # On a phone at 360 px the page itself never scrolls sideways (the table scrolls).
    page.set_viewport_size({"width": 360, "height": 740})
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 361)
        .filter(e => !e.closest('.table-scroll'))
        .slice(0, 6).map(e => e.tagName + '.' + e.className + '#' + e.id)""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, wide
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("#programme-report")
    page.wait_for_selector("#r-summary")
    for fmt in ("docx", "md", "csv"):  # the page's own download buttons
        assert page.get_attribute(f"#report-{fmt}", "href") == (
            f"/programmes/{programme['id']}/report.{fmt}")
    page.set_viewport_size({"width": 1000, "height": 1400})
    screenshot(page, "programme-report")
    page.emulate_media(media="print")
    assert not page.locator(".report-tools").is_visible()
    body = page.inner_text("article")
    for secret in SECRETS:
        assert secret not in body
    pdf = page.pdf(format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pdf.startswith(b"%PDF") and pages >= 3, pages
    if wanted():
        path = Path(tmp_path) / "trajectverslag.pdf"
        path.write_bytes(pdf)
        viewer = context.new_page()
        viewer.set_viewport_size({"width": 794, "height": 1123})
        for n in range(1, SHOWN + 1):
            viewer.goto("about:blank")
            viewer.goto(f"{path.as_uri()}#page={n}&toolbar=0&navpanes=0&view=Fit")
            for _ in range(20):  # the PDF viewer draws in its own process
                viewer.wait_for_timeout(500)
                if len(viewer.screenshot()) > 20_000:
                    break
            screenshot(viewer, f"programme-report-print-{n}")
    page.emulate_media(media="screen")
    page.goto(f"{server.url}/programmes/{programme['id']}/attendance")
    assert page.locator("#attendance tbody tr").count() == 6
    screenshot(page, "programme-attendance")
    # Accessible in both languages: no serious or critical axe violation on any page.
    pid = programme["id"]
    pages = ["/programmes", f"/programmes/{pid}", f"/programmes/{pid}/edit",
             f"/programmes/{pid}/report", f"/programmes/{pid}/attendance",
             f"/workshops/new?programme={pid}", f"/workshops?programme={pid}"]
    for language in ("nl", "en"):
        if language == "en":
            page.click("button[name=lang][value=en]")
            page.wait_for_selector("html[lang=en]")
        for url in pages:
            page.goto(server.url + url)
            found = blocking_violations(page)
            assert not found, f"{language} {url}\n{axe_report(found)}"
    assert "Programme report" in page.goto(f"{server.url}/programmes/{pid}/report").text()
    context.close()
