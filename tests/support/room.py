"""The one room builder: a workshop made the way a facilitator makes it (API, then
`workshop.open` over a facilitator socket), with a board and phones on demand.

Every socket it makes belongs to the room's `screens`: after every action any of them
sends, each connected screen's last view must equal its fresh sync (issue 13.7)."""

from __future__ import annotations

from typing import Any

from support.client import Client, Screens
from support.login import login_cookie
from support.server import Server

FAC = "fac@example.nl"


def board_token(ws: dict[str, Any]) -> str:
    return ws["board_url"].rsplit("/", 1)[1]


class Room:
    """One open workshop with its facilitator connected; `phone()` and `board()` add
    screens. `items` maps each agenda kind to its first item."""

    def __init__(self, server: Server, token: str, cookie: str | None = None,
                 email: str = FAC, open_: bool = True, clients: Any = None,
                 **workshop: Any):
        self.server = server
        self.made = clients  # the `clients` fixture's factory closes them; else we do
        self.own: list[Client] = []
        self.screens = Screens()
        self.ws = server.create_workshop(token, **workshop)
        self.code = self.ws["code"]
        self.cookie = cookie or login_cookie(server, email)
        self.fac = self.facilitator()
        if open_:
            self.ok(self.fac, "workshop.open")
        self.items: dict[str, int] = {}
        for item in self.fac.sync()["control"]["agenda"]:
            self.items.setdefault(item["kind"], item["id"])

    # --- screens ---------------------------------------------------------------------

    def client(self, auth: dict[str, Any], headers: dict[str, str] | None = None,
               label: str = "") -> Client:
        client = Client(self.server.url, auth, headers, screens=self.screens, label=label)
        if self.made is not None and hasattr(self.made, "track"):
            self.made.track(client)
        else:
            self.own.append(client)
        return client

    def facilitator(self, cookie: str | None = None) -> Client:
        return self.client({"kind": "facilitator", "code": self.code},
                           {"Cookie": cookie or self.cookie}, label="control")

    def phone(self, name: str | None = "Ann") -> Client:
        joined = self.server.join(self.code, name)
        client = self.client({"kind": "participant", "code": self.code,
                              "token": joined["token"]}, label=f"phone {name}")
        client.participant_id = joined["participant_id"]  # type: ignore[attr-defined]
        client.token = joined["token"]  # type: ignore[attr-defined]
        return client

    def board(self) -> Client:
        return self.client({"kind": "board", "token": board_token(self.ws)}, label="board")

    def table(self, token: str, number: int) -> Client:
        return self.client({"kind": "table", "token": token}, label=f"table {number}")

    # --- acting ----------------------------------------------------------------------

    @staticmethod
    def ok(client: Client, op: str, **data: Any) -> dict[str, Any]:
        ack = client.act(op, data)
        assert ack["ok"], (op, data, ack)
        return ack

    @staticmethod
    def refused(client: Client, op: str, code: str, **data: Any) -> dict[str, Any]:
        ack = client.act(op, data)
        assert not ack["ok"], (op, data, ack)
        assert ack["error"]["code"] == code, ack
        assert ack["error"]["message"]
        return ack

    def goto(self, kind: str) -> None:
        self.ok(self.fac, "agenda.goto", item_id=self.items[kind])

    def add_item(self, kind: str = "welcome", title: str = "Tweede stap") -> int:
        return self.ok(self.fac, "agenda.add", kind=kind, title=title)["result"]["item_id"]

    # --- what is stored --------------------------------------------------------------

    def workshop_id(self) -> int:
        return self.server.db_rows("SELECT id FROM workshops WHERE code = ?",
                                   (self.code,))[0]["id"]

    def seq(self) -> int:
        return self.server.db_rows("SELECT seq FROM workshops WHERE code = ?",
                                   (self.code,))[0]["seq"]

    def close(self) -> None:
        for client in self.own:
            try:
                client.close()
            except Exception:
                pass
