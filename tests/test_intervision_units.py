"""Intervision actions through the dispatcher (threading app): methods, settings,
picking a group, and auto-advance computed lazily from ends_at."""

from __future__ import annotations

import json
import os
from datetime import timedelta

from facilitator import auth
from facilitator.activities.intervision import phases, views
from facilitator.db import utcnow
from facilitator.live.actions import FACILITATOR, PARTICIPANT, Actor
from facilitator.live.screens import ViewContext
from facilitator.room import workshops


def _dispatch(app, actor, op, **data):
    return app.extensions["facilitator.dispatcher"].dispatch(
        actor, {"op": op, "op_id": os.urandom(8).hex(), "data": data})


def _ok(app, actor, op, **data):
    ack = _dispatch(app, actor, op, **data)
    assert ack["ok"], (op, ack)
    return ack["result"]


def _setup(app, store, people=3, email="fac@example.nl"):
    user = auth.add_user(store, email, "correct horse battery", "facilitator")
    ws = workshops.create_workshop(store, user.id, "Intervisie", agenda="intervision_incident")
    fac = Actor(FACILITATOR, ws["id"], user_id=user.id)
    item = store.one("SELECT * FROM agenda_items WHERE workshop_id = ? AND kind = 'intervision'",
                     (ws["id"],))
    _ok(app, fac, "workshop.open")
    _ok(app, fac, "agenda.goto", item_id=item["id"])
    actors = []
    for n in range(people):
        cur = store.run("INSERT INTO participants (workshop_id, token_hash, name, joined_at,"
                        " last_seen_at) VALUES (?, ?, ?, '', '')",
                        (ws["id"], f"{email}{n}", f"P{n}"))
        actors.append(Actor(PARTICIPANT, ws["id"], participant_id=cur.lastrowid))
    return ws, fac, item["id"], actors


def _group(store, group_id):
    row = dict(store.one("SELECT * FROM intervision_groups WHERE id = ?", (group_id,)))
    row["method"] = json.loads(row["method"])
    return row


def test_adjust_save_and_reuse_a_method(app, store):
    ws, fac, item, _ = _setup(app, store)
    steps = [{"key": "choose", "minutes": 2}, {"key": "questions", "minutes": 7},
             {"title": "Stilte", "minutes": 3, "contribution": "insight"},
             {"key": "evaluation", "minutes": 4}]
    _ok(app, fac, "intervision.method_adjust", item_id=item, steps=steps)
    (group,) = _ok(app, fac, "intervision.groups_make", item_id=item, size=4)["groups"]
    method = _group(store, group)["method"]
    assert [(p["key"], p["minutes"]) for p in method["phases"]] == [
        ("choose", 2), ("questions", 7), ("added_1", 3), ("evaluation", 4)]
    ref = _ok(app, fac, "intervision.method_save", item_id=item, name="Kort incident")["method"]
    # In a later workshop, the facilitator's own method is one of the choices.
    ws2 = workshops.create_workshop(store, fac.user_id, "Later", agenda="intervision_gossip")
    fac2 = Actor(FACILITATOR, ws2["id"], user_id=fac.user_id)
    item2 = store.one("SELECT id FROM agenda_items WHERE workshop_id = ? AND kind ="
                      " 'intervision'", (ws2["id"],))["id"]
    _ok(app, fac2, "intervision.method_use", item_id=item2, method=ref)
    v = ViewContext(store, dict(store.one("SELECT * FROM workshops WHERE id = ?", (ws2["id"],))),
                    utcnow())
    item_row = dict(store.one("SELECT * FROM agenda_items WHERE id = ?", (item2,)))
    item_row["config"] = json.loads(item_row["config"])
    control = views.control(v, item_row)
    assert {"ref": ref, "title": "Kort incident"} in control["own"]
    assert [p["minutes"] for p in control["method"]["phases"]] == [2, 7, 3, 4]
    # Another facilitator cannot use it.
    other = auth.add_user(store, "other@example.nl", "correct horse battery", "facilitator")
    ws3 = workshops.create_workshop(store, other.id, "Ander", agenda="intervision_gossip")
    item3 = store.one("SELECT id FROM agenda_items WHERE workshop_id = ? AND kind ="
                      " 'intervision'", (ws3["id"],))["id"]
    ack = _dispatch(app, Actor(FACILITATOR, ws3["id"], user_id=other.id),
                    "intervision.method_use", item_id=item3, method=ref)
    assert not ack["ok"] and ack["error"]["code"] == "invalid"
    # Bad adjustments are refused and change nothing.
    before = store.one("SELECT config FROM agenda_items WHERE id = ?", (item,))["config"]
    for bad in ([{"key": "nope", "minutes": 3}], [{"minutes": 3}],
                [{"key": "choose", "minutes": 0}], []):
        ack = _dispatch(app, fac, "intervision.method_adjust", item_id=item, steps=bad)
        assert not ack["ok"], bad
    assert store.one("SELECT config FROM agenda_items WHERE id = ?", (item,))["config"] == before


def test_participants_pick_a_group_only_when_allowed(app, store):
    ws, fac, item, people = _setup(app, store)
    g1 = _ok(app, fac, "intervision.group_add", item_id=item)["group_id"]
    ack = _dispatch(app, people[0], "intervision.pick", group_id=g1)
    assert ack["error"]["code"] == "forbidden"
    _ok(app, fac, "intervision.configure", item_id=item, group_size=4, grouping="choose")
    _ok(app, people[0], "intervision.pick", group_id=g1)
    _ok(app, people[1], "intervision.pick", group_id=g1)
    group = _group(store, g1)
    assert group["guide_id"] == people[0].participant_id  # the first one guides
    # Moving by hand takes the guide out of the group and out of the role.
    _ok(app, fac, "intervision.assign", item_id=item, participant_id=people[0].participant_id,
        group_id=0)
    assert _group(store, g1)["guide_id"] is None
    _ok(app, people[1], "intervision.role", group_id=g1, role="process_guide",
        participant_id=people[1].participant_id)
    ack = _dispatch(app, people[1], "intervision.role", group_id=g1, role="process_guide",
                    participant_id=people[0].participant_id)
    assert ack["error"]["code"] == "not_in_group"


def test_auto_advance_is_lazy_and_off_by_default(app, store):
    ws, fac, item, people = _setup(app, store)
    (gid,) = _ok(app, fac, "intervision.groups_make", item_id=item, size=3)["groups"]
    _ok(app, fac, "intervision.start", group_id=gid)
    case = _ok(app, people[1], "intervision.contribute", group_id=gid, text="case")
    _ok(app, fac, "intervision.choose_case", group_id=gid, contribution_id=case["contribution_id"])
    group = _group(store, gid)
    later = utcnow() + timedelta(minutes=5 + 10 + 1)  # past "choose" (5) and "tell" (10)
    # Off: nothing moves, the overview shows the group over time ("stuck").
    assert phases.effective(group, later, auto=False)["phase_index"] == 0
    assert phases.timer_view(group, later)["over"] is True
    # On: computed from ends_at when someone looks; no thread involved.
    moved = phases.effective(group, later, auto=True)
    assert moved["phase_index"] == 2 and moved["state"] == "running"
    assert phases.timer_view(moved, later)["over"] is False
    _ok(app, fac, "intervision.settings", content_visible=False, auto_advance=True)
    settings = json.loads(store.one("SELECT settings FROM workshops WHERE id = ?",
                                    (ws["id"],))["settings"])
    assert settings["intervision"] == {"content_visible": False, "auto_advance": True}
    # The last phase never runs past the end by itself.
    last = dict(group, phase_index=len(group["method"]["phases"]) - 1)
    assert phases.effective(last, later, auto=True)["phase_index"] == last["phase_index"]


def test_the_turn_rotates_least_often_then_least_recently():
    from facilitator.activities.intervision.again import turn

    people = [{"member_id": n} for n in (1, 2, 3)]

    def held(*rows):
        return [{"member_id": m, "role": r, "held_at": at} for m, r, at in rows]

    # Nobody held it yet: the earliest member.
    assert turn("case_holder", people, [])["member_id"] == 1
    # 1 and 2 brought a case; 3 never did.
    history = held((1, "case_holder", "2027-01-10"), (2, "case_holder", "2027-02-07"))
    assert turn("case_holder", people, history)["member_id"] == 3
    # Each once: the one longest ago. Another role does not count.
    history += held((3, "case_holder", "2027-03-07"), (1, "process_guide", "2027-03-07"))
    assert turn("case_holder", people, history)["member_id"] == 1
    assert turn("process_guide", people, history)["member_id"] == 2
    # Among those present only; nobody present, nobody.
    assert turn("case_holder", people[1:], history)["member_id"] == 2
    assert turn("case_holder", [], history) is None


def test_once_the_case_is_chosen_each_role_hears_what_comes_next_in_its_language(app, store):
    """The three sentences after the case is chosen are translated once per push and
    shared by every group (instruction_for's `words`): each role still gets its own, and
    a push in English does not get the Dutch ones of the push before."""
    from flask_babel import force_locale

    ws, fac, item, people = _setup(app, store, people=6)
    gids = _ok(app, fac, "intervision.groups_make", item_id=item, size=3)["groups"]
    assert len(gids) == 2
    for gid in gids:
        _ok(app, fac, "intervision.start", group_id=gid)
        member = store.one("SELECT participant_id FROM intervision_members WHERE group_id = ?"
                           " ORDER BY participant_id DESC LIMIT 1", (gid,))["participant_id"]
        case = _ok(app, Actor(PARTICIPANT, ws["id"], participant_id=member),
                   "intervision.contribute", group_id=gid, text="Een casus")
        _ok(app, fac, "intervision.choose_case", group_id=gid,
            contribution_id=case["contribution_id"])
    item_row = dict(store.one("SELECT * FROM agenda_items WHERE id = ?", (item,)))
    item_row["config"] = json.loads(item_row["config"])
    ids = [p.participant_id for p in people]
    said = {
        "nl": {"case_holder": "Jouw casus is gekozen. Als de gespreksleider verder gaat,"
                              " vertel je hem.",
               "process_guide": "De casus is gekozen. Ga verder als de groep klaar is.",
               "member": "De casus is gekozen. De gespreksleider gaat verder als de groep"
                         " klaar is."},
        "en": {"case_holder": "Your case was chosen. When the process guide moves on, you"
                              " tell it.",
               "process_guide": "The case is chosen. Move on when the group is ready.",
               "member": "The case is chosen. The process guide moves on when the group is"
                         " ready."},
    }
    for lang in ("nl", "en", "nl"):
        with app.app_context(), force_locale(lang):
            v = ViewContext(store, dict(store.one("SELECT * FROM workshops WHERE id = ?",
                                                  (ws["id"],))), utcnow())
            own = views.personal(v, item_row, ids)
        roles = {}
        for pid in ids:
            group = own[pid]["group"]
            assert group["id"] in gids
            role = group["role"] if group["role"] in ("case_holder", "process_guide") \
                else "member"
            roles.setdefault(group["id"], set()).add(role)
            assert group["instruction"] == said[lang][role], (lang, pid, group["role"])
        # Both groups have all three: a case holder, a guide and a member.
        assert all(r == {"case_holder", "process_guide", "member"} for r in roles.values()), roles
