"""A room with intervision groups, driven over Socket.IO (shared by the intervision tests)."""

from __future__ import annotations

from typing import Any

import support
from support import login_cookie


def table_token(server: Any, code: str, number: int) -> str:
    """Table `number`'s secret link token, as the control page shows it."""
    from facilitator.room.table_screens import token_for

    workshop = server.db_rows("SELECT id, code FROM workshops WHERE code = ?", (code,))[0]
    secret = (server.data_dir / "secret_key").read_text().strip()
    return token_for(secret, workshop, number)


class Room(support.Room):
    """A facilitator, a board and N phones in a workshop on its intervision item (the
    shared builder: every screen is checked against a fresh sync after every action)."""

    def __init__(self, server: Any, token: str, clients: Any, people: int = 6,
                 agenda: str = "intervision_incident", email: str = "fac@example.nl",
                 title: str = "Wijkoverleg Noord"):
        # The title is not "Intervisie": a check for the item's title must not find it here.
        super().__init__(server, token, login_cookie(server, email), clients=clients,
                         title=title, agenda=agenda)
        self.item_id = self.items["intervision"]
        self.ok(self.fac, "agenda.goto", item_id=self.item_id)
        self.board = self.board()  # type: ignore[method-assign]
        self.phones: dict[int, Any] = {}
        for n in range(people):
            phone = self.phone(f"P{n + 1}")
            self.phones[phone.participant_id] = phone

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
