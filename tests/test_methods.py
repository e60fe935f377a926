"""Every intervision method file loads and holds together (method.schema.json);
adjusting keeps it valid; a broken method is refused with a message that says where."""

from __future__ import annotations

import copy
import json
import os

import pytest
from flask_babel import force_locale
from jsonschema import Draft202012Validator

from facilitator.activities.intervision import methods

FILES = sorted(p for p in methods.FOLDER.glob("*.json") if p != methods.SCHEMA_PATH)
EXPECTED = {"incident", "gossip", "five_step", "ten_step", "balint", "socratic",
            "problem_solving", "aggression_incident"}


def test_library_has_every_method():
    assert EXPECTED <= set(methods.library())
    assert {p.stem for p in FILES} == set(methods.library())


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
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


def _gossip() -> dict:
    return json.loads((methods.FOLDER / "gossip.json").read_text(encoding="utf-8"))


def test_schema_is_valid_and_the_one_source():
    Draft202012Validator.check_schema(methods.SCHEMA)
    # The method editor's action schemas take their limits and choices from it.
    assert methods.KINDS[0] == "none" and "case" in methods.KINDS
    assert methods.ROLES == ("case_holder", "process_guide", "member", "note_taker")
    assert methods.BY == ("members", "case_holder", "everyone")
    assert (methods.MAX_PHASES, methods.MAX_MINUTES, methods.TEXT_MAX) == (20, 180, 600)


@pytest.mark.parametrize("change, where, says", [
    ({"minutes": 0}, "gossip.json.phases[1].minutes", "less than the minimum of 1"),
    ({"minutes": 181}, "gossip.json.phases[1].minutes", "greater than the maximum of 180"),
    ({"minutes": 5.5}, "gossip.json.phases[1].minutes", "not of type 'integer'"),
    ({"minutes": True}, "gossip.json.phases[1].minutes", "not of type 'integer'"),
    ({"contribution": "gossip"}, "gossip.json.phases[1].contribution", "'gossip' is not one of"),
    ({"by": "boss", "contribution": "advice"}, "gossip.json.phases[1].by", "'boss' is not one of"),
    ({"by": None, "contribution": "advice"}, "gossip.json.phases[1].by", "who contributes"),
    ({"reveals": ["none"]}, "gossip.json.phases[1].reveals[0]", "not \"none\""),
    ({"listen_only": "yes"}, "gossip.json.phases[1].listen_only", "not of type 'boolean'"),
    ({"title": {"nl": " ", "en": "x"}}, "gossip.json.phases[1].title.nl", "must not be empty"),
    ({"title": {"nl": "x" * 121, "en": "x"}}, "gossip.json.phases[1].title.nl", "is too long"),
    ({"listenonly": True}, "gossip.json.phases[1]", "'listenonly' was unexpected"),
    ({"contribution": "case"}, "gossip.json.phases", "at most one phase chooses the case"),
    ({"key": "choose"}, "gossip.json.phases", "phase keys must be unique"),
])
def test_a_broken_phase_is_refused_saying_where(change, where, says):
    raw = _gossip()
    raw["phases"][1].update(change)
    with pytest.raises(methods.MethodError) as refused:
        methods.validate(raw, "gossip.json")
    assert str(refused.value).startswith(where + ": ") and says in str(refused.value)


def test_a_broken_method_is_refused_saying_where():
    raw = _gossip()
    del raw["phases"][2]["instructions"]["note_taker"]
    with pytest.raises(methods.MethodError, match=r"^method\.phases\[2\]\.instructions: "
                       r"'note_taker' is a required property$"):
        methods.validate(raw)
    for broken, says in ((None, "method: None is not of type 'object'"),
                         ({**_gossip(), "phases": []}, "method.phases: [] should be non-empty"),
                         ({**_gossip(), "group_size": {"min": 3}},
                          "method.group_size: 'max' is a required property")):
        with pytest.raises(methods.MethodError) as refused:
            methods.validate(broken)
        assert str(refused.value) == says


def test_defaults_are_filled_in_and_a_normalised_method_stays_valid():
    raw = _gossip()
    raw.pop("group_size")
    raw["phases"][1] = {k: v for k, v in raw["phases"][1].items() if k in (
        "key", "minutes", "title", "instructions")}
    raw["phases"][2]["contribution"] = "advice"
    raw["phases"][2].pop("by", None)
    method = methods.validate(raw)
    bare = method["phases"][1]
    assert (bare["contribution"], bare["by"], bare["visibility"]) == ("none", None, "group")
    assert (bare["listen_only"], bare["reveals"], bare["takeaway"]) == (False, [], False)
    assert method["phases"][2]["by"] == "members"
    assert method["group_size"] == {"min": 3, "max": 10} and method["base"] == "gossip"
    # What is stored (a facilitator's own method) passes the same check unchanged.
    assert methods.validate(copy.deepcopy(method)) == method


def test_the_method_editor_refuses_a_broken_adjustment_in_dutch(app, store):
    """An adjustment the schema refuses reaches the facilitator as the translated
    'not one of the choices', as before; the stored method does not change."""
    from facilitator import auth
    from facilitator.live.actions import FACILITATOR, Actor
    from facilitator.room import workshops

    user = auth.add_user(store, "fac@example.nl", "correct horse battery", "facilitator")
    ws = workshops.create_workshop(store, user.id, "Intervisie", agenda="intervision_gossip")
    item = store.one("SELECT * FROM agenda_items WHERE workshop_id = ? AND kind = 'intervision'",
                     (ws["id"],))
    before = item["config"]
    dispatcher = app.extensions["facilitator.dispatcher"]
    # gossip already chooses its case in "choose": a second case phase breaks the schema.
    steps = [{"key": "choose", "minutes": 3},
             {"title": "Nog een casus", "minutes": 3, "contribution": "case"}]
    # As the socket handler does: the screen's language around the dispatch.
    with app.test_request_context(), force_locale("nl"):
        ack = dispatcher.dispatch(Actor(FACILITATOR, ws["id"], user_id=user.id), {
            "op": "intervision.method_adjust", "op_id": os.urandom(8).hex(),
            "data": {"item_id": item["id"], "steps": steps}})
    assert not ack["ok"] and ack["error"]["code"] == "invalid"
    assert ack["error"]["message"] == "Dat is geen van de keuzes."
    after = store.one("SELECT config FROM agenda_items WHERE id = ?", (item["id"],))["config"]
    assert after == before
    # The same adjustment without the second case is taken: the schema refused, nothing else.
    steps[1]["contribution"] = "insight"
    with app.test_request_context(), force_locale("nl"):
        ack = dispatcher.dispatch(Actor(FACILITATOR, ws["id"], user_id=user.id), {
            "op": "intervision.method_adjust", "op_id": os.urandom(8).hex(),
            "data": {"item_id": item["id"], "steps": steps}})
    assert ack["ok"], ack
