"""The one login helper: log in over HTTP as a browser does (the form's CSRF token
included) and hand back the cookies, as a Cookie header or as a dict for a browser."""

from __future__ import annotations

import re

import requests

from support.server import PASSWORD, Server


def form_token(session: requests.Session, url: str) -> str:
    """The CSRF token of the form on the page at `url`, as a browser would send it."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', session.get(url, timeout=10).text)
    assert found, f"no form with a CSRF token on {url}"
    return found.group(1)


def login_session(server: Server, email: str, password: str = PASSWORD) -> requests.Session:
    session = requests.Session()
    page = session.get(server.url + "/login", timeout=10).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the login form has no CSRF token"
    response = session.post(server.url + "/login", data={
        "csrf_token": found.group(1), "email": email, "password": password}, timeout=10,
        allow_redirects=False)
    assert response.status_code == 302, response.text
    return session


def login_cookies(server: Server, email: str, password: str = PASSWORD) -> dict[str, str]:
    return {c.name: c.value for c in login_session(server, email, password).cookies}


def login_cookie(server: Server, email: str, password: str = PASSWORD) -> str:
    """The Cookie header of a logged-in facilitator (for a facilitator socket)."""
    return "; ".join(f"{k}={v}" for k, v in login_cookies(server, email, password).items())
