"""Retention: content goes after the configured days; kept takeaways stay."""

from __future__ import annotations

import os
import time
from datetime import timedelta

from facilitator import auth
from facilitator.activities.intervision.retention import purge
from facilitator.db import iso, utcnow
from facilitator.live.actions import FACILITATOR, PARTICIPANT, Actor
from facilitator.room import workshops


def _act(app, actor, op, **data):
    ack = app.extensions["facilitator.dispatcher"].dispatch(
        actor, {"op": op, "op_id": os.urandom(8).hex(), "data": data})
    assert ack["ok"], (op, ack)
    return ack["result"]


def _round(app, store):
    user = auth.add_user(store, "fac@example.nl", "correct horse battery", "facilitator")
    ws = workshops.create_workshop(store, user.id, "Intervisie", agenda="intervision_gossip")
    fac = Actor(FACILITATOR, ws["id"], user_id=user.id)
    item = store.one("SELECT id FROM agenda_items WHERE workshop_id = ? AND kind = ?",
                     (ws["id"], "intervision"))["id"]
    _act(app, fac, "workshop.open")
    _act(app, fac, "agenda.goto", item_id=item)
    people = []
    for n in range(3):
        cur = store.run("INSERT INTO participants (workshop_id, token_hash, name, joined_at,"
                        " last_seen_at) VALUES (?, ?, ?, '', '')", (ws["id"], f"t{n}", f"P{n}"))
        people.append(Actor(PARTICIPANT, ws["id"], participant_id=cur.lastrowid))
    (group,) = _act(app, fac, "intervision.groups_make", item_id=item, size=3)["groups"]
    _act(app, fac, "intervision.start", group_id=group)
    case = _act(app, people[1], "intervision.contribute", group_id=group,
                text="SECRETCASE")["contribution_id"]
    _act(app, people[0], "intervision.vote", group_id=group, contribution_id=case)
    _act(app, fac, "intervision.choose_case", group_id=group, contribution_id=0)
    _act(app, people[1], "intervision.note", group_id=group, text="SECRETNOTE")
    for index in range(5):  # to the evaluation
        _act(app, fac, "intervision.advance", group_id=group, from_phase=index)
    _act(app, people[0], "intervision.contribute", group_id=group, text="SECRETINSIGHT")
    return ws, fac, people, group


def test_purge_after_retention_keeps_kept_takeaways(app, store):
    ws, fac, people, group = _round(app, store)
    _act(app, people[1], "intervision.takeaway", group_id=group, text="KEPT: call the family",
         kept=True, manager_visible=False)
    # A second workshop whose case-holder did not keep the takeaway.
    other = workshops.create_workshop(store, fac.user_id, "Ander", agenda="intervision_gossip")
    store.run("INSERT INTO intervision_takeaways (workshop_id, text, kept, created_at,"
              " updated_at) VALUES (?, 'NOTKEPT', 0, '', '')", (other["id"],))
    _act(app, fac, "workshop.close")
    store.run("UPDATE workshops SET status = 'closed', closed_at = ? WHERE id = ?",
              (iso(utcnow()), other["id"]))

    def content() -> str:
        rows = []
        for table in ("intervision_contributions", "intervision_notes", "intervision_groups",
                      "intervision_takeaways", "events"):
            rows += [tuple(r.values()) for r in store.all(f"SELECT * FROM {table}")]
        return repr(rows)

    assert "SECRETCASE" in content() and "SECRETNOTE" in content()
    # Within the period nothing goes.
    assert purge(store, utcnow() + timedelta(days=29), days=30)["groups"] == 0
    assert "SECRETINSIGHT" in content()
    counts = purge(store, utcnow() + timedelta(days=31), days=30)
    assert counts["groups"] == 1 and counts["takeaways"] == 1
    after = content()
    for secret in ("SECRETCASE", "SECRETNOTE", "SECRETINSIGHT", "NOTKEPT"):
        assert secret not in after, secret  # also gone from the event log
    kept = [dict(r) for r in store.all("SELECT * FROM intervision_takeaways")]
    assert [(k["text"], k["kept"], k["group_id"]) for k in kept] == [
        ("KEPT: call the family", 1, None)]
    assert store.scalar("SELECT COUNT(*) FROM intervision_votes") == 0
    # Running it again changes nothing.
    assert purge(store, utcnow() + timedelta(days=31), days=30)["groups"] == 0


def test_open_workshops_are_not_purged_while_in_use(app, store):
    # Until RETENTION_IDLE_DAYS after their last action (tests/test_hardening3_retention.py).
    _round(app, store)
    assert purge(store, utcnow() + timedelta(days=80), days=30, idle_days=90)["groups"] == 0
    assert store.scalar("SELECT COUNT(*) FROM intervision_contributions") == 2


def test_purge_command(server, facilitator_token):
    ws = server.create_workshop(facilitator_token, agenda="intervision_incident")
    old = iso(utcnow() - timedelta(days=45))
    import sqlite3

    conn = sqlite3.connect(server.data_dir / "facilitator.db")
    with conn:
        wid = conn.execute("SELECT id FROM workshops WHERE code = ?", (ws["code"],)).fetchone()[0]
        conn.execute("UPDATE workshops SET status = 'closed', closed_at = ? WHERE id = ?",
                     (old, wid))
        conn.execute("INSERT INTO intervision_takeaways (workshop_id, text, kept, created_at,"
                     " updated_at) VALUES (?, 'gone', 0, '', '')", (wid,))
    conn.close()
    # The serving process purges at start (and then daily, in one background task).
    server.restart()
    deadline = time.monotonic() + 10
    while server.db_rows("SELECT * FROM intervision_takeaways") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.db_rows("SELECT * FROM intervision_takeaways") == []
    conn = sqlite3.connect(server.data_dir / "facilitator.db")
    with conn:
        conn.execute("INSERT INTO intervision_takeaways (workshop_id, text, kept, created_at,"
                     " updated_at) VALUES (?, 'gone', 0, '', '')", (wid,))
        conn.execute("INSERT INTO intervision_takeaways (workshop_id, text, kept, created_at,"
                     " updated_at) VALUES (?, 'stays', 1, '', '')", (wid,))
    conn.close()
    out = server.cli("purge")
    assert "'takeaways': 1" in out
    assert [r["text"] for r in server.db_rows("SELECT * FROM intervision_takeaways")] == ["stays"]


def test_the_report_still_says_what_the_round_was_after_retention(app, store):
    """Issue 18, point 5: after retention the report read "Groepen 0, Methodes —" for a
    round that took place. What the round was (method, groups, phases, minutes) stays."""
    from flask_babel import force_locale

    from facilitator.report import markdown, model

    ws, fac, people, group = _round(app, store)
    _act(app, fac, "workshop.close")

    def report() -> str:
        workshop = store.one("SELECT * FROM workshops WHERE id = ?", (ws["id"],))
        with app.test_request_context(), force_locale("nl"):
            return markdown.render(model.build(store, workshop))

    before = report()
    assert "Roddelmethode" in before and "Fasen afgerond" in before
    counts = purge(store, utcnow() + timedelta(days=31), days=30)
    assert counts["groups"] == 1 and store.scalar("SELECT COUNT(*) FROM intervision_groups") == 0
    after = report()
    assert "**Methodes:** Roddelmethode" in after and "**Groepen:** 1" in after, after
    assert "**Fasen afgerond:** 5 van 6" in after and "**Duur:** " in after, after
    assert "SECRET" not in after
    # The same facts as before the purge.
    def facts(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.startswith("- **")]

    assert facts(after) == facts(before)
def test_check_in_answers_go_with_retention_and_kept_takeaways_stay_shown(app, store):
    """A group meeting again (issue 19.3): its check-in answers are group content, deleted
    and counted by the purge; last time's takeaways shown at the check-in follow their own
    workshop's retention (a kept one stays, one not kept goes)."""
    ws, fac, people, group = _round(app, store)
    # The first workshop's case-holder (people[1]) keeps her takeaway; a second one, not
    # kept, by another attendee of the same meeting.
    _act(app, people[1], "intervision.takeaway", group_id=group, text="KEPT: bel de familie",
         kept=True, manager_visible=False)
    programme = store.run("INSERT INTO programmes (owner_id, name, created_at)"
                          " VALUES (?, 'Leergang', '')", (fac.user_id,)).lastrowid
    store.run("UPDATE workshops SET programme_id = ? WHERE id = ?", (programme, ws["id"]))
    item = store.one("SELECT item_id FROM intervision_groups WHERE id = ?", (group,))["item_id"]
    _act(app, fac, "intervision.groups_keep", item_id=item)
    store.run("INSERT INTO intervision_takeaways (workshop_id, group_id, participant_id, text,"
              " kept, created_at, updated_at) VALUES (?, ?, ?, 'NOTKEPT: later', 0, '', '')",
              (ws["id"], group, people[0].participant_id))
    _act(app, fac, "workshop.close")

    second = workshops.create_workshop(store, fac.user_id, "Tweede", agenda="intervision_gossip")
    store.run("UPDATE workshops SET programme_id = ? WHERE id = ?", (programme, second["id"]))
    fac2 = Actor(FACILITATOR, second["id"], user_id=fac.user_id)
    item2 = store.one("SELECT id FROM agenda_items WHERE workshop_id = ? AND kind = ?",
                      (second["id"], "intervision"))["id"]
    _act(app, fac2, "workshop.open")
    _act(app, fac2, "agenda.goto", item_id=item2)
    persons = []
    # Their personal links are kept after the groups were (persons found through who came).
    for n, old in enumerate(people):
        person = store.run("INSERT INTO persons (token_hash, created_at) VALUES (?, '')",
                           (f"person{n}",)).lastrowid
        store.run("UPDATE participants SET person_id = ? WHERE id = ?",
                  (person, old.participant_id))
        cur = store.run("INSERT INTO participants (workshop_id, token_hash, name, joined_at,"
                        " last_seen_at, person_id) VALUES (?, ?, ?, '', '', ?)",
                        (second["id"], f"u{n}", f"P{n}", person))
        persons.append(Actor(PARTICIPANT, second["id"], participant_id=cur.lastrowid))
    assert _act(app, fac2, "intervision.groups_again", item_id=item2)["matched"] == 3
    (group2,) = [r["id"] for r in store.all("SELECT id FROM intervision_groups WHERE item_id = ?",
                                            (item2,))]
    _act(app, fac2, "intervision.start", group_id=group2)
    _act(app, persons[1], "intervision.contribute", group_id=group2, text="SECRETCHECKIN")

    from facilitator.activities.intervision import again
    from facilitator.live.screens import ViewContext

    def shown() -> list[str]:
        workshop = store.one("SELECT * FROM workshops WHERE id = ?", (second["id"],))
        g = dict(store.one("SELECT * FROM intervision_groups WHERE id = ?", (group2,)))
        g["method"] = __import__("json").loads(g["method"])
        checkin = again.checkin_of(ViewContext(store, workshop, utcnow()), g)
        view = again.checkin_part(checkin, persons[0].participant_id)
        return [t["text"] for t in view["takeaways"]]

    assert shown() == ["KEPT: bel de familie", "NOTKEPT: later"]
    # The first workshop's retention passes: the takeaway not kept goes, the kept one
    # (an agreement) is still shown at the check-in.
    store.run("UPDATE workshops SET closed_at = ?, retention_from = ? WHERE id = ?",
              (iso(utcnow() - timedelta(days=40)),) * 2 + (ws["id"],))
    assert purge(store, utcnow(), days=30)["checkins"] == 0
    assert shown() == ["KEPT: bel de familie"]
    # The second workshop's retention: its check-in answers go, counted, payloads too.
    _act(app, fac2, "workshop.close")
    assert purge(store, utcnow() + timedelta(days=31), days=30)["checkins"] == 1
    rows = store.all("SELECT text FROM intervision_contributions")
    events = store.all("SELECT data FROM events WHERE workshop_id = ?", (second["id"],))
    assert "SECRETCHECKIN" not in repr(rows) + repr(events)
