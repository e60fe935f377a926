"""The 360 round's rules on their own: which perspectives may be shown, the minimum that
never goes below three, and what an answer form may hold."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.datastructures import MultiDict


def rows(**counts: int) -> list[dict[str, Any]]:
    out = []
    for perspective, n in counts.items():
        for i in range(n):
            out.append({"perspective": perspective,
                        "answers": json.dumps({"judgement": 1 + i % 5,
                                               "develop": f"{perspective} {i}"})})
    return out


def test_small_perspectives_merge_into_others_and_others_below_the_minimum_is_held_back(
        app: Any) -> None:
    from facilitator.activities.feedback360.results import grouped

    with app.test_request_context():
        shown = grouped(rows(colleague=2, manager=3, client=4, partner=1), "nl", 3)
        assert [(g["key"], g["count"]) for g in shown["groups"]] == [
            ("manager", 3), ("client", 4), ("others", 3)]
        assert shown["held_back"] == 0
        others = shown["groups"][-1]["texts"][0]["answers"]
        assert others == ["colleague 0", "colleague 1", "partner 0"]  # sorted, not by time
        held = grouped(rows(colleague=2, manager=3), "nl", 3)
        assert [g["key"] for g in held["groups"]] == ["manager"] and held["held_back"] == 2
        # A stricter minimum holds back what a looser one shows.
        assert grouped(rows(manager=3, client=1), "nl", 5)["groups"] == []
        assert [g["key"] for g in grouped(rows(manager=3, client=2), "nl", 5)["groups"]] == [
            "others"]
        assert grouped(rows(), "nl", 3) == {"groups": [], "total": 0, "held_back": 0,
                                            "minimum": 3}


def test_the_minimum_is_a_setting_never_below_three(app: Any) -> None:
    from facilitator.activities.feedback360.results import minimum

    with app.app_context():
        for setting, want in ((3, 3), (2, 3), (0, 3), (-5, 3), (5, 5), ("x", 3)):
            app.config["FEEDBACK360_MIN_GROUP"] = setting
            assert minimum() == want, setting


def test_an_answer_form_holds_scales_of_one_to_five_and_bounded_texts() -> None:
    from facilitator.activities.feedback360.store import ANSWER_MAX, check_answers

    good, problem = check_answers(MultiDict({"judgement": "5", "strengths": "  Rustig  ",
                                             "unknown": "dropped"}))
    assert problem is None and good == {"judgement": 5, "strengths": "Rustig"}
    for bad, why in (({"judgement": "6"}, "scale"), ({"judgement": "1.5"}, "scale"),
                     ({"develop": "x" * (ANSWER_MAX + 1)}, "long"), ({}, "empty"),
                     ({"develop": "   "}, "empty")):
        assert check_answers(MultiDict(bad)) == ({}, why)


def test_both_languages_ask_the_same_questions() -> None:
    from facilitator.activities.feedback360.store import questions

    nl, en = questions("nl"), questions("en")
    for part in ("scales", "open"):
        assert [q["key"] for q in nl[part]] == [q["key"] for q in en[part]]
        assert all(a["text"] != b["text"] for a, b in zip(nl[part], en[part], strict=True))
