"""An intervision morning without surprises (issue 18): the case vote stays hidden until
it is closed, and a group always has a process guide once its case is chosen."""

from __future__ import annotations

import pytest
from test_intervision_units import _dispatch, _group, _ok, _setup

from facilitator.live.screens import Views


@pytest.fixture(autouse=True)
def _in_app(app):
    with app.app_context():  # views translate method texts
        yield


def _views(store, ws_id: int) -> Views:
    return Views(store, store.one("SELECT * FROM workshops WHERE id = ?", (ws_id,)))


def _member_view(store, ws_id: int, pid: int) -> dict:
    return _views(store, ws_id).personal([pid])[pid]["view"]["group"]


def _control_group(store, ws_id: int) -> dict:
    (group,) = _views(store, ws_id).control()["item"]["view"]["groups"]
    return group


def _case_round(app, store, people: int = 3):
    ws, fac, item, actors = _setup(app, store, people=people)
    _ok(app, fac, "intervision.settings", content_visible=True, auto_advance=False)
    (group_id,) = _ok(app, fac, "intervision.groups_make", item_id=item, size=8)["groups"]
    guide = next(a for a in actors if a.participant_id == _group(store, group_id)["guide_id"])
    _ok(app, guide, "intervision.start", group_id=group_id)
    cases = [
        _ok(app, a, "intervision.contribute", group_id=group_id, text=f"Casus {n}")
        ["contribution_id"]
        for n, a in enumerate(actors[:2])
    ]
    return ws, fac, group_id, guide, actors, cases


def _case_votes(view: dict) -> list:
    return [c["votes"] for c in view["contributions"] if c["kind"] == "case"]


def test_case_vote_counts_stay_hidden_until_everyone_voted(app, store) -> None:
    ws, fac, group_id, _guide, actors, cases = _case_round(app, store)
    _ok(app, actors[0], "intervision.vote", group_id=group_id, contribution_id=cases[1])
    _ok(app, actors[1], "intervision.vote", group_id=group_id, contribution_id=cases[1])
    for actor in actors:
        view = _member_view(store, ws["id"], actor.participant_id)
        assert view["voters"] == 2 and view["votes_open"] is False
        assert _case_votes(view) == [None, None]
    control = _control_group(store, ws["id"])["content"]
    assert control["voters"] == 2 and _case_votes(control) == [None, None]
    # The last vote opens the counts for the group and the facilitator alike.
    _ok(app, actors[2], "intervision.vote", group_id=group_id, contribution_id=cases[0])
    view = _member_view(store, ws["id"], actors[0].participant_id)
    assert view["votes_open"] is True and _case_votes(view) == [1, 2]
    assert _case_votes(_control_group(store, ws["id"])["content"]) == [1, 2]


def test_case_vote_counts_show_once_the_guide_chose(app, store) -> None:
    ws, fac, group_id, guide, actors, cases = _case_round(app, store)
    _ok(app, actors[0], "intervision.vote", group_id=group_id, contribution_id=cases[1])
    assert _case_votes(_member_view(store, ws["id"], actors[1].participant_id)) == [None, None]
    _ok(app, guide, "intervision.choose_case", group_id=group_id, contribution_id=0)
    view = _member_view(store, ws["id"], actors[1].participant_id)
    assert view["votes_open"] is True and _case_votes(view) == [0, 1]


def test_the_guide_who_becomes_case_holder_hands_the_guide_role_on(app, store) -> None:
    ws, fac, group_id, guide, actors, _cases = _case_round(app, store)
    # The facilitator makes the guide the case-holder: someone else guides at once.
    _ok(app, fac, "intervision.role", group_id=group_id, role="case_holder",
        participant_id=guide.participant_id)
    group = _group(store, group_id)
    assert group["case_holder_id"] == guide.participant_id
    assert group["guide_id"] not in (None, guide.participant_id)
    new_guide = next(a for a in actors if a.participant_id == group["guide_id"])
    view = _member_view(store, ws["id"], new_guide.participant_id)
    assert view["guide"] is True and view["role"] == "process_guide"
    members = {m["id"]: m["role"] for m in view["members"]}
    assert members[guide.participant_id] == "case_holder"
    # The new guide moves the group on; the case-holder no longer can.
    assert _dispatch(app, guide, "intervision.advance", group_id=group_id,
                     from_phase=0)["error"]["code"] == "not_guide"


def test_a_group_with_a_case_always_keeps_a_guide(app, store) -> None:
    ws, fac, group_id, guide, actors, cases = _case_round(app, store)
    _ok(app, guide, "intervision.choose_case", group_id=group_id, contribution_id=cases[0])
    ack = _dispatch(app, fac, "intervision.role", group_id=group_id, role="process_guide",
                    participant_id=0)
    assert not ack["ok"] and ack["error"]["code"] == "needs_guide"
    assert _group(store, group_id)["guide_id"] is not None
    # The facilitator can still give the role to someone else at any time.
    other = next(a for a in actors if a.participant_id not in
                 (guide.participant_id, _group(store, group_id)["case_holder_id"]))
    _ok(app, fac, "intervision.role", group_id=group_id, role="process_guide",
        participant_id=other.participant_id)
    assert _group(store, group_id)["guide_id"] == other.participant_id


def test_the_case_holders_due_date_comes_back_with_the_takeaway(app, store) -> None:
    """Issue 18: the date set on "wat ik ga doen" was empty after a save and a reload."""
    from datetime import date, timedelta

    ws, fac, group_id, guide, actors, cases = _case_round(app, store)
    _ok(app, guide, "intervision.choose_case", group_id=group_id, contribution_id=cases[0])
    holder = next(a for a in actors
                  if a.participant_id == _group(store, group_id)["case_holder_id"])
    guide = next(a for a in actors if a.participant_id == _group(store, group_id)["guide_id"])
    for _ in range(20):  # on to the phase where the case-holder writes what they will do
        view = _member_view(store, ws["id"], holder.participant_id)
        if view["takeaway_phase"]:
            break
        _ok(app, guide, "intervision.advance", group_id=group_id,
            from_phase=view["phase"]["index"])
    assert view["takeaway_phase"]
    due = (date.today() + timedelta(days=10)).isoformat()
    _ok(app, holder, "intervision.takeaway", group_id=group_id, text="Ik bel de huisarts",
        kept=True, manager_visible=False, due_date=due)
    # What a reload shows (the phone's own view), and what the review and report read.
    mine = _member_view(store, ws["id"], holder.participant_id)["my_takeaway"]
    assert mine["text"] == "Ik bel de huisarts" and mine["due_date"] == due
    (agreement,) = store.all("SELECT due_date FROM agreements WHERE workshop_id = ?"
                             " AND source = 'intervision'", (ws["id"],))
    assert agreement["due_date"] == due
    # Not kept: no agreement, so no date either.
    _ok(app, holder, "intervision.takeaway", group_id=group_id, text="Ik bel de huisarts",
        kept=False, manager_visible=False, due_date=None)
    assert _member_view(store, ws["id"], holder.participant_id)["my_takeaway"]["due_date"] is None


def test_groups_outside_the_methods_size_are_warned_about_and_may_start(app, store) -> None:
    """Issue 18: the gossip method (4 to 8 people) started for a group of 3 without a word,
    and 9 phones in groups of at most 4 became 3 groups of 3 without saying why."""
    ws, fac, item, actors = _setup(app, store, people=9)
    _ok(app, fac, "intervision.method_use", item_id=item, method="gossip")
    made = _ok(app, fac, "intervision.groups_make", item_id=item, size=4)
    assert made["people"] == 9 and made["sizes"] == [3, 3, 3]
    groups = _views(store, ws["id"]).control()["item"]["view"]["groups"]
    assert [(g["size"], g["size_range"], g["size_fits"]) for g in groups] == [
        (3, {"min": 4, "max": 8}, False)] * 3
    # Every screen that shows the group knows it (the guide's phone says it before start).
    guide_id = _group(store, groups[0]["id"])["guide_id"]
    guide = next(a for a in actors if a.participant_id == guide_id)
    assert _member_view(store, ws["id"], guide.participant_id)["size_fits"] is False
    # A warning, not a wall: the guide starts anyway.
    _ok(app, guide, "intervision.start", group_id=groups[0]["id"])
    # Within the method's size the warning goes.
    ws2, fac2, item2, actors2 = _setup(app, store, people=5, email="fac2@example.nl")
    _ok(app, fac2, "intervision.method_use", item_id=item2, method="gossip")
    assert _ok(app, fac2, "intervision.groups_make", item_id=item2, size=8)["sizes"] == [5]
    (group,) = _views(store, ws2["id"]).control()["item"]["view"]["groups"]
    assert group["size_fits"] is True


def test_the_instruction_moves_on_once_the_case_is_chosen(app, store) -> None:
    """Issue 18: the members' instruction still said "Heb je een casus?" after the case
    was chosen (phones and the table screen alike)."""
    from flask_babel import force_locale

    ws, fac, group_id, guide, actors, cases = _case_round(app, store)
    _ok(app, guide, "intervision.choose_case", group_id=group_id, contribution_id=cases[0])
    group = _group(store, group_id)
    with force_locale("nl"):  # as the pusher renders a Dutch room
        _check_instructions_after_choice(store, ws, group, actors)


def _check_instructions_after_choice(store, ws, group, actors) -> None:
    for actor in actors:
        view = _member_view(store, ws["id"], actor.participant_id)
        assert view["phase_key"] == "choose"  # still the phase of choosing
        assert "casus?" not in view["instruction"] and "case?" not in view["instruction"]
        assert "Stel hem voor" not in view["instruction"]
    holder = _member_view(store, ws["id"], group["case_holder_id"])
    assert holder["role"] == "case_holder" and "gekozen" in holder["instruction"]
    table = _views(store, ws["id"]).table(1)["view"]["group"]
    assert table["roles"] and all("casus?" not in r["instruction"] for r in table["roles"])
