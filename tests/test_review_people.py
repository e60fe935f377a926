"""The review in people's terms (issue 15, point 6): the "Wie" filter finds "Zoë" with
"Zoe" and "ZOË"; the history shows people's names, never internal ids like `p:1`; its
times are in the organisation's time zone."""

from __future__ import annotations

import re

import pytest
from agreements_support import agreed, open_room, team_id
from support import PASSWORD, Server, login_session
from test_intervision_agreement import _setup
from test_intervision_retention import _act

from facilitator import auth
from facilitator.agreements import access

OWNERS = ("Zoë de Vries", "Zoe Jansen", "Chloë van den Berg-Öztürk", "Bram")


@pytest.fixture(scope="module")
def server(module_server: Server) -> Server:
    return module_server


@pytest.fixture(scope="module")
def facilitator_token(module_facilitator_token: str) -> str:
    return module_facilitator_token


def _listed(session, server: Server, owner: str) -> set[str]:
    page = session.get(server.url + "/review", params={"owner": owner}, timeout=10)
    assert page.status_code == 200
    return {re.sub(r"\s+", " ", w) for w in re.findall(r"<td>([^<]+)</td>\s*<td><a href=\"/review/",
                                                        page.text)}


def test_who_filter_ignores_accents_and_case(server, facilitator_token, clients):
    server.add_user("mirjam@gemeente.nl", "manager", teams=("Wijkteam Noord",), name="Mirjam")
    room = open_room(server, clients, "fac@example.nl", facilitator_token, "Teamdag",
                     team_id(server), names=OWNERS)
    room.goto("agreements")
    for owner in OWNERS:
        agreed(room, f"{owner} belt de huisarts", owner=owner, others=())
    manager = login_session(server, "mirjam@gemeente.nl")
    both = {"Zoë de Vries", "Zoe Jansen"}
    for query in ("Zoë", "zoe", "ZOË", "ZOE", "  zoë "):
        assert _listed(manager, server, query) == both, query
    for query in ("chloe", "CHLOË", "van den berg-ozturk"):
        assert _listed(manager, server, query) == {"Chloë van den Berg-Öztürk"}, query
    assert _listed(manager, server, "Zoë de") == {"Zoë de Vries"}
    assert _listed(manager, server, "niemand") == set()
    assert _listed(manager, server, "") == set(OWNERS)
    # The API's owner filter is the same one.
    token = server.token("mirjam@gemeente.nl")
    found = server.api("GET", "/api/v1/agreements", token, params={"owner": "ZOE"}).json()
    assert {a["owner"] for a in found["agreements"]} == both


@pytest.fixture(params=[("Europe/Amsterdam", ("wo 1 juli 9:05", "di 1 december 9:17")),
                        ("UTC", ("wo 1 juli 7:05", "di 1 december 8:17"))],
                ids=["Amsterdam", "UTC"])
def zoned(request, tmp_path):
    """An app in the organisation's time zone (FACILITATOR_TIMEZONE), with the times the
    history must show in it."""
    from facilitator import create_app

    zone, expected = request.param
    app = create_app({"DATA_DIR": str(tmp_path), "ASYNC_MODE": "threading", "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "PUSH_DELAY": 0, "TIMEZONE": zone})
    yield app, app.extensions["facilitator.store"], expected
    app.extensions["facilitator.store"].close()


def test_history_shows_names_in_the_organisations_time(zoned):
    app, store, (july, december) = zoned
    ws, people, group, manager = _setup(app, store)
    case_holder = people[1]
    name = store.scalar("SELECT name FROM participants WHERE id = ?",
                        (case_holder.participant_id,))
    result = _act(app, case_holder, "intervision.takeaway", group_id=group,
                  text="Ik bel de familie", kept=True, manager_visible=True)
    agreement_id = result["agreement_id"]
    # Rows written before names were stored: the internal keys of a participant, a user,
    # and of a participant and an account that are gone since.
    fac_id = store.scalar("SELECT owner_id FROM workshops WHERE id = ?", (ws["id"],))
    store.run("UPDATE users SET name = 'Fatima Facilitator' WHERE id = ?", (fac_id,))
    for actor, at in ((f"p:{case_holder.participant_id}", "2026-07-01T07:05:00+00:00"),
                      (f"u:{fac_id}", "2026-12-01T08:17:00+00:00"),
                      ("p:999999", "2026-12-02T08:00:00+00:00"),
                      ("u:999999", "2026-12-03T08:00:00+00:00")):
        store.run("INSERT INTO agreement_history (agreement_id, from_status, status, note,"
                  " actor, at) VALUES (?, 'agreed', 'open', 'nog bezig', ?, ?)",
                  (agreement_id, actor, at))
    history = access.history(store, agreement_id)
    assert all(not re.match(r"^[pu]:\d+$", h["actor"]) for h in history), history
    client = app.test_client()
    client.post("/login", data={"email": "boss@example.nl", "password": PASSWORD})
    page = client.get(f"/review/{agreement_id}").text
    items = re.findall(r"<li><span class=\"mono\">(.*?)</li>", page, re.S)
    assert len(items) == len(history) >= 6
    assert not re.search(r"\b[pu]:\d+\b", page)
    # The intervision action itself now writes the case-holder's name.
    assert store.scalar("SELECT actor FROM agreement_history WHERE agreement_id = ?"
                        " ORDER BY id LIMIT 1", (agreement_id,)) == name
    assert sum(name in i for i in items) >= 3
    assert any("Fatima Facilitator" in i for i in items)
    assert any("een deelnemer" in i for i in items) and any("een oud account" in i
                                                           for i in items)
    # 07:05 UTC in July is 9:05 in Amsterdam (summer time), 08:17 in December is 9:17.
    assert sum(july in i for i in items) == 1, items
    assert sum(december in i for i in items) == 1, items
    # The API gives the names too.
    token = auth.new_api_token(store, "boss@example.nl")
    api = client.get(f"/api/v1/agreements/{agreement_id}",
                     headers={"Authorization": f"Bearer {token}"}).get_json()
    actors = [h["actor"] for h in api["history"]]
    assert name in actors and "Fatima Facilitator" in actors
    assert not any(re.match(r"^[pu]:\d+$", a) for a in actors)
