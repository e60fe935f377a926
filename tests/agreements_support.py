"""Helpers for the agreements tests: a workshop of a team with phones on the agreements item."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import support
from support import Server, login_cookie

TEAM = "Wijkteam Noord"


def tomorrow(days: int = 1) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def team_id(server: Server, name: str = TEAM) -> int:
    return server.db_rows("SELECT id FROM teams WHERE name = ?", (name,))[0]["id"]


class Room(support.Room):
    """One workshop (the shared builder): its facilitator and board sockets, phones by
    name, item ids by kind; every screen is checked against a sync after every action."""

    def __init__(self, server: Server, clients: Any, fac_email: str, token: str,
                 **workshop: Any):
        super().__init__(server, token, login_cookie(server, fac_email), clients=clients,
                         **workshop)
        self.workshop = self.ws
        self.board = self.board()  # type: ignore[method-assign]
        self.phones: dict[str, Any] = {}
        self.ids: dict[str, int] = {}


def open_room(server: Server, clients: Any, fac_email: str, token: str, title: str,
              team: int | None, names: tuple[str | None, ...] = ("Ann", "Bob"),
              agenda: str = "team_agreements") -> Room:
    body: dict[str, Any] = {"title": title, "agenda": agenda}
    if team is not None:
        body["team_id"] = team
    room = Room(server, clients, fac_email, token, **body)
    for n, name in enumerate(names):
        key = name or f"anon{n}"
        phone = room.phone(name)
        room.ids[key] = phone.participant_id
        room.phones[key] = phone
    return room


def propose(phone: Any, **fields: Any) -> Any:
    data = {"owner_id": 0, "owner_text": "", "what": "", "with_ids": [], "due_date": tomorrow(),
            "check_how": "", "manager_visible": True}
    data.update(fields)
    return phone.act("agreements.propose", data)


def agreed(room: Room, what: str, owner: str = "Ann", others: tuple[str, ...] = ("Bob",),
           due: str | None = None, **extra: Any) -> int:
    """Propose and have everyone named confirm; returns the agreement id."""
    ack = propose(room.phones[owner], owner_id=room.ids[owner], what=what,
                  with_ids=[room.ids[o] for o in others], due_date=due or tomorrow(7), **extra)
    assert ack["ok"], ack
    agreement_id = ack["result"]["agreement_id"]
    for name in (owner, *others):
        confirm = room.phones[name].act("agreements.confirm", {"agreement_id": agreement_id})
        assert confirm["ok"], confirm
    return agreement_id
