"""A room with intervision groups, driven over Socket.IO (shared by the intervision tests)."""

from __future__ import annotations

from typing import Any

from conftest import login_cookie


def table_token(server: Any, code: str, number: int) -> str:
    """Table `number`'s secret link token, as the control page shows it."""
    from facilitator.room.table_screens import token_for

    workshop = server.db_rows("SELECT id, code FROM workshops WHERE code = ?", (code,))[0]
    secret = (server.data_dir / "secret_key").read_text().strip()
    return token_for(secret, workshop, number)


class Room:
    """A facilitator, a board and N phones in a workshop on its intervision item."""

    def __init__(self, server: Any, token: str, clients: Any, people: int = 6,
                 agenda: str = "intervision_incident", email: str = "fac@example.nl"):
        self.server = server
        self.ws = server.create_workshop(token, title="Intervisie", agenda=agenda)
        self.code = self.ws["code"]
        cookie = login_cookie(server, email)
        self.fac = clients(server.url, {"kind": "facilitator", "code": self.code},
                           {"Cookie": cookie})
        self.ok(self.fac, "workshop.open")
        control = self.fac.sync()["control"]
        self.item_id = next(i["id"] for i in control["agenda"] if i["kind"] == "intervision")
        self.ok(self.fac, "agenda.goto", item_id=self.item_id)
        board_token = server.db_rows("SELECT board_token FROM workshops WHERE code = ?",
                                     (self.code,))[0]["board_token"]
        self.board = clients(server.url, {"kind": "board", "token": board_token})
        self.phones: dict[int, Any] = {}
        for n in range(people):
            joined = server.join(self.code, f"P{n + 1}")
            self.phones[joined["participant_id"]] = clients(
                server.url, {"kind": "participant", "code": self.code, "token": joined["token"]})

    @staticmethod
    def ok(client: Any, op: str, **data: Any) -> dict[str, Any]:
        ack = client.act(op, data)
        assert ack["ok"], (op, data, ack)
        return ack

    @staticmethod
    def refused(client: Any, op: str, code: str, **data: Any) -> dict[str, Any]:
        ack = client.act(op, data)
        assert not ack["ok"], (op, data, ack)
        assert ack["error"]["code"] == code, ack
        assert ack["error"]["message"]
        return ack

    def control(self) -> dict[str, Any]:
        return self.fac.sync()["control"]["item"]["view"]

    def me(self, pid: int) -> dict[str, Any]:
        return self.phones[pid].sync()["me"]["view"]

    def groups(self) -> list[dict[str, Any]]:
        return self.control()["groups"]

    def make_groups(self, size: int = 3) -> list[dict[str, Any]]:
        self.ok(self.fac, "intervision.groups_make", item_id=self.item_id, size=size)
        return self.groups()

    def guide_of(self, group: dict[str, Any]) -> int:
        return next(m["id"] for m in group["members"] if m["role"] == "process_guide")

    def run_round(self, group: dict[str, Any], secret: str) -> dict[str, Any]:
        """Run a whole round by socket: cases, votes, every phase with contributions.
        Every text contains `secret` so the confidentiality checks can look for it."""
        gid = group["id"]
        ids = [m["id"] for m in group["members"]]
        guide = self.guide_of(group)
        self.ok(self.phones[guide], "intervision.start", group_id=gid)
        holder = None
        while True:
            view = self.me(ids[0])["group"]
            if view["timer"]["state"] == "done":
                break
            for pid in ids:
                mine = self.me(pid)["group"]
                if mine["contribution"] != "none":
                    self.ok(self.phones[pid], "intervision.contribute", group_id=gid,
                            text=f"{secret} {mine['phase_key']} by {pid}")
                if mine["takeaway_phase"] and mine["role"] == "case_holder":
                    self.ok(self.phones[pid], "intervision.takeaway", group_id=gid,
                            text=f"{secret} I will call the client", kept=True,
                            manager_visible=False)
            if view["phase_contribution"] == "case":
                cases = [c for c in self.me(ids[0])["group"]["contributions"]
                         if c["kind"] == "case"]
                for pid in ids:
                    self.ok(self.phones[pid], "intervision.vote", group_id=gid,
                            contribution_id=cases[-1]["id"])
                ack = self.ok(self.phones[guide], "intervision.choose_case", group_id=gid,
                              contribution_id=0)
                holder = ack["result"]["case_holder_id"]
                guide = self.guide_of(next(g for g in self.groups() if g["id"] == gid))
            self.ok(self.phones[guide], "intervision.advance", group_id=gid,
                    from_phase=view["phase"]["index"])
        return {"case_holder": holder, "guide": guide}
