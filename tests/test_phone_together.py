"""A phase change pushes each phone one message: the phone view with the phone's own part
in it (`phone` with `me`, facilitator/live/pusher.py `_send_together`), in the language
the phone chose, instead of a broadcast and then one `me` each. Phones with the same view
and own part share one emit; what each phone then shows equals its fresh sync (the Room
checks every screen after every action)."""

from __future__ import annotations

from typing import Any

from support import Room


def test_a_phase_change_sends_each_phone_its_view_and_own_part_at_once(
        server: Any, facilitator_token: str, clients: Any) -> None:
    room = Room(server, facilitator_token, clients=clients, title="Werkconferentie",
                agenda="dilemmas")
    phones = [room.phone(f"Deelnemer met een lange naam {n}") for n in range(6)]
    english = phones[:2]
    for phone in english:
        room.ok(phone, "participant.language", language="en")
    for phone in phones:
        phone.pushes.clear()

    ack = room.ok(room.fac, "agenda.goto", item_id=room.items["dilemma_collect"])
    for phone in phones:
        phone.wait_seq(ack["seq"])
    for phone in phones:
        arrived = [(name, msg) for name, msg in phone.pushes if msg["seq"] >= ack["seq"]]
        # One message: the phone view of the new item, and in it the phone's own part
        # (recorded by the test client as the `me` it carries).
        assert [name for name, _ in arrived] == ["phone", "me"], arrived
        view, me = arrived[0][1], arrived[1][1]
        assert view["view"]["item"]["kind"] == "dilemma_collect"
        assert me["view"]["item_id"] == room.items["dilemma_collect"]
        assert view["me"] == me["view"] and phone.together == 1
        title = view["view"]["item"]["title"]
        assert title == phone.sync()["phone"]["item"]["title"]
    # The phones that chose English got it in English, the others in Dutch.
    titles = {phone.views["phone"]["item"]["title"] for phone in english}
    others = {phone.views["phone"]["item"]["title"] for phone in phones[2:]}
    assert len(titles) == len(others) == 1 and titles != others, (titles, others)

    # A submission changes one phone's own part, not the phone view: it gets a `me` alone.
    for phone in phones:
        phone.pushes.clear()
    ack = room.ok(phones[3], "dilemma.submit", situation="Spreek ik een collega aan?",
                  options=["Ja", "Nee"], values="", show_name=False)
    phones[3].wait_seq(ack["seq"])
    assert [name for name, _ in phones[3].pushes] == ["me"], phones[3].pushes
    assert phones[3].views["me"]["view"]["dilemmas"][0]["situation"] == "Spreek ik een collega aan?"
    assert phones[3].together == 1
