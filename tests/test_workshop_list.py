"""Workshops over time (issue 15, point 5): the facilitator's list searched and filtered
(status, team, date), archived and restored, and deleted by the rule of
facilitator/room/archive.py: content goes, the agreements managers follow up stay."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from agreements_support import agreed, open_room, team_id
from support import PASSWORD, Server, login_session

from facilitator import accounts
from facilitator.db import iso
from facilitator.room import workshops

TITLES = ["Intervisie Wijkteam Noord", "Werkconferentie dilemma's in de zorg",
          "Teamdag café Zoë", "Aanspreken & afspreken", "Terugkomdag traject"]


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-code="([A-Z0-9]+)">', page)


@pytest.fixture
def world(app: Any, store: Any) -> dict[str, Any]:
    """40 workshops of one facilitator over 40 days in two teams, and one of a colleague."""
    fac = accounts.create_account(store, "fatima@gemeente.nl", "facilitator", "Fatima",
                                  PASSWORD)
    other = accounts.create_account(store, "otto@gemeente.nl", "facilitator", "Otto", PASSWORD)
    north = accounts.add_team(store, "Wijkteam Noord")
    south = accounts.add_team(store, "Wijkteam Zuid")
    made: list[dict[str, Any]] = []
    # 23:30 UTC is 1:30 the next day in Amsterdam: the list's days are the organisation's.
    start = datetime(2026, 9, 1, 23, 30, tzinfo=UTC)
    for n in range(40):
        title = f"{TITLES[n % 5]} {n:02d}" + (" — " + "lang " * 40 if n == 7 else "")
        row = workshops.create_workshop(store, fac.id, title[:120],
                                        team_id=(north, south, None)[n % 3])
        status = ("draft", "open", "closed")[n % 3 if n % 4 else 2]
        store.run("UPDATE workshops SET created_at = ?, status = ? WHERE id = ?",
                  (iso(start + timedelta(days=n)), status, row["id"]))
        made.append({**row, "status": status, "n": n, "title": title[:120]})
    theirs = workshops.create_workshop(store, other.id, "Teamdag café Zoë van Otto")
    client = app.test_client()
    client.post("/login", data={"email": "fatima@gemeente.nl", "password": PASSWORD})
    return {"client": client, "made": made, "north": north, "south": south, "theirs": theirs,
            "store": store}


def test_search_ignores_accents_and_case_and_shows_only_own(world):
    client, made = world["client"], world["made"]
    everything = client.get("/workshops").text
    assert len(_rows(everything)) == 40
    assert world["theirs"]["code"] not in everything  # a colleague's: never listed
    cafe = {w["code"] for w in made if "Zoë" in w["title"]}
    assert len(cafe) == 8
    for query in ("zoe", "ZOË", "Cafe zoe", "café  ZOE"):
        page = client.get("/workshops", query_string={"q": query}).text
        assert set(_rows(page)) == cafe, query
    one = made[12]
    assert _rows(client.get("/workshops", query_string={"q": one["code"].lower()}).text) == [
        one["code"]]
    none = client.get("/workshops", query_string={"q": "bestaat niet"}).text
    assert _rows(none) == [] and ("Geen sessies gevonden." in none)


def test_filters_by_status_team_and_date(world):
    client, made = world["client"], world["made"]
    for status in ("draft", "open", "closed"):
        page = client.get("/workshops", query_string={"status": status}).text
        assert set(_rows(page)) == {w["code"] for w in made if w["status"] == status}
    page = client.get("/workshops", query_string={"team": world["south"]}).text
    assert set(_rows(page)) == {w["code"] for w in made if w["n"] % 3 == 1}
    # Made on 2, 3 and 4 September in Amsterdam (1, 2 and 3 September in UTC).
    page = client.get("/workshops", query_string={"from": "2026-09-02", "to": "2026-09-04"}
                      ).text
    assert set(_rows(page)) == {w["code"] for w in made if w["n"] in (0, 1, 2)}
    combined = client.get("/workshops", query_string={
        "q": "intervisie", "status": "closed", "team": world["north"]}).text
    assert set(_rows(combined)) == {w["code"] for w in made if w["n"] % 5 == 0
                                    and w["status"] == "closed" and w["n"] % 3 == 0}


def test_bad_filters_are_named_and_change_nothing(world):
    client = world["client"]
    for args, field in (({"status": "weg"}, "status"), ({"team": "99999"}, "team"),
                        ({"from": "gisteren"}, "from"), ({"to": "2026-13-45"}, "to")):
        page = client.get("/workshops", query_string=args)
        assert page.status_code == 400, args
        assert f'id="{field}-error"' in page.text
        assert len(_rows(page.text)) == 40  # the bad filter is left out


def test_archive_and_restore(world):
    client, made, store = world["client"], world["made"], world["store"]
    closed = next(w for w in made if w["status"] == "closed")
    opened = next(w for w in made if w["status"] == "open")
    assert client.post(f"/w/{closed['code']}/archive",
                       data={"next": "/workshops?q=x"}).headers["Location"] == "/workshops?q=x"
    assert closed["code"] not in _rows(client.get("/workshops").text)
    archived = client.get("/workshops", query_string={"status": "archived"}).text
    assert _rows(archived) == [closed["code"]]
    # Through the dispatcher: the event log has it.
    assert store.scalar("SELECT op FROM events WHERE workshop_id = ? ORDER BY seq DESC",
                        (closed["id"],)) == "workshop.archive"
    refused = client.post(f"/w/{opened['code']}/archive")
    assert refused.status_code == 400
    assert "Sluit de sessie voordat je hem archiveert." in refused.text
    assert store.scalar("SELECT archived_at FROM workshops WHERE id = ?", (opened["id"],)
                        ) is None
    # Someone else's workshop: as if it did not exist.
    assert client.post(f"/w/{world['theirs']['code']}/archive").status_code == 404
    client.post(f"/w/{closed['code']}/unarchive")
    assert closed["code"] in _rows(client.get("/workshops").text)


# --- deleting, with real content through a real server -------------------------------------


@pytest.fixture(scope="module")
def server(module_server: Server) -> Server:
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


DILEMMA = {"situation": ("Een cliënt weigert hulp maar is thuis niet veilig. " * 20)[:1000],
           "options": ["De weigering respecteren", "Melden bij het veiligheidsteam"],
           "values": "autonomie tegenover veiligheid", "show_name": False}


def _content(server: Server, workshop_id: int) -> dict[str, int]:
    count = lambda sql: server.db_rows(sql, (workshop_id,))[0]["n"]  # noqa: E731
    return {t: count(f"SELECT COUNT(*) AS n FROM {t} WHERE workshop_id = ?")
            for t in ("agenda_items", "participants", "events", "dilemmas", "agreements")}


def _delete(server: Server, session: Any, code: str, confirm: str) -> Any:
    page = session.get(f"{server.url}/w/{code}/delete", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return session.post(f"{server.url}/w/{code}/delete",
                        data={"csrf_token": token, "confirm": confirm}, timeout=10,
                        allow_redirects=False), page


def test_delete_keeps_only_what_managers_follow_up(server, facilitator_token, clients):
    tid = team_id(server)
    server.add_user("mirjam@gemeente.nl", "manager", teams=("Wijkteam Noord",), name="Mirjam")
    room = open_room(server, clients, "fac@example.nl", facilitator_token,
                     "Teamdag om te wissen", tid, names=("Zoë", "Bram", "Ceylan"))
    room.items["dilemma_collect"] = room.add_item("dilemma_collect", "Dilemma's")
    room.goto("dilemma_collect")
    for name in ("Zoë", "Bram"):
        room.ok(room.phones[name], "dilemma.submit", **DILEMMA)
    room.goto("agreements")
    kept = agreed(room, "Zoë belt de huisarts elke maandag", owner="Zoë", others=("Bram",))
    personal = agreed(room, "Persoonlijk leerdoel van Ceylan", owner="Ceylan", others=(),
                      manager_visible=False)
    room.ok(room.fac, "workshop.close")
    workshop_id = room.workshop_id()
    session = login_session(server, "fac@example.nl")
    wrong, page = _delete(server, session, room.code, "NOPE")
    # The confirmation page says what goes and what stays.
    assert "3 deelnemers en hun namen" in page.text
    assert "1 afspraak van het team blijft" in page.text
    assert wrong.status_code == 400 and _content(server, workshop_id)["dilemmas"] == 2
    done, _page = _delete(server, session, room.code, room.code.lower())
    assert done.status_code == 302 and "kept=1" in done.headers["Location"]
    left = _content(server, workshop_id)
    assert left == {"agenda_items": 0, "participants": 2, "events": 0, "dilemmas": 0,
                    "agreements": 1}
    assert [r["id"] for r in server.db_rows(
        "SELECT id FROM agreements WHERE workshop_id = ?", (workshop_id,))] == [kept]
    assert not server.db_rows("SELECT 1 FROM agreements WHERE id = ?", (personal,))
    # The people kept are the two named in the kept agreement, by name only.
    people = server.db_rows("SELECT name, token_hash FROM participants WHERE workshop_id = ?",
                            (workshop_id,))
    assert sorted(p["name"] for p in people) == ["Bram", "Zoë"]
    assert all(p["token_hash"].startswith("deleted:") for p in people)
    # The workshop is gone for everyone: list, control page, board, joining.
    assert room.code not in session.get(server.url + "/workshops", timeout=10).text
    listed = server.api("GET", "/api/v1/workshops", facilitator_token).json()["workshops"]
    assert room.workshop["title"] not in {w["title"] for w in listed}
    for path in (f"/w/{room.code}/control", f"/w/{room.code}/delete", f"/j/{room.code}",
                 f"/board/{room.ws['board_url'].rsplit('/', 1)[1]}"):
        assert session.get(server.url + path, timeout=10).status_code == 404, path
    # The manager still follows the agreement up, with the people's names.
    manager = login_session(server, "mirjam@gemeente.nl")
    review = manager.get(f"{server.url}/review/{kept}", timeout=10).text
    assert "Zoë belt de huisarts" in review and "Bram" in review
    assert "Teamdag om te wissen" in review


def test_delete_without_kept_agreements_removes_the_row(server, facilitator_token, clients):
    room = open_room(server, clients, "fac@example.nl", facilitator_token, "Zonder team",
                     None, names=("Ann",))
    room.goto("agreements")
    agreed(room, "Ann leest het boek", owner="Ann", others=())
    session = login_session(server, "fac@example.nl")
    # Open: refused, nothing is deleted.
    refused, page = _delete(server, session, room.code, room.code)
    assert 'name="confirm"' not in page.text and "Deze sessie is open." in page.text
    assert refused.status_code == 400
    assert "Sluit de sessie voordat je hem verwijdert." in refused.text
    workshop_id = room.workshop_id()
    assert _content(server, workshop_id)["participants"] == 1
    room.ok(room.fac, "workshop.close")
    done, _page = _delete(server, session, room.code, room.code)
    assert done.status_code == 302 and "kept=0" in done.headers["Location"]
    assert not server.db_rows("SELECT 1 FROM workshops WHERE id = ?", (workshop_id,))
    assert _content(server, workshop_id) == dict.fromkeys(
        ("agenda_items", "participants", "events", "dilemmas", "agreements"), 0)
