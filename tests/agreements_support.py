"""Helpers for the agreements tests: a workshop of a team with phones on the agreements item."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from conftest import Server, login_cookie

TEAM = "Wijkteam Noord"


def tomorrow(days: int = 1) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def team_id(server: Server, name: str = TEAM) -> int:
    return server.db_rows("SELECT id FROM teams WHERE name = ?", (name,))[0]["id"]


@dataclass
class Room:
    """One workshop: its facilitator socket, board socket and phones by name."""

    workshop: dict[str, Any]
    fac: Any
    board: Any
    phones: dict[str, Any] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)

    def goto(self, kind: str) -> None:
        ack = self.fac.act("agenda.goto", {"item_id": self.items[kind]})
        assert ack["ok"], ack


def open_room(server: Server, clients: Any, fac_email: str, token: str, title: str,
              team: int | None, names: tuple[str | None, ...] = ("Ann", "Bob"),
              agenda: str = "team_agreements") -> Room:
    body: dict[str, Any] = {"title": title, "agenda": agenda}
    if team is not None:
        body["team_id"] = team
    ws = server.create_workshop(token, **body)
    cookie = login_cookie(server, fac_email)
    fac = clients(server.url, {"kind": "facilitator", "code": ws["code"]}, {"Cookie": cookie})
    assert fac.act("workshop.open")["ok"]
    board_token = server.db_rows("SELECT board_token FROM workshops WHERE code = ?",
                                 (ws["code"],))[0]["board_token"]
    board = clients(server.url, {"kind": "board", "token": board_token})
    room = Room(ws, fac, board)
    control = fac.sync()["control"]
    room.items = {i["kind"]: i["id"] for i in control["agenda"]}
    for n, name in enumerate(names):
        joined = server.join(ws["code"], name)
        key = name or f"anon{n}"
        room.ids[key] = joined["participant_id"]
        room.phones[key] = clients(
            server.url, {"kind": "participant", "code": ws["code"], "token": joined["token"]})
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
