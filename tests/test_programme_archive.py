"""Archiving a programme when it is over, on the real server: it leaves the owner's list
of current programmes, the places a workshop can go and its managers' review page; its
page, report and attendance stay, and taking it out of the archive brings it all back.
Only its owner (or an admin) archives it."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from support import form_token, login_session

PROGRAMME = "Leergang aanspreken en afspreken, voorjaar 2026"


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


def _post(session: requests.Session, base: str, path: str, **data: Any) -> requests.Response:
    token = form_token(session, base + "/programmes")
    return session.post(base + path, data={"csrf_token": token, **data}, timeout=30,
                        allow_redirects=False)


def _ids(page: str, table_id: str) -> list[int]:
    if f'id="{table_id}"' not in page:
        return []
    body = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [int(x) for x in re.findall(r'<tr data-programme="(\d+)"', body)]


def _offered(session: requests.Session, base: str) -> list[int]:
    """The programmes the new-workshop form offers."""
    page = session.get(f"{base}/workshops/new", timeout=10).text
    if 'id="programme"' not in page:
        return []
    select = page.split('id="programme"', 1)[1].split("</select>", 1)[0]
    return [int(x) for x in re.findall(r'<option value="(\d+)"', select)]


def _new_workshop(session: requests.Session, base: str, title: str, **extra: str
                  ) -> requests.Response:
    token = form_token(session, base + "/workshops/new")
    return session.post(base + "/workshops/new", data={
        "csrf_token": token, "title": title, "language": "nl", "agenda": "welcome",
        **extra}, timeout=30, allow_redirects=False)


def test_an_archived_programme_leaves_the_lists_keeps_its_report_and_comes_back(
        server: Any, module_facilitator_token: str) -> None:
    server.add_user("leider@example.nl", "manager", teams=("Wijkteam Noord",))
    server.add_user("andere-trainer@example.nl", "facilitator", teams=("Wijkteam Noord",))
    store = server.store()
    team_id = store.one("SELECT id FROM teams WHERE name = 'Wijkteam Noord'")["id"]
    base = server.url
    fac = login_session(server, "fac@example.nl")
    manager = login_session(server, "leider@example.nl")
    other = login_session(server, "andere-trainer@example.nl")

    made = _post(fac, base, "/programmes/new", name=PROGRAMME, team=str(team_id),
                 organisation="Gemeente Noorderhaven")
    assert made.status_code == 302, made.text
    pid = int(made.headers["Location"].rsplit("/", 1)[1])
    inside = _new_workshop(fac, base, "Eerste bijeenkomst", team=str(team_id),
                           programme=str(pid))
    assert inside.status_code == 302, inside.text
    alone = _new_workshop(fac, base, "Losse sessie over feedback", team=str(team_id))
    alone_code = alone.headers["Location"].split("/")[2]

    # Before: on the list, a place a workshop can go, on the manager's review page.
    assert _ids(fac.get(base + "/programmes", timeout=10).text, "programmes") == [pid]
    assert _offered(fac, base) == [pid]
    assert f'href="/programmes/{pid}/report"' in manager.get(f"{base}/review", timeout=10).text

    # Someone else's programme: not found, and nothing changes.
    assert _post(other, base, f"/programmes/{pid}/archive").status_code == 404
    assert _post(fac, base, f"/programmes/{pid + 999}/archive").status_code == 404
    assert store.scalar("SELECT archived_at FROM programmes WHERE id = ?", (pid,)) is None

    archived = _post(fac, base, f"/programmes/{pid}/archive")
    assert archived.status_code == 302
    assert archived.headers["Location"].endswith("/programmes?archived=1")
    listing = fac.get(base + archived.headers["Location"], timeout=10).text
    assert 'id="programme-archived"' in listing and "Het traject is gearchiveerd" in listing
    assert _ids(listing, "programmes") == [] and "Geen lopende trajecten." in listing
    assert _ids(listing, "programmes-archived") == [pid]
    assert "Gearchiveerd (1 traject)" in listing

    page = fac.get(f"{base}/programmes/{pid}", timeout=10).text
    assert 'id="programme-archived-note"' in page and 'id="archive-programme"' not in page
    assert "/workshops/new?programme=" not in page and 'id="add-workshop"' not in page
    # Its report and attendance stay, for the owner and the team's manager.
    for who in (fac, manager):
        for path in ("report", "report.csv", "attendance", "attendance.csv"):
            assert who.get(f"{base}/programmes/{pid}/{path}", timeout=30).status_code == 200
    assert f"/programmes/{pid}/" not in manager.get(f"{base}/review", timeout=10).text

    # No workshop goes into it, by the form or by its page, and nothing changes.
    assert _offered(fac, base) == []
    refused = _new_workshop(fac, base, "Nog een", programme=str(pid))
    assert refused.status_code == 400
    assert "Dat traject is gearchiveerd: haal het eerst uit het archief." in refused.text
    assert "Nog een" in refused.text  # what was typed stays in the form
    assert store.scalar("SELECT COUNT(*) FROM workshops WHERE title = 'Nog een'") == 0
    moved = _post(fac, base, f"/programmes/{pid}/workshops", code=alone_code, to=str(pid))
    assert moved.status_code == 400
    assert "Dat traject is gearchiveerd: haal het eerst uit het archief." in moved.text
    assert store.scalar("SELECT programme_id FROM workshops WHERE code = ?",
                        (alone_code,)) is None
    assert store.scalar("SELECT COUNT(*) FROM workshops WHERE programme_id = ?", (pid,)) == 1

    back = _post(fac, base, f"/programmes/{pid}/unarchive")
    assert back.status_code == 302
    assert back.headers["Location"].endswith(f"/programmes/{pid}?saved=1")
    assert store.scalar("SELECT archived_at FROM programmes WHERE id = ?", (pid,)) is None
    listing = fac.get(base + "/programmes", timeout=10).text
    assert _ids(listing, "programmes") == [pid] and 'id="archived-programmes"' not in listing
    assert f'href="/programmes/{pid}/report"' in manager.get(f"{base}/review", timeout=10).text
    moved = _post(fac, base, f"/programmes/{pid}/workshops", code=alone_code, to=str(pid))
    assert moved.status_code == 302
    assert store.scalar("SELECT COUNT(*) FROM workshops WHERE programme_id = ?", (pid,)) == 2
