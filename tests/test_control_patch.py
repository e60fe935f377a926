"""The control view pushed as the change from the last one (facilitator/live/patch.py):
what diff makes, apply (and static/js/core/patch.js, in Chromium) turns back into the
new view exactly, key order included; and over a real server's sockets the control page
gets its view whole once and then changes, while a client that did not ask for them
(docs/protocol.md) keeps getting whole views."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest
from support import Room

from facilitator.live.patch import apply, diff


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))  # as JSON.stringify


def _view(people: int, dilemmas: int) -> dict[str, Any]:
    return {
        "workshop": {"code": "ABC123", "title": "Werkconferentie", "status": "open"},
        "timer": {"state": "idle", "seconds": 0},
        "item": {"id": 2, "kind": "dilemma_collect", "view": {
            "open": True, "count": dilemmas, "themes": [],
            "dilemmas": [{"id": n, "number": n, "situation": f"Dilemma {n} " * 30,
                          "options": ["Ja", "Nee"], "approved": True, "theme_id": None}
                         for n in range(1, dilemmas + 1)]}},
        "people": [{"id": n, "name": f"Deelnemer met een lange naam {n}", "online": 1}
                   for n in range(1, people + 1)],
        "drafts": 0,
    }


def _mutate(view: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    new = copy.deepcopy(view)
    dilemmas = new["item"]["view"]["dilemmas"]
    people = new["people"]
    for _ in range(rng.randint(1, 4)):
        step = rng.choice(["add", "remove", "edit", "move", "online", "join", "key",
                           "type", "drafts", "clear"])
        if step == "add":
            n = max([d["id"] for d in dilemmas], default=0) + 1
            dilemmas.insert(rng.randint(0, len(dilemmas)), {
                "id": n, "number": n, "situation": "Nieuw " * rng.randint(1, 200),
                "options": ["A", "B", "C"], "approved": False, "theme_id": None})
        elif step == "remove" and dilemmas:
            dilemmas.pop(rng.randrange(len(dilemmas)))
        elif step == "edit" and dilemmas:
            rng.choice(dilemmas)["options"].append("Nog een")
        elif step == "move" and len(dilemmas) > 1:
            moved = dilemmas.pop(rng.randrange(len(dilemmas)))
            dilemmas.insert(rng.randrange(len(dilemmas) + 1), moved)
        elif step == "online" and people:
            rng.choice(people)["online"] ^= 1
        elif step == "join":
            people.append({"id": len(people) + 1000, "name": "Anne-Marie", "online": 1})
        elif step == "key":  # a key more, in the middle: the dict goes whole
            new["item"]["view"] = {"approval": True, **new["item"]["view"]}
        elif step == "type":
            new["item"]["view"]["themes"] = {"0": "geen lijst meer"}
        elif step == "drafts":
            new["drafts"] += 1
        elif step == "clear":
            new["item"]["view"]["dilemmas"] = dilemmas = []
    return new


def _pairs(count: int, seed: int = 21) -> list[tuple[Any, Any]]:
    rng = random.Random(seed)
    view = _view(60, 40)
    out = []
    for _ in range(count):
        new = _mutate(view, rng)
        out.append((view, new))
        view = new
    return out


def test_apply_rebuilds_every_change_exactly() -> None:
    for old, new in _pairs(300):
        change = diff(old, new)
        if change is None:  # the steps undid each other, or did nothing
            assert _text(old) == _text(new)
            continue
        before = _text(old)
        assert _text(apply(old, change)) == _text(new)
        assert _text(old) == before  # the view a socket was sent is left as it was


def test_equal_views_give_no_patch_and_small_changes_small_patches() -> None:
    view = _view(5000, 2000)
    assert diff(view, copy.deepcopy(view)) is None
    new = copy.deepcopy(view)
    new["item"]["view"]["dilemmas"].append({"id": 2001, "number": 2001, "situation": "Nieuw",
                                            "options": ["Ja", "Nee"], "approved": True,
                                            "theme_id": None})
    new["item"]["view"]["count"] = 2001
    new["people"][4321]["online"] = 0
    change = diff(view, new)
    assert _text(apply(view, change)) == _text(new)
    assert len(_text(change)) < 400 < 1_000_000 < len(_text(new))
    # A list of values (not rows with ids) is matched by position.
    assert diff([1, 2, 3], [1, 2, 4]) == {"[": [[0, 2], {"=": 4}]}
    # A value of another type is replaced (nested, Python's 1 == True would hide that
    # a field changed type: views build each field with one type, see patch.py).
    assert apply({"a": [1]}, diff({"a": [1]}, {"a": "1"})) == {"a": "1"}
    assert diff({"a": 1}, {"b": 1}) == {"=": {"b": 1}}


@pytest.mark.browser
def test_the_control_pages_own_code_rebuilds_them_alike(server: Any, browser: Any) -> None:
    pairs = _pairs(120, seed=7)
    cases = [{"old": old, "patch": diff(old, new), "new": _text(new)}
             for old, new in pairs if diff(old, new) is not None]
    page = browser.new_context().new_page()
    try:
        page.goto(server.url + "/login")
        mismatches = page.evaluate("""async (cases) => {
          const { applyPatch } = await import("/static/js/core/patch.js");
          const out = [];
          cases.forEach((c, i) => {
            const before = JSON.stringify(c.old);
            const got = JSON.stringify(applyPatch(c.old, c.patch));
            if (got !== c.new || JSON.stringify(c.old) !== before) out.push(i);
          });
          return { checked: cases.length, mismatches: out };
        }""", cases)
    finally:
        page.context.close()
    assert len(cases) > 80 and mismatches == {"checked": len(cases), "mismatches": []}


def test_the_control_page_gets_changes_and_a_plain_client_whole_views(
        server: Any, facilitator_token: str, clients: Any) -> None:
    room = Room(server, facilitator_token, clients=clients, title="Werkconferentie",
                agenda="dilemmas")
    room.goto("dilemma_collect")
    item = room.items["dilemma_collect"]
    room.ok(room.fac, "dilemma_collect.settings", item_id=item, open=True, show_texts=False,
            approval=False)
    plain = room.client({"kind": "facilitator", "code": room.code, "patches": False},
                        {"Cookie": room.cookie}, label="plain client")
    phones = [room.phone(f"Deelnemer met een lange naam {n}") for n in range(8)]
    for n, phone in enumerate(phones):
        ack = room.ok(phone, "dilemma.submit", situation=f"Dilemma {n} " * 50,
                      options=["Ja", "Nee"], values="", show_name=False)
    room.fac.wait_seq(ack["seq"])
    plain.wait_seq(ack["seq"])
    # Every action above ended with each screen's view checked against a fresh sync.
    assert room.fac.patches >= len(phones), room.fac.patches
    assert plain.patches == 0
    assert plain.views["control"] == room.fac.views["control"] == room.fac.sync()["control"]
    assert any(name == "control" and msg["seq"] == ack["seq"] for name, msg in plain.pushes)
