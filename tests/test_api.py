"""JSON API v1 (docs/api.md): Bearer tokens, creating and reading workshops, JSON errors."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator import auth

PASSWORD = "correct horse battery"


@pytest.fixture
def tokens(store: Any) -> dict[str, str]:
    auth.add_user(store, "fac@example.nl", PASSWORD, "facilitator", "Fatima")
    auth.add_user(store, "other@example.nl", PASSWORD, "facilitator", "Olaf")
    auth.add_user(store, "admin@example.nl", PASSWORD, "admin", "Ada")
    auth.add_user(store, "boss@example.nl", PASSWORD, "manager", "Mo")
    team = auth.add_team(store, "Wijkteam Noord")
    auth.add_to_team(store, team, store.scalar("SELECT id FROM users WHERE name = 'Fatima'"))
    return {
        email.split("@")[0]: auth.new_api_token(store, email)
        for email in ("fac@example.nl", "other@example.nl", "admin@example.nl",
                      "boss@example.nl")
    }


@pytest.fixture
def api(app: Any) -> Any:
    client = app.test_client()

    def call(method: str, path: str, token: str | None = None, lang: str | None = None,
             **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        client.delete_cookie("lang")
        if lang:
            client.set_cookie("lang", lang)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = client.open(path, method=method, headers=headers, **kwargs)
        assert "Traceback" not in response.get_data(as_text=True)
        return response

    return call


def is_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def count(store: Any, table: str) -> int:
    return store.scalar(f"SELECT COUNT(*) FROM {table}")


def test_create_answers_201_with_code_and_urls(api: Any, tokens: dict[str, str],
                                                store: Any) -> None:
    response = api("POST", "/api/v1/workshops", tokens["fac"],
                   json={"title": "  Werkconferentie   Zorg ", "language": "en"})
    assert response.status_code == 201
    body = response.get_json()
    code = body["code"]
    assert len(code) == 6 and code.isalnum() and code.isupper()
    assert body["title"] == "Werkconferentie Zorg"  # whitespace normalised
    assert body["language"] == "en" and body["status"] == "draft" and body["locked"] is False
    assert body["join_url"] == f"http://localhost/j/{code}"
    assert body["control_url"] == f"http://localhost/w/{code}/control"
    row = store.one("SELECT * FROM workshops WHERE code = ?", (code,))
    assert body["board_url"] == f"http://localhost/board/{row['board_token']}"
    assert len(row["board_token"]) >= 24  # the board link is a secret
    assert row["owner_id"] == store.scalar("SELECT id FROM users WHERE name = 'Fatima'")
    # The links work: the board without logging in, the join page for phones.
    assert api("GET", f"/board/{row['board_token']}").status_code == 200
    assert api("GET", f"/j/{code}").status_code == 200
    # It starts with the welcome activity, in the workshop's language.
    items = store.all("SELECT kind, title FROM agenda_items WHERE workshop_id = ?", (row["id"],))
    assert [(i["kind"], i["title"]) for i in items] == [("welcome", "Welcome")]


def test_create_with_defaults_and_team(api: Any, tokens: dict[str, str], store: Any) -> None:
    team_id = store.scalar("SELECT id FROM teams WHERE name = 'Wijkteam Noord'")
    body = api("POST", "/api/v1/workshops", tokens["fac"],
               json={"title": "Intervisie", "team_id": team_id}).get_json()
    assert body["language"] == "nl" and body["team_id"] == team_id
    (item,) = store.all("SELECT title FROM agenda_items")
    assert item["title"] == "Welkom"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": 42}, "title"),
        ({"title": "x" * 121}, "120"),
        ({"title": "Ok", "language": "de"}, "choices"),
        ({"title": "Ok", "agenda": "no-such-agenda"}, "choices"),
        ({"title": "Ok", "team_id": 999}, "choices"),
    ],
)
def test_create_refuses_bad_input_with_clear_json(
    api: Any, tokens: dict[str, str], store: Any, body: dict[str, Any], needle: str
) -> None:
    # English messages when the caller asks for English; Dutch is the default.
    error = is_error(api("POST", "/api/v1/workshops", tokens["fac"], json=body,
                         lang="en"), 400, "invalid")
    assert needle in error["message"]
    assert count(store, "workshops") == 0


def test_create_refuses_other_teams(api: Any, tokens: dict[str, str], store: Any) -> None:
    other_team = auth.add_team(store, "Somebody else's team")
    is_error(api("POST", "/api/v1/workshops", tokens["fac"],
                 json={"title": "x", "team_id": other_team}), 400, "invalid")
    assert count(store, "workshops") == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"data": "not json", "content_type": "application/json"},
        {"data": "[1, 2]", "content_type": "application/json"},
        {"data": "title=x", "content_type": "application/x-www-form-urlencoded"},
        {"json": ["title", "x"]},
        {"json": "title"},
    ],
)
def test_create_refuses_non_object_bodies(api: Any, tokens: dict[str, str], store: Any,
                                          kwargs: dict[str, Any]) -> None:
    is_error(api("POST", "/api/v1/workshops", tokens["fac"], **kwargs), 400)
    assert count(store, "workshops") == 0


def test_default_language_of_errors_is_dutch(api: Any, tokens: dict[str, str]) -> None:
    error = is_error(api("POST", "/api/v1/workshops", tokens["fac"], json={}), 400, "invalid")
    assert error["message"] == "Geef de sessie een titel."


def test_manager_may_not_create(api: Any, tokens: dict[str, str], store: Any) -> None:
    is_error(api("POST", "/api/v1/workshops", tokens["boss"], json={"title": "x"}), 403)
    assert count(store, "workshops") == 0


def test_list_shows_only_the_callers_workshops(api: Any, tokens: dict[str, str]) -> None:
    mine = [api("POST", "/api/v1/workshops", tokens["fac"], json={"title": t}).get_json()["code"]
            for t in ("Eerste", "Tweede")]
    theirs = api("POST", "/api/v1/workshops", tokens["other"],
                 json={"title": "Van een ander"}).get_json()["code"]
    listed = api("GET", "/api/v1/workshops", tokens["fac"]).get_json()["workshops"]
    assert sorted(w["code"] for w in listed) == sorted(mine)
    assert {w["title"] for w in listed} == {"Eerste", "Tweede"}
    assert all({"join_url", "board_url", "control_url", "status"} <= set(w) for w in listed)
    other = api("GET", "/api/v1/workshops", tokens["other"]).get_json()["workshops"]
    assert [w["code"] for w in other] == [theirs]
    assert api("GET", "/api/v1/workshops", tokens["boss"]).get_json() == {"workshops": []}


def test_get_one_for_owner_and_admin_404_for_others(api: Any, tokens: dict[str, str],
                                                     app: Any) -> None:
    code = api("POST", "/api/v1/workshops", tokens["fac"],
               json={"title": "Werkconferentie"}).get_json()["code"]
    # A participant joins; the export counts them but never names them.
    joined = app.test_client().post("/api/v1/join", json={"code": code, "name": "Geheime Naam"})
    assert joined.status_code == 201
    response = api("GET", f"/api/v1/workshops/{code}", tokens["fac"])
    assert response.status_code == 200
    body = response.get_json()
    assert body["code"] == code and body["title"] == "Werkconferentie"
    assert body["participants"] == 1
    assert [(i["kind"], i["title"]) for i in body["agenda"]] == [("welcome", "Welkom")]
    assert body["current_item_id"] == body["agenda"][0]["id"]
    assert "Geheime Naam" not in response.get_data(as_text=True)
    assert joined.get_json()["token"] not in response.get_data(as_text=True)
    # Codes are case-insensitive, as typed.
    assert api("GET", f"/api/v1/workshops/{code.lower()}", tokens["fac"]).status_code == 200
    assert api("GET", f"/api/v1/workshops/{code}", tokens["admin"]).status_code == 200
    for who in ("other", "boss"):
        is_error(api("GET", f"/api/v1/workshops/{code}", tokens[who]), 404, "not_found")
    is_error(api("GET", "/api/v1/workshops/NOSUCH", tokens["fac"]), 404, "not_found")


BAD_HEADERS = [None, "", "Bearer", "Bearer ", "Bearer fac_not-a-real-token",
               "Basic Zm9vOmJhcg==", "Token x", "Bearer " + "x" * 5000]


def test_no_or_bad_token_is_401_json(api: Any, tokens: dict[str, str], store: Any) -> None:
    for header in BAD_HEADERS + [tokens["fac"]]:  # a token without "Bearer " too
        headers = {} if header is None else {"Authorization": header}
        for method, path in [("GET", "/api/v1/workshops"), ("POST", "/api/v1/workshops"),
                             ("GET", "/api/v1/workshops/ABCDEF")]:
            kwargs = {"json": {"title": "x"}} if method == "POST" else {}
            is_error(api(method, path, headers=headers, **kwargs), 401, "unauthorized")
    assert count(store, "workshops") == 0


def test_a_new_token_replaces_the_old(api: Any, tokens: dict[str, str], store: Any) -> None:
    fresh = auth.new_api_token(store, "fac@example.nl")
    is_error(api("GET", "/api/v1/workshops", tokens["fac"]), 401)
    assert api("GET", "/api/v1/workshops", fresh).status_code == 200


def test_errors_are_json_and_never_a_stack_trace(api: Any, tokens: dict[str, str], app: Any,
                                                 monkeypatch: Any) -> None:
    is_error(api("GET", "/api/v1/nothing-here", tokens["fac"]), 404)
    is_error(api("DELETE", "/api/v1/workshops", tokens["fac"]), 405)
    is_error(api("POST", "/api/v1/workshops", tokens["fac"], data="x" * (3 * 1024 * 1024),
                 content_type="application/json"), 413)
    # A bug inside a handler: logged on the server, a plain JSON 500 for the client.
    from facilitator.room import workshops

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals /etc/passwd")

    monkeypatch.setattr(workshops, "create_workshop", broken)
    response = api("POST", "/api/v1/workshops", tokens["fac"], json={"title": "x"})
    error = is_error(response, 500, "internal")
    assert "secret internals" not in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)
    assert error["message"] == "Er ging iets mis; probeer het opnieuw."
