"""Accounts and teams from the web (issue 15, point 4): the admin pages, one-time password
links, deactivation, and the refusals (role, CSRF) that leave everything unchanged.

Unit tests use the Flask test client (CSRF off, as in every unit test here); the
refusals and the copied cookie run against a real server, where CSRF is on."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import requests
from support import PASSWORD, Server, login_session

from facilitator import accounts, auth
from facilitator.db import iso, utcnow

LINK = re.compile(r'value="(https?://[^"]+/password/([^"]+))"')
NEW_PASSWORD = "een nieuw wachtwoord"


def _login(client: Any, email: str, password: str = PASSWORD) -> None:
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.text


def _admin(store: Any) -> Any:
    return accounts.create_account(store, "beheer@gemeente.nl", "admin", "Anna Beheer", PASSWORD)


def _link_from(page: str) -> str:
    found = LINK.search(page)
    assert found, "the page shows no one-time link"
    return "/password/" + found.group(2)


def test_admin_adds_facilitator_and_manager_in_a_team_and_the_link_logs_in(app, store):
    _admin(store)
    client = app.test_client()
    _login(client, "beheer@gemeente.nl")
    made = client.post("/admin/teams", data={"name": "Wijkteam Zuid-Oost"})
    team_id = int(made.headers["Location"].rsplit("/", 1)[1])
    client.post("/admin/teams", data={"name": "Team Jeugd & Gezin"})  # not hers
    # A facilitator with a long Dutch name, in the team, and a manager of it.
    added = client.post("/admin/users", data={
        "name": "Zoë van den Berg-Öztürk", "email": "zoe@gemeente.nl", "role": "facilitator",
        "language": "nl", "team": str(team_id)})
    assert added.status_code == 201
    link = _link_from(added.text)
    manager = client.post("/admin/users", data={
        "name": "Mirjam de Leidinggevende", "email": "mirjam@gemeente.nl", "role": "manager",
        "language": "en", "team": str(team_id)})
    assert manager.status_code == 201
    team = accounts.team(store, team_id)
    assert [p["email"] for p in team["members"]] == ["zoe@gemeente.nl"]
    assert [p["email"] for p in team["managers"]] == ["mirjam@gemeente.nl"]
    # Nobody knows a password yet: logging in fails until the link is used.
    assert auth.check_login(store, "zoe@gemeente.nl", PASSWORD) is None
    newcomer = app.test_client()
    assert newcomer.get(link).status_code == 200
    differ = newcomer.post(link, data={"password": NEW_PASSWORD, "password2": "iets anders!!"})
    assert differ.status_code == 400 and accounts.password_link_user(store, link[10:])
    short = newcomer.post(link, data={"password": "kort", "password2": "kort"})
    assert short.status_code == 400 and accounts.password_link_user(store, link[10:])
    done = newcomer.post(link, data={"password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/workshops")
    page = newcomer.get("/workshops")
    assert page.status_code == 200 and "Wijkteam Zuid-Oost" not in page.text
    new_form = newcomer.get("/workshops/new").text
    assert "Wijkteam Zuid-Oost" in new_form  # a member makes workshops for the team
    assert "Team Jeugd" not in new_form  # and sees no other team
    # Once: the link is spent.
    assert newcomer.get(link).status_code == 404
    assert app.test_client().post(link, data={"password": "x" * 12, "password2": "x" * 12}
                                  ).status_code == 404
    assert auth.check_login(store, "zoe@gemeente.nl", NEW_PASSWORD) is not None
    # The facilitator is not an admin.
    assert newcomer.get("/admin/users").status_code == 403


def test_account_form_refuses_bad_input_and_changes_nothing(app, store):
    _admin(store)
    client = app.test_client()
    _login(client, "beheer@gemeente.nl")
    before = store.scalar("SELECT COUNT(*) FROM users")
    for data, field in (
        ({"email": "geen-adres", "role": "facilitator"}, "email"),
        ({"email": "BEHEER@gemeente.nl", "role": "facilitator"}, "email"),  # exists
        ({"email": "x@gemeente.nl", "role": "superuser"}, "role"),
        ({"email": "x@gemeente.nl", "role": "manager", "team": "999"}, "team"),
        ({"email": "x@gemeente.nl", "role": "manager", "language": "de"}, "language"),
    ):
        page = client.post("/admin/users", data=data)
        assert page.status_code == 400, data
        assert f'id="{field}-error"' in page.text or 'role="alert"' in page.text
        assert "Traceback" not in page.text
    english = app.test_client()
    english.set_cookie("lang", "en")
    _login(english, "beheer@gemeente.nl")
    page = english.post("/admin/users", data={"email": "BEHEER@gemeente.nl",
                                              "role": "facilitator"})
    assert "An account with this email address exists already." in page.text
    dutch = client.post("/admin/users", data={"email": "BEHEER@gemeente.nl",
                                              "role": "facilitator"})
    assert "Er is al een account met dit e-mailadres." in dutch.text
    assert store.scalar("SELECT COUNT(*) FROM users") == before
    assert client.post("/admin/teams", data={"name": "  "}).status_code == 400
    assert client.post("/admin/teams", data={"name": "x" * 101}).status_code == 400
    assert store.scalar("SELECT COUNT(*) FROM teams") == 0


def test_links_expire_and_a_new_one_replaces_the_old(app, store):
    admin = _admin(store)
    user = accounts.create_account(store, "f@gemeente.nl", "facilitator")
    old = accounts.new_password_link(store, user.id, 72)
    new = accounts.new_password_link(store, user.id, 72)
    assert accounts.password_link_user(store, old) is None
    assert accounts.password_link_user(store, new).email == "f@gemeente.nl"
    expired = accounts.new_password_link(store, admin.id, 72, now=utcnow() - timedelta(hours=73))
    assert accounts.password_link_user(store, expired) is None
    assert app.test_client().get(f"/password/{expired}").status_code == 404
    assert app.test_client().get("/password/" + "x" * 500).status_code == 404


def test_teams_page_adds_and_removes_people(app, store):
    _admin(store)
    team_id = accounts.add_team(store, "Team Jeugd")
    fac = accounts.create_account(store, "fac@gemeente.nl", "facilitator", "Fatima")
    mgr = accounts.create_account(store, "mgr@gemeente.nl", "manager", "Mo")
    client = app.test_client()
    _login(client, "beheer@gemeente.nl")
    for user in (fac, mgr):
        assert client.post(f"/admin/teams/{team_id}/members",
                           data={"user": str(user.id)}).status_code == 302
    page = client.get(f"/admin/teams/{team_id}").text
    members = page[page.index('id="members"'):page.index('id="managers-title"')]
    managers = page[page.index('id="managers"'):]
    assert "Fatima" in members and "Mo" not in members
    assert "Mo" in managers
    assert auth.teams_of(store, mgr)[0]["name"] == "Team Jeugd"
    refused = client.post(f"/admin/teams/{team_id}/members", data={"user": "abc"})
    assert refused.status_code == 400
    assert client.post("/admin/teams/999/members", data={"user": str(fac.id)}
                       ).status_code == 404
    client.post(f"/admin/teams/{team_id}/members/{mgr.id}/remove")
    assert auth.teams_of(store, mgr) == []
    # Every team and its people on the overview.
    overview = client.get("/admin/teams").text
    assert "Team Jeugd" in overview and "Fatima" in overview


def test_the_last_admin_and_oneself_cannot_be_deactivated(app, store):
    admin = _admin(store)
    client = app.test_client()
    _login(client, "beheer@gemeente.nl")
    assert client.post(f"/admin/users/{admin.id}/deactivate").status_code == 400
    with pytest.raises(ValueError):
        accounts.deactivate(store, admin.id)  # the command line: the last admin
    assert store.scalar("SELECT deactivated_at FROM users WHERE id = ?", (admin.id,)) is None


def test_command_line_uses_the_same_store(server_factory):
    server: Server = server_factory(start=False)
    server.cli("user", "add", "cli@gemeente.nl", "--role", "facilitator", "--name", "Chris",
               "--team", "Wijkteam Noord", stdin=PASSWORD + "\n")
    out = server.cli("user", "link", "cli@gemeente.nl")
    token = out.strip().rsplit("/password/", 1)[1]
    store = server.store()
    assert accounts.password_link_user(store, token).email == "cli@gemeente.nl"
    assert [t["name"] for t in auth.teams_of(store, auth.check_login(
        store, "cli@gemeente.nl", PASSWORD))] == ["Wijkteam Noord"]
    # An empty or short password on the command line is refused, as before.
    with pytest.raises(RuntimeError, match="at least 10 characters"):
        server.cli("user", "add", "leeg@gemeente.nl", "--role", "manager", stdin="\n")
    assert accounts.by_email(store, "leeg@gemeente.nl") is None
    server.cli("user", "deactivate", "cli@gemeente.nl")
    assert auth.check_login(store, "cli@gemeente.nl", PASSWORD) is None
    assert accounts.password_link_user(store, token) is None  # links end too


# --- against a real server: CSRF on ---------------------------------------------------------


@pytest.fixture(scope="module")
def server(module_server: Server) -> Server:
    return module_server


def _csrf(session: requests.Session, server: Server, path: str) -> str:
    page = session.get(server.url + path, timeout=10)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, (path, page.status_code)
    return found.group(1)


def _rows(server: Server) -> list[Any]:
    return [
        server.db_rows("SELECT id, email, role, deactivated_at, password_hash FROM users"
                       " ORDER BY id"),
        server.db_rows("SELECT * FROM teams ORDER BY id"),
        server.db_rows("SELECT * FROM team_members ORDER BY team_id, user_id"),
        server.db_rows("SELECT user_id FROM password_links ORDER BY user_id"),
    ]


def test_facilitators_and_managers_get_403_on_every_admin_route(server):
    server.add_user("admin-r@gemeente.nl", "admin", name="Ad")
    server.add_user("fac-r@gemeente.nl", "facilitator", teams=("Team R",), name="Fa")
    server.add_user("mgr-r@gemeente.nl", "manager", teams=("Team R",), name="Ma")
    fac_id = server.db_rows("SELECT id FROM users WHERE email = 'fac-r@gemeente.nl'")[0]["id"]
    team_id = server.db_rows("SELECT id FROM teams WHERE name = 'Team R'")[0]["id"]
    posts = [
        ("/admin/users", {"email": "evil@x.nl", "role": "admin"}),
        (f"/admin/users/{fac_id}/deactivate", {}),
        (f"/admin/users/{fac_id}/reactivate", {}),
        (f"/admin/users/{fac_id}/link", {}),
        ("/admin/teams", {"name": "Kwaad team"}),
        (f"/admin/teams/{team_id}/members", {"user": str(fac_id)}),
        (f"/admin/teams/{team_id}/members/{fac_id}/remove", {}),
    ]
    before = _rows(server)
    for email in ("fac-r@gemeente.nl", "mgr-r@gemeente.nl"):
        session = login_session(server, email)
        # A valid CSRF token of their own (from a page they may see): the role refuses.
        token = _csrf(session, server, "/review")
        for path, data in posts:
            response = session.post(server.url + path, data={**data, "csrf_token": token},
                                    timeout=10, allow_redirects=False)
            assert response.status_code == 403, (email, path, response.status_code)
            assert "Traceback" not in response.text
        for path in ("/admin/users", "/admin/teams", f"/admin/teams/{team_id}"):
            assert session.get(server.url + path, timeout=10).status_code == 403
    assert _rows(server) == before
    # Not logged in: to the login page, nothing changes.
    anonymous = requests.post(server.url + "/admin/users", data=posts[0][1], timeout=10,
                              allow_redirects=False)
    assert anonymous.status_code in (302, 400)
    # The admin without the form's CSRF token: refused, nothing changes.
    admin = login_session(server, "admin-r@gemeente.nl")
    for path, data in posts:
        response = admin.post(server.url + path, data=data, timeout=10, allow_redirects=False)
        assert response.status_code == 400, (path, response.status_code)
        assert "Traceback" not in response.text
    assert _rows(server) == before


def test_a_deactivated_users_copied_cookie_stops_working(server):
    server.add_user("admin-d@gemeente.nl", "admin", name="Ad")
    server.add_user("leaver@gemeente.nl", "facilitator", name="Vertrekker")
    api_token = server.token("leaver@gemeente.nl")
    leaver = login_session(server, "leaver@gemeente.nl")
    copied = requests.Session()
    copied.cookies.update(leaver.cookies)
    assert copied.get(server.url + "/workshops", timeout=10, allow_redirects=False
                      ).status_code == 200
    assert server.api("GET", "/api/v1/workshops", api_token).status_code == 200
    user_id = server.db_rows("SELECT id FROM users WHERE email = 'leaver@gemeente.nl'")[0]["id"]
    admin = login_session(server, "admin-d@gemeente.nl")
    token = _csrf(admin, server, "/admin/users")
    page = admin.post(f"{server.url}/admin/users/{user_id}/deactivate",
                      data={"csrf_token": token}, timeout=10)
    assert page.status_code == 200 and "Vertrekker" in page.text
    for session in (leaver, copied):
        response = session.get(server.url + "/workshops", timeout=10, allow_redirects=False)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert server.api("GET", "/api/v1/workshops", api_token).status_code == 401
    with pytest.raises(AssertionError):
        login_session(server, "leaver@gemeente.nl")  # the password no longer opens it
    assert server.db_rows("SELECT COUNT(*) AS n FROM user_sessions WHERE user_id = ?",
                          (user_id,))[0]["n"] == 0
    # Reactivated: the old password works again, the old cookie does not.
    admin.post(f"{server.url}/admin/users/{user_id}/reactivate", data={"csrf_token": token},
               timeout=10)
    assert copied.get(server.url + "/workshops", timeout=10, allow_redirects=False
                      ).status_code == 302
    login_session(server, "leaver@gemeente.nl")


def test_password_link_expires_after_the_setting(app, store):
    user = accounts.create_account(store, "f@gemeente.nl", "facilitator")
    assert app.config["PASSWORD_LINK_HOURS"] == 72
    token = accounts.new_password_link(store, user.id, 72)
    expires = store.scalar("SELECT expires_at FROM password_links WHERE user_id = ?", (user.id,))
    assert expires > iso(utcnow() + timedelta(hours=71))
    assert expires < iso(utcnow() + timedelta(hours=73))
    assert accounts.use_password_link(store, token, NEW_PASSWORD).email == "f@gemeente.nl"
    assert accounts.use_password_link(store, token, NEW_PASSWORD) is None


def test_a_reset_link_replaces_a_known_password_and_ends_sessions(app, store):
    _admin(store)
    user = accounts.create_account(store, "vergeten@gemeente.nl", "manager", "Vera", PASSWORD)
    own = app.test_client()
    _login(own, "vergeten@gemeente.nl")
    assert own.get("/review").status_code == 200
    admin = app.test_client()
    _login(admin, "beheer@gemeente.nl")
    page = admin.post(f"/admin/users/{user.id}/link")
    assert page.status_code == 200 and "Vera" in page.text
    link = _link_from(page.text)
    done = app.test_client().post(link, data={"password": NEW_PASSWORD,
                                              "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert auth.check_login(store, "vergeten@gemeente.nl", PASSWORD) is None
    assert auth.check_login(store, "vergeten@gemeente.nl", NEW_PASSWORD) is not None
    # The session from before the reset has ended.
    assert own.get("/review").status_code == 302
    # A deactivated account gets no link; its earlier one stops working.
    second = _link_from(admin.post(f"/admin/users/{user.id}/link").text)
    admin.post(f"/admin/users/{user.id}/deactivate")
    assert app.test_client().get(second).status_code == 404
    assert admin.post(f"/admin/users/{user.id}/link").status_code == 400
    assert store.scalar("SELECT COUNT(*) FROM password_links WHERE user_id = ?", (user.id,)) == 0


def test_a_deactivated_facilitators_open_socket_is_refused_at_its_next_action(app, store):
    from facilitator.live.actions import FACILITATOR, Actor
    from facilitator.room import workshops

    _admin(store)
    fac = accounts.create_account(store, "fac@gemeente.nl", "facilitator", "Fa", PASSWORD)
    ws = workshops.create_workshop(store, fac.id, "Teamdag")
    dispatcher = app.extensions["facilitator.dispatcher"]
    actor = Actor(FACILITATOR, ws["id"], user_id=fac.id)

    def rename(title: str, op_id: str) -> dict:
        return dispatcher.dispatch(actor, {"op": "workshop.rename", "op_id": op_id,
                                           "data": {"title": title}})

    assert rename("Teamdag maart", "rename-0001")["ok"]
    accounts.deactivate(store, fac.id)
    refused = rename("Overgenomen", "rename-0002")
    assert refused["ok"] is False and refused["error"]["code"] == "forbidden"
    assert store.scalar("SELECT title FROM workshops WHERE id = ?", (ws["id"],)) == "Teamdag maart"
