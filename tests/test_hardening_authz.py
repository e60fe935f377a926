"""Authorization matrix: every action against every kind of actor, every API route
without and with someone else's token. Generic over the dispatcher's registry and the
URL map, so an activity that lands later is covered without touching this file.

Actors: guest (no valid identity), the board, a table screen, a participant of this workshop, a
participant of another workshop, a facilitator who does not own the workshop, and the
owner. A refused action must answer {ok: false, error.code: "forbidden"} (or, for
someone acting from another workshop with this one's ids, any refusal) and change
nothing that is stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hardening_support import (
    World,
    actions,
    cycle,
    env,
    make_world,
    populate,
    rules,
)
from intervision_support import table_token
from support import Server, refusal

ACTIONS = actions()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    data = tmp_path_factory.mktemp("authz")
    server = Server(data, env())
    server.start()
    world = make_world(server)
    try:
        fac = world.owner()
        phones = [world.phone("Ann"), world.phone("Bob")]
        # Content to aim at: dilemmas, agreements, groups... whatever the activities make.
        populate(world, cycle(["Een gewone tekst", "Nog een tekst"]), phones, fac)
        fac.act("agenda.goto", {"item_id": min(world.items.values())})
        world.cast = {  # type: ignore[attr-defined]
            "owner": fac,
            "board": world.board(),
            "table": world.client({"kind": "table",
                                   "token": table_token(server, world.w["code"], 1)}),
            "participant": phones[0],
            "participant_elsewhere": world.phone("Xena", world.x),
            "facilitator_elsewhere": world.client(
                {"kind": "facilitator", "code": world.x["code"]}, {"Cookie": world.other_cookie}
            ),
        }
        yield world
    finally:
        world.close()
        server.stop()


def refused(ack: Any) -> dict[str, Any]:
    assert isinstance(ack, dict) and ack.get("ok") is False, ack
    assert "Traceback" not in str(ack)
    return ack["error"]


KIND_OF = {"owner": "facilitator", "board": "board", "table": "table",
           "participant": "participant"}


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_every_action_refuses_every_role_it_does_not_name(world: World, name: str) -> None:
    action = ACTIONS[name]
    cast = world.cast  # type: ignore[attr-defined]
    for label, kind in KIND_OF.items():
        if kind in action.roles:
            continue
        from hardening_support import action_kinds, payload

        data = payload(action, "Zomaar iets", world.ids(action_kinds()[name]))
        before = world.state()
        error = refused(cast[label].act(name, data))
        assert error["code"] == "forbidden", (label, name, error)
        assert world.state() == before, (label, name)


@pytest.mark.parametrize("name", sorted(n for n, a in ACTIONS.items()
                                        if any(k.endswith("_id") for k in a.schema)))
def test_ids_of_this_workshop_are_refused_from_another(world: World, name: str) -> None:
    """Someone allowed to act in their own workshop aims at this workshop's rows."""
    from hardening_support import action_kinds, payload

    action = ACTIONS[name]
    cast = world.cast  # type: ignore[attr-defined]
    for label, kind in (("participant_elsewhere", "participant"),
                        ("facilitator_elsewhere", "facilitator")):
        data = payload(action, "Van elders", world.ids(action_kinds()[name]))
        before = world.state()
        error = refused(cast[label].act(name, data))
        if kind not in action.roles:
            assert error["code"] == "forbidden", (label, name, error)
        assert world.state() == before, (label, name, data, error)


def test_guests_cannot_connect_or_act(world: World) -> None:
    url = world.server.url
    w, x = world.w["code"], world.x["code"]
    bad = [(None, "bad_auth"), ({}, "bad_auth"),
           ({"kind": "participant", "code": w}, "gone"),
           ({"kind": "participant", "code": w, "token": "x" * 43}, "gone"),
           ({"kind": "board", "token": "nope"}, "bad_auth"),
           ({"kind": "admin", "code": w}, "bad_auth"),
           ({"kind": "table", "token": "nope"}, "bad_auth"),
           ({"kind": "table", "token": table_token(world.server, x, 1)[:-2]}, "bad_auth"),
           ({"kind": "facilitator", "code": w}, "login"),  # no session cookie
           ({"kind": "participant", "code": x, "token": world.tokens["Ann"]}, "gone")]
    for auth, code in bad:
        # The refusal's own code: a crash in connect refuses too, without one.
        assert refusal(url, auth).get("data") == {"code": code}, auth


def test_non_owner_facilitator_cannot_connect_to_the_workshop(world: World) -> None:
    refused_ = refusal(world.server.url, {"kind": "facilitator", "code": world.w["code"]},
                       {"Cookie": world.other_cookie})
    assert refused_.get("data") == {"code": "login"}


def test_participant_token_of_another_workshop_cannot_connect_here(world: World) -> None:
    refused_ = refusal(world.server.url, {"kind": "participant", "code": world.w["code"],
                                          "token": world.tokens["Xena"]})
    assert refused_.get("data") == {"code": "gone"}


# --- the HTTP API -------------------------------------------------------------------------

PUBLIC_API = {"/api/v1/join"}


def _url(rule: Any, world: World) -> str:
    """The rule's URL with this workshop's code, or its newest row for an id."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "code":
            return world.w["code"]
        if name == "token":
            return world.w["board_url"].rsplit("/", 1)[1]
        return str(world.ids()(name))

    return world.server.url + re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>", value, rule.rule)


def _api_calls(world: World) -> list[tuple[str, str]]:
    calls = []
    for rule in rules("/api/"):
        if rule.rule in PUBLIC_API:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            calls.append((method, _url(rule, world)))
    return calls


def test_every_api_route_needs_a_token(world: World) -> None:
    calls = _api_calls(world)
    assert len(calls) >= 4
    for method, url in calls:
        for headers in ({}, {"Authorization": "Bearer not-a-token"},
                        {"Authorization": f"Basic {world.owner_token}"}):
            response = requests.request(method, url, headers=headers, json={}, timeout=10)
            assert response.status_code == 401, (method, url, response.status_code)
            assert response.headers["Content-Type"].startswith("application/json")
            assert response.json()["error"]["code"]


def test_api_routes_of_a_workshop_refuse_another_facilitator(world: World) -> None:
    """Routes about one workshop or one agreement answer 404 or 403 to someone else;
    lists answered to someone else never contain this workshop's things."""
    before = world.state()
    for method, url in _api_calls(world):
        response = requests.request(
            method, url, headers={"Authorization": f"Bearer {world.other_token}"},
            json={"status": "done"}, timeout=10)
        assert response.status_code < 500, (method, url)
        if response.status_code >= 400:
            assert response.headers["Content-Type"].startswith("application/json"), url
        specific = world.w["code"] in url or url.rstrip("/").split("/")[-1].isdigit()
        if specific:
            assert response.status_code in (403, 404), (method, url, response.status_code)
        else:
            assert world.w["code"] not in response.text, (method, url)
            assert "Werkconferentie W" not in response.text, (method, url)
    assert world.state() == before


def test_manager_token_cannot_create_or_read_workshops(world: World) -> None:
    from hardening_support import MANAGER

    token = world.server.token(MANAGER)
    response = world.server.api("POST", "/api/v1/workshops", token, json={"title": "Nee"})
    assert response.status_code == 403
    response = world.server.api("GET", f"/api/v1/workshops/{world.w['code']}", token)
    assert response.status_code in (403, 404)


def test_pages_of_a_workshop_refuse_another_facilitator(world: World) -> None:
    session = requests.Session()
    session.headers["Cookie"] = world.other_cookie
    for rule in rules("/w/"):
        if "GET" not in rule.methods or rule.endpoint.endswith("qr"):
            continue
        url = _url(rule, world)
        response = session.get(url, timeout=10, allow_redirects=False)
        if rule.endpoint == "pages.phone":  # needs a participant cookie: back to join
            assert response.status_code == 302
            continue
        assert response.status_code in (403, 404), (url, response.status_code)
        assert "Werkconferentie W" not in response.text


# --- intervision groups -------------------------------------------------------------------


def test_a_member_of_another_intervision_group_is_refused(world: World) -> None:
    """Every participant action aimed at another group's id (or its contributions) is
    refused and changes nothing; the other group's content never reaches this phone."""
    from hardening_support import action_kinds, payload

    kinds = action_kinds()
    group_actions = sorted(n for n, k in kinds.items() if k == "intervision" and n in ACTIONS
                           and "participant" in ACTIONS[n].roles
                           and ({"group_id", "contribution_id"} & set(ACTIONS[n].schema))
                           and n != "intervision.pick")  # choosing a group is its purpose
    if not group_actions:
        pytest.skip("no intervision actions registered")
    fac = world.cast["owner"]  # type: ignore[attr-defined]
    phones = {name: world.phone(name) for name in ("Gijs", "Hanna", "Ivo", "Jet")}
    ack = fac.act("agenda.add", {"kind": "intervision"})
    assert ack["ok"], ack
    item_id = ack["result"]["item_id"]
    assert fac.act("agenda.goto", {"item_id": item_id})["ok"]
    made = fac.act("intervision.groups_make", {"item_id": item_id, "size": 3})
    assert made["ok"], made
    members = world.server.db_rows(
        "SELECT m.group_id, p.name FROM intervision_members m JOIN participants p"
        " ON p.id = m.participant_id WHERE m.item_id = ? ORDER BY m.group_id", (item_id,))
    groups: dict[int, list[str]] = {}
    for row in members:
        groups.setdefault(row["group_id"], []).append(row["name"])
    assert len(groups) >= 2, groups
    (mine, my_names), (theirs, their_names) = list(groups.items())[:2]
    me = next(phones[n] for n in my_names if n in phones)
    them = next((phones[n] for n in their_names if n in phones), None)
    # The other group starts and, where it can, writes something confidential.
    assert fac.act("intervision.start", {"group_id": theirs})["ok"]
    if them is not None:
        ack = them.act("intervision.contribute", {"group_id": theirs,
                                                  "text": "GEHEIM van groep B"})
        assert ack["ok"], ack
        them.wait_for("me", lambda v: "GEHEIM" in json.dumps(v, ensure_ascii=False))
    contributions = world.server.db_rows(
        "SELECT id FROM intervision_contributions WHERE group_id = ?", (theirs,))

    def aim(name: str) -> int:
        if name == "group_id":
            return theirs
        if name == "contribution_id" and contributions:
            return contributions[-1]["id"]
        return world.ids("intervision")(name)

    for name in group_actions:
        before = world.state()
        ack = me.act(name, payload(ACTIONS[name], "Niet mijn groep", aim))
        refused(ack)
        assert world.state() == before, (name, ack)
    synced = json.dumps(me.sync(), ensure_ascii=False)  # after any push sent before it
    assert "GEHEIM" not in me.raw()
    assert "GEHEIM" not in synced
    assert mine != theirs
