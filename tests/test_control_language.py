"""The control page's refusals speak the language its facilitator chose (issue 18): a
facilitator who chose English on the login page read the page in English and its
refusals in Dutch. Real server, socket clients."""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from support import Room
from support.server import PASSWORD


@pytest.fixture(scope="module")
def server(module_server: Any) -> Any:
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


def _csrf(session: requests.Session, url: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', session.get(url, timeout=10).text)
    assert found
    return found.group(1)


def _english_before_login(server: Any) -> requests.Session:
    """Choose "English" on the login page, then log in (the account itself says nl)."""
    session = requests.Session()
    response = session.post(server.url + "/language", timeout=10, allow_redirects=False,
                            data={"lang": "en", "next": "/login",
                                  "csrf_token": _csrf(session, server.url + "/login")})
    assert response.status_code == 302 and session.cookies.get("lang") == "en"
    response = session.post(server.url + "/login", timeout=10, allow_redirects=False, data={
        "email": "fac@example.nl", "password": PASSWORD,
        "csrf_token": _csrf(session, server.url + "/login")})
    assert response.status_code == 302
    return session


def test_control_refusals_speak_the_facilitators_chosen_language(
        server: Any, facilitator_token: str, clients: Any) -> None:
    session = _english_before_login(server)
    assert server.db_rows("SELECT language FROM users WHERE email = ?",
                          ("fac@example.nl",))[0]["language"] == "nl"
    room = Room(server, facilitator_token, clients=clients, title="Teamdag", agenda="welcome",
                language="nl")
    page = session.get(room.ws["control_url"], timeout=10).text
    assert '<html lang="en">' in page  # the page speaks English ...
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    control = room.facilitator(cookie)
    ack = control.act("agenda.rename", {"item_id": 999_999, "title": "Welkom"})
    # ... and so do its refusals, whatever the room's language.
    assert ack == {"ok": False, "error": {"code": "not_found",
                                          "message": "That agenda item does not exist."}}
    # Back to Dutch on the page: the refusals follow.
    dutch = room.facilitator(re.sub(r"lang=en", "lang=nl", cookie))
    ack = dutch.act("agenda.rename", {"item_id": 999_999, "title": "Welkom"})
    assert ack["error"]["message"] == "Dat agendapunt bestaat niet.", ack
