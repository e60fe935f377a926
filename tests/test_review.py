"""Manager review after the workshop: pages, exports (CSV, iCalendar) and the API,
and who gets nothing."""

from __future__ import annotations

import csv
import io
import re
import sqlite3

import icalendar
import requests
from agreements_support import agreed, open_room, team_id, tomorrow
from support import PASSWORD, login_cookie

MANAGER = "m@x.nl"
OTHER_MANAGER = "o@x.nl"
WHAT = "Zoë zet één keer per week de café-koffie"


def _world(server, facilitator_token, clients):
    tid = team_id(server)
    server.add_user(MANAGER, "manager", teams=("Wijkteam Noord",), name="Mirjam")
    server.add_user(OTHER_MANAGER, "manager", teams=("Ander team",), name="Otto")
    room = open_room(server, clients, "fac@example.nl", facilitator_token, "Teamdag", tid,
                     names=("Ann", "Bob"))
    room.goto("agreements")
    ids = {
        "main": agreed(room, WHAT, check_how="Bespreken; in het teamoverleg"),
        "formula": agreed(room, "=HYPERLINK(\"http://x\")", owner="Bob", others=(),
                          due=tomorrow(10)),
        "hidden": agreed(room, "Persoonlijk leerdoel van Ann", others=(),
                         manager_visible=False),
        "late": agreed(room, "Werkinstructie herschrijven", owner="Bob", others=("Ann",)),
    }
    # An agreement whose date has passed (made long ago): overdue.
    conn = sqlite3.connect(server.data_dir / "facilitator.db")
    conn.execute("UPDATE agreements SET due_date = '2024-03-01' WHERE id = ?", (ids["late"],))
    conn.commit()
    conn.close()
    return room, ids


def _session(server, email):
    s = requests.Session()
    s.headers["Cookie"] = login_cookie(server, email)
    return s


def test_manager_reviews_filters_and_marks_done(server, facilitator_token, clients):
    room, ids = _world(server, facilitator_token, clients)
    s = _session(server, MANAGER)
    # A manager lands on the review after logging in.
    landing = s.get(server.url + "/workshops", allow_redirects=False)
    assert landing.headers["Location"].endswith("/review")
    page = s.get(server.url + "/review")
    assert page.status_code == 200
    assert WHAT in page.text and "=HYPERLINK" in page.text.replace("&#34;", '"')
    assert "Persoonlijk leerdoel" not in page.text  # not for managers
    # The overdue one stands out in words, not only colour.
    row = re.search(rf'<tr class="overdue" data-agreement="{ids["late"]}">(.*?)</tr>',
                    page.text, re.S)
    assert row and "overdue-badge" in row.group(1) and "⚠" in row.group(1)
    assert 'class="overdue"' not in re.search(
        rf'<tr[^>]*data-agreement="{ids["main"]}"', page.text).group(0)

    def listed(**params):
        r = s.get(server.url + "/review", params=params)
        assert r.status_code == 200, (params, r.status_code)
        return {int(i) for i in re.findall(r'data-agreement="(\d+)"', r.text)}

    visible = {ids["main"], ids["formula"], ids["late"]}
    assert listed() == visible
    assert listed(overdue="1") == {ids["late"]}
    # The count reads as Dutch: "1 afspraak", "3 afspraken".
    one = s.get(server.url + "/review", params={"overdue": "1"}).text
    assert re.search(r'role="status">\s*1 afspraak\b', one), one[:2000]
    assert re.search(r'role="status">\s*3 afspraken\b', page.text)
    assert listed(owner="bob") == {ids["formula"], ids["late"]}
    assert listed(status="agreed") == visible
    assert listed(status="done") == set()
    assert listed(team=str(team_id(server))) == visible
    assert listed(workshop=room.workshop["code"]) == visible
    assert listed(due_from=tomorrow(8), due_to=tomorrow(30)) == {ids["formula"]}
    assert s.get(server.url + "/review", params={"status": "vergeten"}).status_code == 400
    assert s.get(server.url + "/review", params={"due_from": "morgen"}).status_code == 400

    # Mark done with a note; a status that does not exist changes nothing.
    detail = s.get(f"{server.url}/review/{ids['main']}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', detail.text).group(1)
    bad = s.post(f"{server.url}/review/{ids['main']}",
                 data={"csrf_token": csrf, "status": "kwijt", "note": "x"})
    assert bad.status_code == 400
    assert server.db_rows("SELECT status FROM agreements WHERE id = ?", (ids["main"],))[0][
        "status"] == "agreed"
    form = {"csrf_token": csrf, "status": "done", "note": "Loopt goed, één keer",
            "op_id": re.search(r'name="op_id" value="([^"]+)"', detail.text).group(1)}
    done = s.post(f"{server.url}/review/{ids['main']}", data=form, allow_redirects=False)
    assert done.status_code == 302
    # The review is an action like any other: one event on the agreement's workshop, and
    # a double-clicked button (the same op_id) is applied once.
    again = s.post(f"{server.url}/review/{ids['main']}", data=form, allow_redirects=False)
    assert again.status_code == 302
    events = server.db_rows("SELECT * FROM events WHERE op = 'agreements.review'")
    assert len(events) == 1 and events[0]["op_id"] == form["op_id"]
    assert server.db_rows("SELECT COUNT(*) AS n FROM agreement_history WHERE agreement_id = ?"
                          " AND status = 'done'", (ids["main"],))[0]["n"] == 1
    last = server.db_rows("SELECT * FROM agreement_history WHERE agreement_id = ?"
                          " ORDER BY id DESC LIMIT 1", (ids["main"],))[0]
    assert (last["from_status"], last["status"], last["note"], last["actor"]) == (
        "agreed", "done", "Loopt goed, één keer", "Mirjam")
    assert "Loopt goed, één keer" in s.get(f"{server.url}/review/{ids['main']}").text
    assert listed(status="done") == {ids["main"]}


def test_csv_opens_in_dutch_excel(server, facilitator_token, clients):
    room, ids = _world(server, facilitator_token, clients)
    s = _session(server, MANAGER)
    response = s.get(server.url + "/review/agreements.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Nummer", "Team", "Sessie"]
    assert len(body) == 3  # the one not for managers is left out
    by_id = {int(r[0]): dict(zip(header, r, strict=True)) for r in body}
    main = by_id[ids["main"]]
    assert main["Wat"] == WHAT  # Dutch characters intact
    assert main["Wie"] == "Ann" and main["Met wie"] == "Bob"
    assert main["Hoe en wanneer gecheckt"] == "Bespreken; in het teamoverleg"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", main["Uiterlijk"])
    assert main["Team"] == "Wijkteam Noord"
    assert by_id[ids["formula"]]["Wat"] == "'=HYPERLINK(\"http://x\")"  # no formula
    assert by_id[ids["late"]]["Te laat"] == "ja" and main["Te laat"] == "nee"
    # The same filters as the page.
    only_late = s.get(server.url + "/review/agreements.csv", params={"overdue": "1"})
    late_rows = list(csv.reader(io.StringIO(only_late.content.decode("utf-8-sig")),
                                delimiter=";"))[1:]
    assert [int(r[0]) for r in late_rows] == [ids["late"]]


def test_icalendar_of_due_dates(server, facilitator_token, clients):
    room, ids = _world(server, facilitator_token, clients)
    s = _session(server, MANAGER)
    response = s.get(server.url + "/review/agreements.ics")
    assert response.headers["Content-Type"].startswith("text/calendar")
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 3
    main = next(e for uid, e in events.items() if uid.startswith(f"agreement-{ids['main']}@"))
    assert str(main["SUMMARY"]) == f"Ann: {WHAT}"
    due = server.db_rows("SELECT due_date FROM agreements WHERE id = ?", (ids["main"],))[0]
    assert main.decoded("DTSTART").isoformat() == due["due_date"]
    assert "Bespreken; in het teamoverleg" in str(main["DESCRIPTION"])
    # The API gives the same calendar to a token.
    token = server.token(MANAGER)
    api = server.api("GET", "/api/v1/agreements.ics", token)
    assert len(icalendar.Calendar.from_ical(api.content).walk("VEVENT")) == 3


def test_api_lists_filters_and_patches(server, facilitator_token, clients):
    room, ids = _world(server, facilitator_token, clients)
    token = server.token(MANAGER)
    listed = server.api("GET", "/api/v1/agreements", token).json()["agreements"]
    assert {a["id"] for a in listed} == {ids["main"], ids["formula"], ids["late"]}
    main = next(a for a in listed if a["id"] == ids["main"])
    assert main["what"] == WHAT and main["with"] == ["Bob"] and main["team"] == "Wijkteam Noord"
    assert [c["answer"] for c in main["confirmations"]] == ["confirmed", "confirmed"]
    late = server.api("GET", "/api/v1/agreements", token, params={"overdue": "true"}).json()
    assert [a["id"] for a in late["agreements"]] == [ids["late"]] and late["agreements"][0][
        "overdue"] is True
    assert server.api("GET", "/api/v1/agreements", token,
                      params={"status": "nope"}).status_code == 400
    csv_text = server.api("GET", "/api/v1/agreements.csv", token).content.decode("utf-8-sig")
    assert WHAT in csv_text

    url = f"/api/v1/agreements/{ids['late']}"
    before = server.db_rows("SELECT COUNT(*) AS n FROM agreement_history")[0]["n"]
    for body in ({"status": "klaar"}, {"status": "proposed"}, {"status": "done", "x": 1},
                 {"status": "done", "note": 5}, {"status": "done", "note": "x" * 501}):
        r = server.api("PATCH", url, token, json=body)
        assert r.status_code == 400 and r.json()["error"]["message"], body
    assert server.db_rows("SELECT COUNT(*) AS n FROM agreement_history")[0]["n"] == before
    r = server.api("PATCH", url, token, json={"status": "dropped", "note": "Niet meer nodig"})
    assert r.status_code == 200 and r.json()["status"] == "dropped"
    detail = server.api("GET", url, token).json()
    assert detail["history"][-1] == {"from_status": "agreed", "status": "dropped",
                                     "note": "Niet meer nodig", "actor": "Mirjam",
                                     "at": detail["history"][-1]["at"]}
    # The facilitator sees their own workshop's, including the personal one.
    fac = server.api("GET", "/api/v1/agreements", facilitator_token).json()["agreements"]
    assert ids["hidden"] in {a["id"] for a in fac}


def test_other_team_and_participants_get_nothing(server, facilitator_token, clients):
    room, ids = _world(server, facilitator_token, clients)
    tid = team_id(server)
    before = server.db_rows("SELECT id, status, updated_at FROM agreements ORDER BY id")
    # Another team's manager: pages.
    other = _session(server, OTHER_MANAGER)
    page = other.get(server.url + "/review")
    assert page.status_code == 200 and WHAT not in page.text
    assert other.get(f"{server.url}/review/{ids['main']}").status_code == 404
    assert other.get(server.url + "/review", params={"team": tid}).status_code == 403
    for path in ("/review/agreements.csv", "/review/agreements.ics"):
        assert other.get(server.url + path, params={"team": tid}).status_code == 403
        assert WHAT not in other.get(server.url + path).content.decode("utf-8-sig")
    assert other.get(server.url + "/review",
                     params={"workshop": room.workshop["code"]}).status_code == 404
    assert other.get(f"{server.url}/w/{room.workshop['code']}/report").status_code == 404
    detail = _session(server, MANAGER).get(f"{server.url}/review/{ids['main']}")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', detail.text).group(1)
    assert other.post(f"{server.url}/review/{ids['main']}",
                      data={"csrf_token": csrf, "status": "done"}).status_code in (400, 404)
    # Another team's manager: API.
    token = server.token(OTHER_MANAGER)
    assert server.api("GET", "/api/v1/agreements", token).json() == {"agreements": []}
    for method, path, kw in (
        ("GET", f"/api/v1/agreements/{ids['main']}", {}),
        ("PATCH", f"/api/v1/agreements/{ids['main']}", {"json": {"status": "done"}}),
    ):
        r = server.api(method, path, token, **kw)
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
    for path in ("/api/v1/agreements", "/api/v1/agreements.csv", "/api/v1/agreements.ics"):
        r = server.api("GET", path, token, params={"team": tid})
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    # The personal agreement is not a manager's, even in their own team.
    mine = server.token(MANAGER)
    assert server.api("GET", f"/api/v1/agreements/{ids['hidden']}", mine).status_code == 404
    # A participant has no account: the pages send them to log in, the API says 401.
    phone = requests.Session()
    joined = server.join(room.workshop["code"], "Cas")
    phone.cookies.set("ftok_" + room.workshop["code"], joined["token"])
    for path in ("/review", f"/review/{ids['main']}", "/review/agreements.csv",
                 f"/w/{room.workshop['code']}/report", f"/w/{room.workshop['code']}/report.md"):
        r = phone.get(server.url + path, allow_redirects=False)
        assert r.status_code == 302 and "/login" in r.headers["Location"], path
    r = requests.get(server.url + "/api/v1/agreements",
                     headers={"Authorization": f"Bearer {joined['token']}"}, timeout=10)
    assert r.status_code == 401
    assert server.db_rows("SELECT id, status, updated_at FROM agreements ORDER BY id") == before
    assert PASSWORD
