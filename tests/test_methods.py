"""Every intervision method file loads and holds together; adjusting keeps it valid."""

from __future__ import annotations

import json

import pytest

from facilitator.activities.intervision import methods

EXPECTED = {"incident", "gossip", "five_step", "ten_step", "balint", "socratic",
            "problem_solving", "aggression_incident"}


def test_library_has_every_method():
    assert EXPECTED <= set(methods.library())
    assert {p.stem for p in methods.FOLDER.glob("*.json")} == set(methods.library())


@pytest.mark.parametrize("path", sorted(methods.FOLDER.glob("*.json")), ids=lambda p: p.stem)
def test_method_file(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    method = methods.validate(raw, path.name)
    assert method["key"] == path.stem
    for lang in ("nl", "en"):
        assert raw["title"][lang].strip() and raw["summary"][lang].strip()
    assert method["phases"], "a method needs phases"
    for phase in raw["phases"]:  # the file itself, not only the normalised copy
        assert isinstance(phase["minutes"], int) and phase["minutes"] > 0
        for lang in ("nl", "en"):
            assert phase["title"][lang].strip()
            for role in methods.ROLES:
                assert phase["instructions"][role][lang].strip(), (phase["key"], role, lang)
        assert phase.get("contribution", "none") in methods.KINDS
    # Every method chooses a case once, and closes with the case-holder's takeaway.
    checked = method["phases"]
    assert sum(p["contribution"] == "case" for p in checked) == 1
    assert checked[-1]["takeaway"] and checked[-1]["contribution"] == "insight"
    assert sum(p["minutes"] for p in checked) >= 45


def test_incident_method_matches_the_domain():
    incident = methods.get("incident")
    keys = [p["key"] for p in incident["phases"]]
    assert keys == ["choose", "tell", "questions", "check", "analysis", "write", "say",
                    "react", "evaluation"]
    by_key = {p["key"]: p for p in incident["phases"]}
    assert by_key["analysis"]["listen_only"] and by_key["say"]["listen_only"]
    assert by_key["write"]["visibility"] == "author" and by_key["say"]["reveals"] == ["advice"]
    gossip = {p["key"]: p for p in methods.get("gossip")["phases"]}
    assert gossip["gossip"]["listen_only"] and gossip["gossip"]["minutes"] == 15


@pytest.mark.parametrize("bad", [
    {"minutes": 0}, {"minutes": "5"}, {"contribution": "gossip"}, {"visibility": "all"},
    {"title": {"nl": "Alleen Nederlands"}},
])
def test_validate_refuses_broken_phases(bad):
    raw = json.loads((methods.FOLDER / "gossip.json").read_text(encoding="utf-8"))
    raw["phases"][1].update(bad)
    with pytest.raises(methods.MethodError):
        methods.validate(raw)


def test_missing_role_instruction_is_refused():
    raw = json.loads((methods.FOLDER / "gossip.json").read_text(encoding="utf-8"))
    del raw["phases"][2]["instructions"]["note_taker"]
    with pytest.raises(methods.MethodError):
        methods.validate(raw)


def test_adjust_minutes_skip_and_add():
    gossip = methods.get("gossip")
    steps = [{"key": "choose", "minutes": 3}, {"key": "questions", "minutes": 10},
             {"title": "Stilte", "instruction": "Iedereen denkt na.", "minutes": 2},
             {"key": "gossip", "minutes": 20}, {"key": "evaluation", "minutes": 5}]
    adjusted = methods.adjust(gossip, steps, "nl")
    assert [p["key"] for p in adjusted["phases"]] == [
        "choose", "questions", "added_1", "gossip", "evaluation"]
    assert [p["minutes"] for p in adjusted["phases"]] == [3, 10, 2, 20, 5]
    added = adjusted["phases"][2]
    assert added["title"] == {"nl": "Stilte", "en": "Stilte"}
    assert added["instructions"]["member"]["en"] == "Iedereen denkt na."
    # Adjusting again keeps added phases apart.
    again = methods.adjust(adjusted, [{"key": "added_1", "minutes": 1},
                                      {"title": "Nog een", "minutes": 1}], "nl")
    assert [p["key"] for p in again["phases"]] == ["added_1", "added_2"]
    with pytest.raises(methods.MethodError):
        methods.adjust(gossip, [{"key": "nope", "minutes": 3}], "nl")
