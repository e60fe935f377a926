"""Issue 12, items 14 and 15: one count of failed join codes per address over every door
(the API's join too), and a flood of wrong codes from a venue's one NAT address does not
lock out the correct joins from that address."""

from __future__ import annotations

from typing import Any

import pytest

from facilitator import auth
from facilitator.room import workshops
from facilitator.security import limiter


@pytest.fixture
def code(app: Any, store: Any) -> str:
    limiter.reset()  # the limiter's memory storage outlives one app
    user = auth.add_user(store, "fac@example.nl", "correct horse battery", "facilitator")
    workshop = workshops.create_workshop(store, user.id, "Werkconferentie Wijkteams")
    store.run("UPDATE workshops SET status = 'open' WHERE id = ?", (workshop["id"],))
    return workshop["code"]


def _api_join(client: Any, code: str, name: str = "Fatima") -> Any:
    return client.post("/api/v1/join", json={"code": code, "name": name})


def test_the_api_join_counts_in_the_same_limit_as_the_join_pages(app: Any, code: str) -> None:
    app.config["RATELIMIT_JOIN"] = "4/minute"
    client = app.test_client()
    # Two wrong codes on the pages, two on the API: the fifth wrong one is refused on both.
    assert client.post("/join", data={"code": "ZZZZZ1"}).status_code == 404
    assert client.get("/j/ZZZZZ2").status_code == 404
    assert _api_join(client, "ZZZZZ3").status_code == 404
    assert _api_join(client, "ZZZZZ4").status_code == 404
    refused = _api_join(client, "ZZZZZ5")
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"
    assert client.post("/join", data={"code": "ZZZZZ6"}).status_code == 429


def test_wrong_codes_on_the_api_count_on_the_pages_too(app: Any, code: str) -> None:
    app.config["RATELIMIT_JOIN"] = "3/minute"
    client = app.test_client()
    for n in range(3):
        assert _api_join(client, f"ZZZZZ{n}").status_code == 404
    assert client.get("/w/ZZZZZ8/qr.svg").status_code == 429


def test_a_flood_of_wrong_codes_does_not_lock_out_correct_joins(app: Any, code: str) -> None:
    app.config["RATELIMIT_JOIN"] = "5/minute"
    client = app.test_client()
    # One phone in the venue types wrong codes, over and over.
    answers = [client.post("/join", data={"code": f"ZZZZ{n:02d}"}).status_code
               for n in range(30)]
    assert answers[:5] == [404] * 5 and set(answers[5:]) == {429}
    # Sixty colleagues behind the same NAT address still get in with the right code,
    # through every door.
    assert client.post("/join", data={"code": code}).status_code == 302
    assert client.get(f"/w/{code}/qr.svg").status_code == 200
    for n in range(60):
        phone = app.test_client()
        joined = phone.post(f"/j/{code}", data={"name": f"Deelnemer {n:02d} van Wijkteam Noord",
                                                "op_id": f"join-{n:04d}"})
        assert joined.status_code == 302, n
        assert phone.get(f"/w/{code}/phone").status_code == 200
    assert _api_join(client, code, "Kees").status_code == 201
    assert app.extensions["facilitator.store"].scalar(
        "SELECT COUNT(*) FROM participants") == 61
    # ... while the wrong codes stay refused: guessing gains nothing from the let-through.
    assert client.post("/join", data={"code": "ZZZZ99"}).status_code == 429
    assert _api_join(client, "ZZZZ98").status_code == 429


def test_past_the_limit_lookups_are_bounded_too(app: Any, code: str) -> None:
    # Over the failed-code limit every lookup, right or wrong, counts in a second
    # budget: guessing on past the limit is not free.
    app.config["RATELIMIT_JOIN"] = "2/minute"
    app.config["RATELIMIT_JOIN_FLOOD"] = "5/minute"
    client = app.test_client()
    for n in range(2):
        assert client.get(f"/w/ZZZZZ{n}/qr.svg").status_code == 404
    assert [client.get(f"/w/ZZZZY{n}/qr.svg").status_code for n in range(4)] == [429] * 4
    assert client.get(f"/w/{code}/qr.svg").status_code == 200  # the fifth lookup
    assert client.get(f"/w/{code}/qr.svg").status_code == 429
