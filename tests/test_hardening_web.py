"""Web hardening against a real server: Socket.IO handshakes from a foreign Origin,
CSRF on every POST form, a Content-Security-Policy without inline script on every
page, and cookie flags that follow the scheme actually served.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import socketio
from hardening_support import OWNER, World, env, make_world, rules
from support import PASSWORD, Server

EVIL = "http://evil.example"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    server = Server(tmp_path_factory.mktemp("web"), env())
    server.start()
    world = make_world(server)
    yield world
    world.close()
    server.stop()


def _connect(url: str, auth: dict[str, Any], headers: dict[str, str],
             transport: str = "websocket") -> socketio.Client:
    sio = socketio.Client(reconnection=False)
    sio.connect(url, auth=auth, headers=headers, transports=[transport], wait_timeout=5)
    return sio


def _auths(world: World) -> list[tuple[dict[str, Any], dict[str, str]]]:
    token = world.server.join(world.w["code"], "Origin")["token"]
    return [
        ({"kind": "participant", "code": world.w["code"], "token": token}, {}),
        ({"kind": "board", "token": world.w["board_url"].rsplit("/", 1)[1]}, {}),
        ({"kind": "facilitator", "code": world.w["code"]}, {"Cookie": world.cookie}),
    ]


def test_handshake_from_a_foreign_origin_is_refused(world: World) -> None:
    """Long-polling through python-socketio (it sends our Origin header as given)."""
    for auth, headers in _auths(world):
        sio = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            sio.connect(world.server.url, auth=auth, headers={**headers, "Origin": EVIL},
                        transports=["polling"], wait_timeout=5)
        sio.disconnect()
    # The refusal is the Origin's doing: the same identities from the page's own origin
    # connect fine.
    for auth, headers in _auths(world):
        sio = _connect(world.server.url, auth, {**headers, "Origin": world.server.url},
                       "polling")
        sio.disconnect()


def _websocket(world: World, origin: str) -> str:
    """A raw WebSocket handshake with exactly this Origin; returns the first frame."""
    import websocket

    url = world.server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
    try:
        conn = websocket.create_connection(url, origin=origin, timeout=5)
    except websocket.WebSocketException as err:
        return f"refused: {err}"
    try:
        return conn.recv()
    except websocket.WebSocketException as err:
        return f"closed: {err}"
    finally:
        conn.close()


def test_websocket_from_a_foreign_origin_is_refused(world: World) -> None:
    assert _websocket(world, world.server.url).startswith("0{")  # the Engine.IO open packet
    for origin in (EVIL, "null", world.server.url + ".evil.example",
                   world.server.url.replace("127.0.0.1", "localhost")):
        assert not _websocket(world, origin).startswith("0{"), origin


def test_engine_io_polling_from_a_foreign_origin_gets_no_cors_grant(world: World) -> None:
    response = requests.get(world.server.url + "/socket.io/?EIO=4&transport=polling",
                            headers={"Origin": EVIL}, timeout=5)
    assert response.status_code >= 400
    assert response.headers.get("Access-Control-Allow-Origin") in (None, "")


# --- CSRF ------------------------------------------------------------------------------


def _session(world: World) -> requests.Session:
    s = requests.Session()
    s.headers["Cookie"] = world.cookie
    return s


def _fill(rule: Any, world: World) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "code":
            return world.w["code"]
        if name == "token":
            return "not-a-setup-token"
        return str(world.ids()(name))

    return world.server.url + re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>", value, rule.rule)


CSRF_MESSAGE = "<h1>Het formulier is verlopen. Ga terug en probeer het opnieuw.</h1>"
FORM_FIELDS = {"title": "CSRF-poging", "name": "CSRF-poging", "email": OWNER,
               "password": PASSWORD, "password2": PASSWORD, "lang": "en", "code": "",
               "status": "done", "note": "CSRF-poging", "language": "en", "agenda": "welcome"}


def test_every_post_form_needs_a_csrf_token(world: World) -> None:
    posts = [r for r in rules() if "POST" in r.methods and not r.rule.startswith("/api/")]
    assert len(posts) >= 6
    fields = {**FORM_FIELDS, "code": world.w["code"]}
    before = world.state()
    for rule in posts:
        url = _fill(rule, world)
        for extra in ({}, {"csrf_token": "forged"}):
            response = _session(world).post(url, data={**fields, **extra}, timeout=10,
                                            allow_redirects=False)
            assert response.status_code == 400, (rule.rule, response.status_code)
            assert response.headers["Content-Type"].startswith("text/html"), rule.rule
            assert "Traceback" not in response.text
            # The refusal says why, in the owner's language (every page has an <h1>,
            # so its presence proves nothing).
            assert CSRF_MESSAGE in response.text, (rule.rule, response.text[:300])
    assert world.state() == before
    # Still logged in, language unchanged: the forged language switch did nothing.
    page = _session(world).get(world.server.url + "/workshops", timeout=10)
    assert page.status_code == 200 and 'lang="nl"' in page.text


def test_every_rendered_post_form_carries_a_csrf_token(world: World) -> None:
    session = _session(world)
    phone = requests.Session()
    phone.get(world.server.url + f"/j/{world.w['code']}", timeout=10)
    seen = 0
    for rule in rules():
        if "GET" not in rule.methods or rule.rule.startswith("/api/") or rule.arguments - {
                "code"} or rule.rule.endswith((".svg", ".csv", ".ics", ".md")):
            continue
        for client in (session, phone):
            response = client.get(_fill(rule, world), timeout=10)
            for form in re.findall(r"<form\b[^>]*>.*?</form>", response.text, re.S | re.I):
                if re.search(r'method="post"', form, re.I):
                    seen += 1
                    assert 'name="csrf_token"' in form, (rule.rule, form[:200])
    assert seen >= 3


# --- CSP and inline script ---------------------------------------------------------------


def _pages(world: World) -> list[tuple[requests.Session, str]]:
    owner = _session(world)
    phone = requests.Session()
    phone.cookies.set(f"ftok_{world.w['code']}",
                      world.server.join(world.w["code"], "CSP")["token"])
    anonymous = requests.Session()
    out = []
    for rule in rules():
        if "GET" not in rule.methods or rule.rule.startswith("/api/"):
            continue
        url = _fill(rule, world)
        if rule.endpoint == "pages.board":
            url = world.w["board_url"]
        out += [(owner, url), (anonymous, url)]
        if rule.endpoint == "pages.phone":
            out.append((phone, url))
    out += [(anonymous, world.server.url + "/no/such/page"),
            (owner, world.server.url + "/w/NOPE99/control")]
    return out


def test_every_page_has_a_csp_without_inline_script(world: World) -> None:
    checked = 0
    for session, url in _pages(world):
        response = session.get(url, timeout=10)
        assert response.status_code < 500, url
        csp = response.headers.get("Content-Security-Policy", "")
        directives = dict(
            (d.strip().split(" ", 1) + [""])[:2] for d in csp.split(";") if d.strip())
        assert "script-src" in directives or "default-src" in directives, url
        script_src = directives.get("script-src", directives.get("default-src", ""))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, url
        assert "*" not in script_src.split() and "data:" not in script_src, url
        assert directives.get("object-src") == "'none'", url
        assert response.headers.get("X-Content-Type-Options") == "nosniff"
        if response.headers.get("Content-Type", "").startswith("text/html"):
            checked += 1
            html = response.text
            for tag in re.findall(r"<script\b[^>]*>", html, re.I):
                assert "src=" in tag, (url, tag)
            assert not re.search(r"<[^>]+\son[a-z]+\s*=", html, re.I), url
            assert "javascript:" not in html.lower(), url
    assert checked >= 10


# --- cookies ---------------------------------------------------------------------------


def _set_cookies(response: requests.Response) -> dict[str, str]:
    raw = response.raw.headers.getlist("Set-Cookie")
    return {c.split("=", 1)[0]: c for c in raw}


def _login(url: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    """Log in with explicit Cookie headers (a Secure cookie is not resent over http)."""
    headers = dict(headers or {})
    page = requests.get(url + "/login", headers=headers, timeout=10)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    cookie = "; ".join(c.split(";", 1)[0] for c in _set_cookies(page).values())
    response = requests.post(
        url + "/login", data={"csrf_token": csrf, "email": OWNER, "password": PASSWORD},
        headers={**headers, "Cookie": cookie, "Referer": headers.get("X-Referer", url + "/")},
        timeout=10, allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    return _set_cookies(response)


def _join_cookies(url: str, code: str, headers: dict[str, str] | None = None
                  ) -> dict[str, str]:
    headers = dict(headers or {})
    page = requests.get(url + f"/j/{code}", headers=headers, timeout=10)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    op_id = re.search(r'name="op_id" value="([^"]+)"', page.text).group(1)
    cookie = "; ".join(c.split(";", 1)[0] for c in _set_cookies(page).values())
    response = requests.post(
        url + f"/j/{code}", data={"csrf_token": csrf, "op_id": op_id, "name": "Koek"},
        headers={**headers, "Cookie": cookie, "Referer": headers.get("X-Referer", url + "/")},
        timeout=10, allow_redirects=False)
    assert response.status_code == 302, response.text[:500]
    return _set_cookies(response)


def _flags(cookie: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]} | {
        part.strip().lower() for part in cookie.split(";")[1:] if "samesite" in part.lower()}


def test_cookies_on_plain_http_are_httponly_lax_and_not_secure(world: World) -> None:
    cookies = {**_login(world.server.url), **_join_cookies(world.server.url, world.w["code"])}
    assert "session" in cookies and f"ftok_{world.w['code']}" in cookies
    for cookie in cookies.values():
        flags = _flags(cookie)
        assert "httponly" in flags, cookie
        assert "samesite=lax" in flags, cookie
        # Plain HTTP on a venue LAN must work: a Secure cookie would never come back.
        assert "secure" not in flags, cookie


def test_cookies_are_secure_when_served_over_https(server_factory: Any) -> None:
    public = "https://workshops.example.org"
    server = server_factory(env={**env(), "FACILITATOR_PUBLIC_URL": public,
                                 "FACILITATOR_TRUST_PROXY": "1"})
    server.add_user(OWNER, "facilitator", name="Fatima")
    ws = server.create_workshop(server.token(OWNER), title="Achter de proxy")
    server.api("GET", "/api/v1/workshops", server.token(OWNER))
    # The proxy terminates TLS and says so; Flask then serves https.
    proxy = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "workshops.example.org",
             "X-Referer": public + "/"}
    cookies = {**_login(server.url, proxy), **_join_cookies(server.url, ws["code"], proxy)}
    assert "session" in cookies and f"ftok_{ws['code']}" in cookies
    for cookie in cookies.values():
        flags = _flags(cookie)
        assert {"httponly", "secure", "samesite=lax"} <= flags, cookie
    # HSTS only where https is actually served.
    response = requests.get(server.url + "/login", headers=proxy, timeout=10)
    assert response.headers.get("Strict-Transport-Security")
    assert not requests.get(server.url + "/login", timeout=10).headers.get(
        "Strict-Transport-Security")
