"""Issue 12, items 16, 3 and 2: same-site redirects only, login costs the same for
unknown e-mail addresses, and logging out ends the session everywhere."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from facilitator import auth

PASSWORD = "correct horse battery"
EVIL = [
    "/%09/evil.example", "/%0a/evil.example", "/%0d%0a/evil.example", "/%20/evil.example",
    "//evil.example", "/\\evil.example", "/%5cevil.example", "https://evil.example/",
    "/%7f/evil.example", "%2F%2Fevil.example", "javascript:alert(1)", "",
]


@pytest.fixture
def user(store: Any) -> Any:
    return auth.add_user(store, "fac@example.nl", PASSWORD, "facilitator")


@pytest.mark.parametrize("target", EVIL)
def test_login_next_accepts_only_same_site_paths(app: Any, user: Any, target: str) -> None:
    response = app.test_client().post(
        f"/login?next={target}", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/workshops", response.headers["Location"]


@pytest.mark.parametrize("target", EVIL)
def test_language_switch_accepts_only_same_site_paths(app: Any, target: str) -> None:
    from urllib.parse import unquote

    response = app.test_client().post("/language", data={"lang": "en",
                                                         "next": unquote(target)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/", response.headers["Location"]


def test_same_site_paths_still_work(app: Any, user: Any) -> None:
    client = app.test_client()
    response = client.post("/login?next=/workshops%3Fx%3D1",
                           data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/workshops?x=1"
    response = client.post("/language", data={"lang": "en", "next": "/join?code=AB12"})
    assert response.headers["Location"] == "/join?code=AB12"


def test_login_does_the_same_work_for_an_unknown_address(store: Any, user: Any,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    calls: list[int] = []
    real = hashlib.scrypt

    def counting(*args: Any, **kwargs: Any) -> bytes:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    auth.check_login(store, "nobody@example.nl", "x" * 12)  # once per process: setup

    def work(email: str, password: str) -> int:
        calls.clear()
        auth.check_login(store, email, password)
        return len(calls)

    known = work(user.email, "wrong password!")
    assert known == 1
    assert work("nobody@example.nl", "wrong password!") == known
    assert work("someone.else@example.nl", PASSWORD) == known
    assert work(user.email, PASSWORD) == known


def _logged_in(app: Any, user: Any) -> Any:
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _copy(app: Any, client: Any) -> Any:
    """A second browser holding a copy of the first one's session cookie."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_logout_ends_the_session_for_every_copy_of_its_cookie(app: Any, store: Any,
                                                              user: Any) -> None:
    from facilitator import socketio
    from facilitator.room import workshops

    code = workshops.create_workshop(store, user.id, "Sessie")["code"]
    client = _logged_in(app, user)
    thief = _copy(app, client)
    other_device = _logged_in(app, user)
    assert thief.get("/workshops").status_code == 200
    sock = socketio.test_client(app, flask_test_client=thief,
                                auth={"kind": "facilitator", "code": code})
    assert sock.is_connected()
    sock.disconnect()

    assert client.post("/logout").status_code == 302
    response = thief.get("/workshops")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    sock = socketio.test_client(app, flask_test_client=thief,
                                auth={"kind": "facilitator", "code": code})
    assert not sock.is_connected()
    # Another login of the same account is another session: it goes on.
    assert other_device.get("/workshops").status_code == 200


def test_a_password_change_ends_every_session_of_the_account(app: Any, store: Any,
                                                             user: Any) -> None:
    client = _logged_in(app, user)
    assert client.get("/workshops").status_code == 200
    auth.set_password(store, user.id, "another good password")
    assert client.get("/workshops").status_code == 302
    assert auth.check_login(store, user.email, "another good password") is not None


def test_every_route_that_tells_join_codes_apart_counts_in_the_join_limit(app: Any) -> None:
    # Issue 12, item 14 (the HTTP routes; the API keeps its own count).
    app.config["RATELIMIT_JOIN"] = "4/minute"
    client = app.test_client()
    for path in ("/w/ZZZZZ1/qr.svg", "/w/ZZZZZ2/phone", "/w/ZZZZZ3/qr.svg", "/w/ZZZZZ4/phone"):
        assert client.get(path).status_code == 404, path
    assert client.get("/j/ZZZZZ5").status_code == 429
    assert client.post("/join", data={"code": "ZZZZZ6"}).status_code == 429


def test_wrong_passwords_for_one_account_do_not_lock_out_another(app: Any, store: Any,
                                                                 user: Any) -> None:
    # Issue 12, item 15 (logins): the count is per address and account.
    other = auth.add_user(store, "other@example.nl", PASSWORD, "facilitator")
    app.config["RATELIMIT_LOGIN"] = "3/minute"
    client = app.test_client()
    for _ in range(3):
        response = client.post("/login", data={"email": user.email, "password": "wrong!"})
        assert response.status_code == 401
    assert client.post("/login", data={"email": user.email,
                                       "password": PASSWORD}).status_code == 429
    assert client.post("/login", data={"email": other.email,
                                       "password": PASSWORD}).status_code == 302


def test_the_qr_code_is_not_cached_publicly(app: Any, store: Any, user: Any) -> None:
    # Issue 12, item 18 (the caching part).
    from facilitator.room import workshops

    code = workshops.create_workshop(store, user.id, "Sessie")["code"]
    response = app.test_client().get(f"/w/{code}/qr.svg")
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]
