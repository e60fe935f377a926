"""Pages and administration: joining with bad codes, CSRF, login, the first-admin link,
the command line, cookie flags, security headers and error pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import requests
from support import PASSWORD, Server

from facilitator import auth, create_app
from facilitator.room import workshops

NO_CODE = "Er is geen sessie met deze code. Controleer de code."
CLOSED = "Deze sessie is gesloten."
LOCKED = "Deze sessie neemt geen nieuwe deelnemers meer aan."


def make_app(tmp_path: Path, **config: Any) -> Any:
    settings = {"DATA_DIR": str(tmp_path / "app"), "ASYNC_MODE": "threading", "TESTING": True,
                "PUSH_DELAY": 0, **config}
    return create_app(settings)


def new_workshop(store: Any, language: str = "nl", status: str = "open",
                 locked: bool = False) -> str:
    owner = store.scalar("SELECT id FROM users LIMIT 1")
    if owner is None:
        owner = auth.add_user(store, "fac@example.nl", PASSWORD, "facilitator").id
    workshop = workshops.create_workshop(store, owner, "Werkconferentie", language)
    store.run("UPDATE workshops SET status = ?, locked = ? WHERE id = ?",
              (status, int(locked), workshop["id"]))
    return workshop["code"]


def text(response: Any) -> str:
    body = response.get_data(as_text=True)
    assert "Traceback" not in body
    return body


# --- joining ---------------------------------------------------------------------------------


def test_join_with_a_wrong_closed_or_locked_code(app: Any, store: Any) -> None:
    client = app.test_client()
    page = client.get("/join")
    assert page.status_code == 200 and 'id="code"' in text(page)
    cases = [
        ("ZZZZZZ", NO_CODE),
        (new_workshop(store, status="closed"), CLOSED),
        (new_workshop(store, locked=True), LOCKED),
    ]
    for code, message in cases:
        response = client.post("/join", data={"code": code})
        assert response.status_code == 404
        body = text(response)
        assert message in body
        assert 'role="alert"' in body and 'aria-invalid="true"' in body
        # The direct link (from a QR code) says the same.
        assert message in text(client.get(f"/j/{code}"))
        # So does the JSON join.
        api = client.post("/api/v1/join", json={"code": code, "name": "Ann"})
        assert api.status_code == 404 and api.get_json()["error"]["message"] == message
    assert store.scalar("SELECT COUNT(*) FROM participants") == 0


def test_closed_english_workshop_says_so_in_english(app: Any, store: Any) -> None:
    code = new_workshop(store, language="en", status="closed")
    assert "This workshop is closed." in text(app.test_client().get(f"/j/{code}"))


def test_a_code_typed_loosely_still_finds_the_workshop(app: Any, store: Any) -> None:
    code = new_workshop(store)
    loose = f" {code[:3].lower()} {code[3:].lower()} "
    response = app.test_client().post("/join", data={"code": loose})
    assert response.status_code == 302 and response.headers["Location"] == f"/j/{code}"


def test_join_form_refuses_bad_names_and_changes_nothing(app: Any, store: Any) -> None:
    code = new_workshop(store)
    client = app.test_client()
    for name, message in [("", "Typ een naam, of kies om anoniem mee te doen."),
                          ("x" * 41, "Te lang: hoogstens 40 tekens.")]:
        response = client.post(f"/j/{code}", data={"name": name, "op_id": "abcdefgh1234"
                                                   + str(len(name))})
        assert response.status_code == 400
        assert message in text(response)
    assert store.scalar("SELECT COUNT(*) FROM participants") == 0
    ok = client.post(f"/j/{code}", data={"name": "Ann", "op_id": "abcdefgh-ok"})
    assert ok.status_code == 302 and ok.headers["Location"] == f"/w/{code}/phone"
    assert store.scalar("SELECT name FROM participants") == "Ann"
    # A double-tapped form (same op_id) does not make a second participant.
    again = app.test_client().post(f"/j/{code}", data={"name": "Ann", "op_id": "abcdefgh-ok"})
    assert again.status_code == 302
    assert store.scalar("SELECT COUNT(*) FROM participants") == 1


def test_phone_page_needs_the_participant_cookie(app: Any, store: Any) -> None:
    code = new_workshop(store)
    client = app.test_client()
    response = client.get(f"/w/{code}/phone")
    assert response.status_code == 302 and response.headers["Location"] == f"/j/{code}"
    client.post(f"/j/{code}", data={"name": "", "anonymous": "1", "op_id": "abcdefgh-anon"})
    page = client.get(f"/w/{code}/phone")
    assert page.status_code == 200 and "Anoniem" in text(page)
    assert store.scalar("SELECT name FROM participants") is None


# --- CSRF, login --------------------------------------------------------------------------------


def test_forms_without_csrf_token_are_refused_with_a_friendly_page(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    store = app.extensions["facilitator.store"]
    code = new_workshop(store)
    client = app.test_client()
    for path, data in [("/login", {"email": "fac@example.nl", "password": PASSWORD}),
                       ("/join", {"code": code}),
                       (f"/j/{code}", {"name": "Ann", "op_id": "abcdefgh-csrf"}),
                       ("/language", {"lang": "en"}),
                       ("/logout", {})]:
        response = client.post(path, data=data)
        assert response.status_code == 400, path
        assert response.mimetype == "text/html"
        assert "Het formulier is verlopen. Ga terug en probeer het opnieuw." in text(response)
        assert "csrf" not in text(response).lower().replace("csrf_token", "")
    assert store.scalar("SELECT COUNT(*) FROM participants") == 0
    # With the token from the form, the same login works.
    page = text(client.get("/login"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": "fac@example.nl",
                                           "password": PASSWORD})
    assert response.status_code == 302


def test_login_failure_and_success(app: Any, store: Any) -> None:
    auth.add_user(store, "fac@example.nl", PASSWORD, "facilitator")
    client = app.test_client()
    for email, password in [("fac@example.nl", "wrong password"),
                            ("nobody@example.nl", PASSWORD), ("", "")]:
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 401
        assert "E-mailadres of wachtwoord klopt niet." in text(response)
    protected = client.get("/workshops")
    assert protected.status_code == 302 and protected.headers["Location"].startswith("/login")
    ok = client.post("/login?next=/workshops/new",
                     data={"email": "fac@example.nl", "password": PASSWORD})
    assert ok.status_code == 302 and ok.headers["Location"] == "/workshops/new"
    assert client.get("/workshops").status_code == 200
    # No open redirect to another site after login.
    client.post("/logout")
    evil = client.post("/login?next=//evil.example/",
                       data={"email": "fac@example.nl", "password": PASSWORD})
    assert evil.headers["Location"] == "/workshops"


def test_first_admin_link_works_once(server: Server) -> None:
    log = server.log.read_text()
    match = re.search(r"create the first admin at (http://\S+/setup/(\S+))", log)
    assert match, log
    link = match.group(1)
    session = requests.Session()
    form = session.get(link, timeout=10)
    assert form.status_code == 200
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    data = {"csrf_token": csrf, "email": "admin@example.nl", "name": "Ada",
            "password": PASSWORD, "password2": PASSWORD + "x"}
    mismatch = session.post(link, data=data, timeout=10, allow_redirects=False)
    assert mismatch.status_code == 200 and "De twee wachtwoorden verschillen." in mismatch.text
    assert server.db_rows("SELECT * FROM users") == []
    data["password2"] = PASSWORD
    done = session.post(link, data=data, timeout=10, allow_redirects=False)
    assert done.status_code == 302 and done.headers["Location"] == "/workshops"
    (user,) = server.db_rows("SELECT email, role, name FROM users")
    assert user == {"email": "admin@example.nl", "role": "admin", "name": "Ada"}
    # Logged in at once.
    assert session.get(server.url + "/workshops", timeout=10, allow_redirects=False
                       ).status_code == 200
    # The link is spent: for this visitor, for a fresh one, and after a restart.
    assert session.get(link, timeout=10).status_code == 404
    assert requests.get(link, timeout=10).status_code == 404
    assert requests.post(link, data=data, timeout=10).status_code in (400, 404)
    assert len(server.db_rows("SELECT * FROM users")) == 1
    server.restart()
    assert requests.get(link, timeout=10).status_code == 404
    assert server.log.read_text().count("create the first admin") == 1


def test_cli_user_add_reads_the_password_from_stdin(server: Server) -> None:
    out = server.cli("user", "add", "trainer@example.nl", "--role", "facilitator",
                     "--name", "Tess", "--team", "Wijkteam Zuid", stdin="een lang wachtwoord\n")
    assert "trainer@example.nl" in out
    (user,) = server.db_rows("SELECT * FROM users")
    assert user["role"] == "facilitator" and user["name"] == "Tess"
    assert "een lang wachtwoord" not in str(user)  # stored hashed
    assert server.db_rows("SELECT t.name FROM teams t JOIN team_members m ON m.team_id = t.id"
                          ) == [{"name": "Wijkteam Zuid"}]
    session = requests.Session()
    page = session.get(server.url + "/login", timeout=10).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = session.post(server.url + "/login", timeout=10, allow_redirects=False, data={
        "csrf_token": csrf, "email": "trainer@example.nl", "password": "een lang wachtwoord"})
    assert response.status_code == 302
    # Refusals: a short password, a duplicate, a bad role.
    with pytest.raises(RuntimeError, match="at least"):
        server.cli("user", "add", "kort@example.nl", "--role", "manager", stdin="kort\n")
    with pytest.raises(RuntimeError, match="exists"):
        server.cli("user", "add", "trainer@example.nl", "--role", "admin",
                   stdin="een ander lang wachtwoord\n")
    with pytest.raises(RuntimeError):
        server.cli("user", "add", "x@example.nl", "--role", "emperor", stdin=PASSWORD + "\n")
    assert len(server.db_rows("SELECT * FROM users")) == 1


def test_cli_token_prints_a_working_token(server: Server) -> None:
    # The command line itself (elsewhere tokens are made in-process).
    server.add_user("fac@example.nl")
    first = server.cli("token", "fac@example.nl").strip()
    assert re.fullmatch(r"fac_[A-Za-z0-9_-]{40,}", first)
    assert server.api("GET", "/api/v1/workshops", first).status_code == 200
    second = server.cli("token", "fac@example.nl").strip()
    assert server.api("GET", "/api/v1/workshops", second).status_code == 200
    assert server.api("GET", "/api/v1/workshops", first).status_code == 401
    with pytest.raises(RuntimeError, match="no such user"):
        server.cli("token", "nobody@example.nl")
    # Only a hash is stored.
    assert second not in str(server.db_rows("SELECT * FROM users"))


# --- cookies and headers ------------------------------------------------------------------------


def cookie_flags(response: Any, name: str) -> set[str]:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return {part.strip().lower() for part in header.split(";")[1:]}
    raise AssertionError(f"no {name} cookie in {response.headers.getlist('Set-Cookie')}")


def test_session_and_participant_cookies_are_httponly_and_lax(app: Any, store: Any) -> None:
    code = new_workshop(store)
    client = app.test_client()
    login = client.post("/login", data={"email": "fac@example.nl", "password": PASSWORD})
    flags = cookie_flags(login, "session")
    assert "httponly" in flags and "samesite=lax" in flags
    assert "secure" not in flags  # plain HTTP on a venue LAN must work
    joined = app.test_client().post(f"/j/{code}", data={"name": "Ann", "op_id": "abcdefgh-ck"})
    flags = cookie_flags(joined, "ftok_" + code)
    assert "httponly" in flags and "samesite=lax" in flags
    assert any(f.startswith("max-age=") for f in flags)  # survives closing the browser


def test_cookies_are_secure_behind_https(tmp_path: Path) -> None:
    app = make_app(tmp_path, PUBLIC_URL="https://workshops.example.org", TRUST_PROXY=True,
                   WTF_CSRF_ENABLED=False)
    store = app.extensions["facilitator.store"]
    code = new_workshop(store)
    client = app.test_client()
    https = {"X-Forwarded-Proto": "https"}
    login = client.post("/login", data={"email": "fac@example.nl", "password": PASSWORD},
                        headers=https)
    assert {"secure", "httponly", "samesite=lax"} <= cookie_flags(login, "session")
    joined = app.test_client().post(f"/j/{code}", headers=https,
                                    data={"name": "Ann", "op_id": "abcdefgh-sec"})
    assert "secure" in cookie_flags(joined, "ftok_" + code)
    assert joined.headers["Strict-Transport-Security"].startswith("max-age=")
    # Links for phones carry the public address.
    response = client.post("/api/v1/join", json={"code": code, "name": "Bo"})
    assert response.status_code == 201
    page = text(client.get(f"/w/{code}/control", headers=https))
    assert f"https://workshops.example.org/j/{code}" in page


def test_security_headers_and_no_inline_script(app: Any, store: Any) -> None:
    code = new_workshop(store)
    board_token = store.scalar("SELECT board_token FROM workshops WHERE code = ?", (code,))
    client = app.test_client()
    client.post("/login", data={"email": "fac@example.nl", "password": PASSWORD})
    phone = app.test_client()
    phone.post(f"/j/{code}", data={"name": "Ann", "op_id": "abcdefgh-hdr"})
    pages = [(client, "/login"), (client, "/join"), (client, "/workshops"),
             (client, "/workshops/new"), (client, f"/w/{code}/control"),
             (client, f"/board/{board_token}"), (phone, f"/w/{code}/phone"),
             (client, "/api/v1/workshops"), (client, "/no-such-page")]
    for who, path in pages:
        response = who.get(path)
        csp = response.headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'", csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        # Only the board may be framed, by its own origin (the control page's miniature).
        framed = path.startswith("/board/")
        assert directives["frame-ancestors"] == ("'self'" if framed else "'none'")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == ("SAMEORIGIN" if framed else "DENY")
        if response.mimetype == "text/html":
            body = text(response)
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body), path
            assert not re.search(r"\son[a-z]+\s*=", body), path


def test_404_is_json_under_api_and_a_page_elsewhere(app: Any) -> None:
    client = app.test_client()
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.mimetype == "application/json"
    assert api.get_json() == {"error": {"code": "not_found",
                                        "message": "Deze pagina bestaat niet."}}
    page = client.get("/no-such-thing")
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "Deze pagina bestaat niet." in text(page) and "<main" in text(page)
    assert client.get("/board/not-a-real-token").status_code == 404
    assert client.get("/w/NOSUCH/qr.svg").status_code == 404


def test_qr_code_is_svg_of_the_join_link(app: Any, store: Any) -> None:
    code = new_workshop(store)
    response = app.test_client().get(f"/w/{code}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert text(response).startswith("<?xml") and "<svg" in text(response)


# --- a laptop on venue Wi-Fi ---------------------------------------------------------------


def test_join_links_carry_the_lan_address_when_browsing_on_loopback(tmp_path: Path) -> None:
    app = make_app(tmp_path, LAN_URL="http://192.168.1.20:5000", WTF_CSRF_ENABLED=False)
    store = app.extensions["facilitator.store"]
    code = new_workshop(store)
    board_token = store.scalar("SELECT board_token FROM workshops WHERE code = ?", (code,))
    client = app.test_client()
    client.post("/login", data={"email": "fac@example.nl", "password": PASSWORD})
    control = text(client.get(f"/w/{code}/control"))  # the laptop's own browser: localhost
    assert f"http://192.168.1.20:5000/j/{code}" in control
    assert f"http://192.168.1.20:5000/board/{board_token}" in control
    board = text(client.get(f"/board/{board_token}"))
    assert "http://192.168.1.20:5000/join" in board
    # Whatever Host a request names, links carry the server's own address (issue 12,
    # item 18: a Host header is anyone's to set).
    other = text(client.get(f"/board/{board_token}", base_url="http://evil.example:5000"))
    assert "http://192.168.1.20:5000/join" in other and "evil.example" not in other


def test_lan_address_is_found_when_the_hostname_maps_to_loopback(monkeypatch: Any) -> None:
    import socket

    from facilitator.serve import lan_address

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # sends nothing
        except OSError:
            pytest.skip("this machine has no network route at all")
        expected = probe.getsockname()[0]
    # As on Debian: /etc/hosts maps the hostname to 127.0.1.1.
    monkeypatch.setattr(socket, "gethostbyname_ex", lambda name: (name, [], ["127.0.1.1"]))
    assert lan_address() == expected
    assert not expected.startswith("127.")
