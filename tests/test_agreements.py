"""Agreements, feedback and open agreements over the real socket protocol."""

from __future__ import annotations

from agreements_support import TEAM, agreed, open_room, propose, team_id, tomorrow
from support import settle


def _view(v):
    return (v.get("item") or {}).get("view") or {}


def _count(server, sql="SELECT COUNT(*) AS n FROM agreements", params=()):
    return server.db_rows(sql, params)[0]["n"]


def test_propose_confirm_and_the_board_shows_it(server, facilitator_token, clients):
    room = open_room(server, clients, "fac@example.nl", facilitator_token, "Afspraken",
                     team_id(server), names=("Ann", "Bob", None, "Cas"))
    room.goto("agreements")
    ann, bob, anon, cas = (room.phones[k] for k in ("Ann", "Bob", "anon2", "Cas"))
    ack = propose(ann, owner_id=room.ids["Ann"], what="Zoë haalt één keer per week café-koffie",
                  with_ids=[room.ids["Bob"]], due_date=tomorrow(3), check_how="Teamoverleg")
    assert ack["ok"], ack
    aid = ack["result"]["agreement_id"]
    row = server.db_rows("SELECT * FROM agreements WHERE id = ?", (aid,))[0]
    assert row["status"] == "proposed" and row["team_id"] == team_id(server)
    assert row["manager_visible"] == 1 and row["owner_name"] == "Ann"

    # Bob's phone learns it waits for his answer; Cas's does not.
    bob.wait_for("me", lambda v: aid in v["view"].get("to_answer", []))
    refused = cas.act("agreements.confirm", {"agreement_id": aid})
    assert refused["error"]["code"] == "not_named"
    assert anon.act("agreements.confirm", {"agreement_id": aid})["error"]["code"] == "not_named"
    assert ann.act("agreements.confirm", {"agreement_id": aid})["ok"]
    assert server.db_rows("SELECT status FROM agreements WHERE id = ?", (aid,))[0]["status"] \
        == "proposed"
    assert bob.act("agreements.confirm", {"agreement_id": aid})["ok"]
    assert server.db_rows("SELECT status FROM agreements WHERE id = ?", (aid,))[0]["status"] \
        == "agreed"
    push = room.board.wait_for(
        "board", lambda v: any(a["id"] == aid and a["status"] == "agreed"
                               for a in v["item"]["view"]["agreements"]))
    shown = next(a for a in push["view"]["item"]["view"]["agreements"] if a["id"] == aid)
    assert shown["what"] == "Zoë haalt één keer per week café-koffie"
    assert shown["with"] == ["Bob"] and shown["confirmed"] == 2
    statuses = [h["status"] for h in server.db_rows(
        "SELECT status FROM agreement_history WHERE agreement_id = ? ORDER BY id", (aid,))]
    assert statuses == ["proposed", "agreed"]
    # A second confirmation after agreement changes nothing.
    assert bob.act("agreements.confirm", {"agreement_id": aid})["error"]["code"] == "not_now"


def test_bad_agreements_are_refused_and_change_nothing(server, facilitator_token, clients):
    room = open_room(server, clients, "fac@example.nl", facilitator_token, "Afspraken",
                     team_id(server), names=("Ann", None))
    ann = room.phones["Ann"]
    # Not the agreements item yet: refused.
    assert propose(ann, owner_id=room.ids["Ann"], what="x")["error"]["code"] == "not_now"
    room.goto("agreements")
    cases = [
        dict(owner_id=room.ids["Ann"], what=""),                        # no what
        dict(owner_id=0, owner_text="", what="Iets doen"),               # no owner
        dict(owner_id=room.ids["Ann"], what="Iets", due_date=""),        # no due date
        dict(owner_id=room.ids["Ann"], what="Iets", due_date="2020-01-01"),  # past
        dict(owner_id=room.ids["Ann"], what="Iets", due_date="31-12-2099"),  # not ISO
        dict(owner_id=room.ids["anon1"], what="Iets"),                   # anonymous owner
        dict(owner_id=room.ids["Ann"], what="Iets", with_ids=[999999]),  # not here
        dict(owner_id=room.ids["Ann"], what="x" * 301),                  # too long
    ]
    for fields in cases:
        ack = propose(ann, **fields)
        assert not ack["ok"] and ack["error"]["code"] == "invalid", (fields, ack)
        assert ack["error"]["message"]
    assert _count(server) == 0
    assert _count(server, "SELECT COUNT(*) AS n FROM agreement_history") == 0
    # Free-text owner is fine; nobody named, so the facilitator agrees it for the room.
    ack = propose(ann, owner_text="De teamleider", what="Rooster voor de zomer")
    assert ack["ok"], ack
    aid = ack["result"]["agreement_id"]
    assert room.fac.act("agreements.agree", {"agreement_id": aid})["ok"]
    assert server.db_rows("SELECT status FROM agreements WHERE id = ?", (aid,))[0]["status"] \
        == "agreed"


def test_decline_edit_merge_withdraw(server, facilitator_token, clients):
    room = open_room(server, clients, "fac@example.nl", facilitator_token, "Afspraken",
                     team_id(server), names=("Ann", "Bob", "Cas"))
    room.goto("agreements")
    ann, bob = room.phones["Ann"], room.phones["Bob"]
    first = propose(ann, owner_id=room.ids["Ann"], what="Overdracht op tijd",
                    with_ids=[room.ids["Bob"]])["result"]["agreement_id"]
    assert bob.act("agreements.decline", {"agreement_id": first, "reason": ""})["error"][
        "code"] == "invalid"
    assert bob.act("agreements.decline", {"agreement_id": first, "reason": "Te vaag"})["ok"]
    row = server.db_rows("SELECT status FROM agreements WHERE id = ?", (first,))[0]
    assert row["status"] == "declined"
    assert server.db_rows("SELECT reason FROM agreement_people WHERE agreement_id = ? AND"
                          " participant_id = ?", (first, room.ids["Bob"]))[0]["reason"] == "Te vaag"
    # Participants may not edit; the facilitator's edit asks everyone again.
    edit = {"agreement_id": first, "owner_id": room.ids["Ann"], "owner_text": "",
            "what": "Overdracht om 8:00 klaar", "with_ids": [room.ids["Bob"]],
            "due_date": tomorrow(5), "check_how": "", "manager_visible": True}
    assert ann.act("agreements.edit", edit)["error"]["code"] == "forbidden"
    assert room.fac.act("agreements.edit", edit)["ok"]
    row = server.db_rows("SELECT * FROM agreements WHERE id = ?", (first,))[0]
    assert row["status"] == "proposed" and row["what"] == "Overdracht om 8:00 klaar"
    answers = server.db_rows("SELECT answer FROM agreement_people WHERE agreement_id = ?", (first,))
    assert {a["answer"] for a in answers} == {None}
    # Merge a duplicate: Cas joins the first, which waits for Cas's answer.
    second = propose(ann, owner_id=room.ids["Cas"], what="Overdracht om acht uur",
                     with_ids=[])["result"]["agreement_id"]
    assert room.fac.act("agreements.merge", {"agreement_id": second, "into_id": first})["ok"]
    merged = server.db_rows("SELECT * FROM agreements WHERE id = ?", (second,))[0]
    assert merged["merged_into"] == first and merged["status"] == "dropped"
    people = {p["participant_id"] for p in server.db_rows(
        "SELECT participant_id FROM agreement_people WHERE agreement_id = ?", (first,))}
    assert people == {room.ids["Ann"], room.ids["Bob"], room.ids["Cas"]}
    assert room.fac.act("agreements.merge", {"agreement_id": first, "into_id": first})[
        "error"]["code"] == "invalid"
    assert room.fac.act("agreements.withdraw", {"agreement_id": first, "note": "Dubbel"})["ok"]
    last = server.db_rows("SELECT * FROM agreement_history WHERE agreement_id = ?"
                          " ORDER BY id DESC LIMIT 1", (first,))[0]
    assert (last["status"], last["note"]) == ("dropped", "Dubbel")


def test_feedback_reaches_only_its_receiver(server, facilitator_token, clients):
    room = open_room(server, clients, "fac@example.nl", facilitator_token, "Aanspreken",
                     team_id(server), names=("Ann", "Bob", "Cas", None))
    room.goto("feedback")
    ann, bob, cas, anon = (room.phones[k] for k in ("Ann", "Bob", "Cas", "anon3"))
    secret = "Bij de overdracht keek je steeds op je telefoon"
    gift = {"to_id": room.ids["Bob"], "behaviour": secret, "feeling": "",
            "effect": "Ik kon niet vertellen over cliënt Zoë", "wish": "Telefoon weg"}
    ack = ann.act("feedback.give", gift)
    assert ack["ok"], ack
    fid = ack["result"]["feedback_id"]
    bob.wait_for("me", lambda v: any(f["behaviour"] == secret for f in v["view"]["received"]))
    ann.wait_for("me", lambda v: any(f["behaviour"] == secret for f in v["view"]["sent"]))
    room.board.wait_for("board", lambda v: _view(v).get("counts", {}).get("to_people") == 1)
    room.fac.wait_for("control", lambda v: _view(v).get("counts", {}).get("to_people") == 1)

    # Bad input: to yourself, to an anonymous participant, empty wish.
    assert ann.act("feedback.give", {**gift, "to_id": room.ids["Ann"]})["error"]["code"] \
        == "invalid"
    assert ann.act("feedback.give", {**gift, "to_id": room.ids["anon3"]})["error"]["code"] \
        == "invalid"
    assert ann.act("feedback.give", {**gift, "wish": ""})["error"]["code"] == "invalid"

    # Only the receiver answers, once; the answer reaches the sender.
    assert cas.act("feedback.reply", {"feedback_id": fid, "kind": "heard", "text": "x"})[
        "error"]["code"] == "not_found"
    reply = {"feedback_id": fid, "kind": "question", "text": "Wanneer was dat precies?"}
    assert bob.act("feedback.reply", {**reply, "kind": "shrug"})["error"]["code"] == "invalid"
    assert bob.act("feedback.reply", reply)["ok"]
    assert bob.act("feedback.reply", reply)["error"]["code"] == "invalid"
    ann.wait_for("me", lambda v: any((f["reply"] or {}).get("text") == reply["text"]
                                     for f in v["view"]["sent"]))

    # Team feedback: the facilitator sees it without an author; the board once shown.
    team_text = "We beginnen de teamvergadering nooit op tijd"
    ack = anon.act("feedback.give", {"to_id": 0, "behaviour": team_text, "feeling": "",
                                     "effect": "Wie op tijd is wacht", "wish": "Om 9:00 starten"})
    assert ack["ok"], ack
    team_id_ = ack["result"]["feedback_id"]
    push = room.fac.wait_for("control", lambda v: len(_view(v).get("team", [])) == 1)
    entry = push["view"]["item"]["view"]["team"][0]
    assert set(entry) == {"id", "shown", "behaviour", "feeling", "effect", "wish"}
    settle(room.fac, ack["seq"], room.board)  # the board's push of that action is in
    assert team_text not in room.board.raw()
    assert cas.act("feedback.show", {"feedback_id": team_id_, "shown": True})["error"]["code"] \
        == "forbidden"
    assert room.fac.act("feedback.show", {"feedback_id": fid, "shown": True})["error"]["code"] \
        == "not_found"  # feedback to a person can never go on the board
    show = room.fac.act("feedback.show", {"feedback_id": team_id_, "shown": True})
    assert show["ok"], show
    room.board.wait_for("board", lambda v: any(f["behaviour"] == team_text
                                               for f in _view(v).get("team", [])))
    settle(room.fac, show["seq"], room.board, room.fac, cas, anon)

    # What never travelled: the private feedback and its reply to anyone but the two.
    for other in (room.board, room.fac, cas, anon):
        assert secret not in other.raw()
        assert reply["text"] not in other.raw()
    assert team_text not in cas.raw()  # the phones' shared view never carries contents
    # The author of the team feedback never left the server.
    for screen in (room.board, room.fac):
        for _name, msg in screen.pushes:
            view = (msg["view"].get("item") or {}).get("view") or {}
            for f in view.get("team", []):
                assert "author" not in str(f) and "from" not in f


def test_open_agreements_at_the_next_workshop(server, facilitator_token, clients):
    tid = team_id(server)
    first = open_room(server, clients, "fac@example.nl", facilitator_token, "Sessie 1", tid)
    first.goto("agreements")
    aid = agreed(first, "Één keer per maand intervisie plannen")
    server.add_user("fac2@example.nl", "facilitator", teams=("Ander team",))
    other_token = server.token("fac2@example.nl")
    other = open_room(server, clients, "fac2@example.nl", other_token, "Ander team",
                      team_id(server, "Ander team"), names=())
    second = open_room(server, clients, "fac@example.nl", facilitator_token, "Sessie 2", tid,
                       names=("Ann",))
    # The first item of the team agenda is the open agreements review.
    view = second.board.sync()["board"]["item"]["view"]
    assert [a["id"] for a in view["agreements"]] == [aid]
    assert view["agreements"][0]["workshop_title"] == "Sessie 1"
    assert other.board.sync()["board"]["item"]["view"]["agreements"] == []
    review = {"agreement_id": aid, "status": "changed", "note": "Nu om de zes weken"}
    assert second.phones["Ann"].act("open_agreements.review", review)["error"]["code"] \
        == "forbidden"
    assert second.fac.act("open_agreements.review", {**review, "status": "gone"})["error"][
        "code"] == "invalid"
    assert other.fac.act("open_agreements.review", review)["error"]["code"] == "not_found"
    assert second.fac.act("open_agreements.review", review)["ok"]
    history = server.db_rows("SELECT * FROM agreement_history WHERE agreement_id = ?"
                             " ORDER BY id", (aid,))
    assert [h["status"] for h in history] == ["proposed", "agreed", "changed"]
    assert history[-1]["note"] == "Nu om de zes weken"
    assert history[-1]["workshop_id"] == server.db_rows(
        "SELECT id FROM workshops WHERE code = ?", (second.workshop["code"],))[0]["id"]
    pushed = second.board.wait_for("board", lambda v: v["item"]["view"]["agreements"][0][
        "status"] == "changed")
    assert pushed["view"]["item"]["view"]["agreements"][0]["note"] == "Nu om de zes weken"
    assert TEAM
