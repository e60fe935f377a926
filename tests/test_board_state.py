"""Board state is room state (issue 14): the facilitator's board.* actions are checked,
refused with a clear answer when wrong, stored, and a restarted server shows the same."""

from __future__ import annotations

from typing import Any

from support import Client, Room, board_token


def test_board_actions_are_checked_and_survive_a_restart(server_factory: Any) -> None:
    server = server_factory()
    server.add_user("fac@example.nl", "facilitator")
    room = Room(server, server.token("fac@example.nl"), agenda="dilemmas")
    room.goto("dilemma_collect")
    first = room.ok(room.fac, "dilemma.prepare", situation="Een cliënt weigert hulp.",
                    options=["Respecteren", "Ingrijpen"], values="")["result"]["dilemma_id"]
    phone = room.phone("Ann")
    board = room.board()
    # Wrong input changes nothing and says why; phones may not steer the board.
    room.refused(room.fac, "board.spotlight", "not_found", kind="dilemma", id=first + 99)
    room.refused(room.fac, "board.spotlight", "invalid", kind="password", id=first)
    room.refused(room.fac, "board.pace", "invalid", seconds=7)
    room.refused(room.fac, "board.page", "invalid", page=0)
    room.refused(phone, "board.join", "forbidden", show=True)
    assert board.sync()["board"]["board"]["spotlight"] is None
    # An unapproved dilemma is not on the board, so it cannot be put in the spotlight.
    hidden = room.ok(room.fac, "dilemma.prepare", situation="Nog niet goedgekeurd.",
                     options=["A", "B"], values="")["result"]["dilemma_id"]
    room.ok(room.fac, "dilemma.approve", dilemma_id=hidden, approved=False)
    room.refused(room.fac, "board.spotlight", "not_found", kind="dilemma", id=hidden)
    room.ok(room.fac, "board.spotlight", kind="dilemma", id=first)
    room.ok(room.fac, "board.join", show=True)
    room.ok(room.fac, "board.pace", seconds=20)
    before = board.sync()["board"]["board"]
    assert before["spotlight"]["text"] == "Een cliënt weigert hulp." and before["join"]
    room.close()
    server.restart()
    # New screens after the restart see the same board.
    fresh = Client(server.url, {"kind": "board", "token": board_token(room.ws)})
    control = Client(server.url, {"kind": "facilitator", "code": room.code},
                     {"Cookie": room.cookie})
    try:
        assert fresh.sync()["board"]["board"] == before
        steer = control.sync()["control"]["board"]
        assert steer["pace"] == 20 and steer["join"] and steer["spotlight"]["id"] == first
    finally:
        fresh.close()
        control.close()
