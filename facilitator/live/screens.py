"""Views per audience, computed on the server (DESIGN invariant 2).

The board, the facilitators, every phone (the shared part) and each phone (its own
part) get only what they may see. Activities add their part through their own
board / control / phone / personal functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from facilitator.activities import registry
from facilitator.db import Store, utcnow
from facilitator.room import agenda, board_state, participants, timer
from facilitator.room.items import agenda_of


@dataclass
class ViewContext:
    """Read-only access for activity view functions."""

    store: Store
    workshop: dict[str, Any]
    now: datetime
    # What the views of this one moment share, read once (a push of 300 intervision
    # members read the 40 groups and their methods five times, 19 ms): nothing changes
    # while a snapshot is computed, and what is kept here is never modified.
    memo: dict[Any, Any] = field(default_factory=dict)

    def once(self, key: Any, compute: Callable[[], Any]) -> Any:
        """`compute()`, the first time `key` is asked for in this snapshot."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]

    def one(self, sql: str, params: Any = ()) -> dict[str, Any] | None:
        return self.store.one(sql, params)

    def all(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        return self.store.all(sql, params)


def header(workshop: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": workshop["code"],
        "title": workshop["title"],
        "language": workshop["language"],
        "status": workshop["status"],
        "locked": bool(workshop["locked"]),
    }


class Views:
    """Computes one workshop's views at one moment."""

    def __init__(self, store: Store, workshop: dict[str, Any]):
        self.store = store
        self.workshop = workshop
        self.v = ViewContext(store, workshop, utcnow())
        self.agenda = agenda_of(store, workshop["id"])
        self.item = next((i for i in self.agenda if i["id"] == workshop["current_item_id"]), None)
        self.activity = registry().get(self.item["kind"]) if self.item else None
        self._board: dict[str, Any] | None = None

    @property
    def seq(self) -> int:
        return self.workshop["seq"]

    def _item(self, part: str) -> dict[str, Any] | None:
        if self.item is None or self.activity is None:
            return None
        if part == "board" and self.workshop["status"] == "closed":
            return None  # a closed workshop's beamer shows no names (issue 12, item 17)
        title = self.item["title"]
        if part == "phone":  # a phone may speak a language of its own
            title = agenda.title_for_screen(self.item["kind"], title, self.workshop["language"])
        return {
            "id": self.item["id"],
            "kind": self.item["kind"],
            "title": title,
            "position": self.agenda.index(self.item) + 1,
            "total": len(self.agenda),
            "view": getattr(self.activity, part)(self.v, self.item),
        }

    def _common(self, part: str) -> dict[str, Any]:
        return {
            "workshop": header(self.workshop),
            "timer": timer.view(self.workshop["timer"]),
            "item": self._item(part),
        }

    def board(self) -> dict[str, Any]:
        # Computed once per snapshot: the control view reads it too ("on the board now").
        if self._board is None:
            self._board = self._board_view()
        return self._board

    def _board_view(self) -> dict[str, Any]:
        common = self._common("board")
        if common["item"] is not None:  # one line at the top of the board
            common["item"]["title"] = board_state.short(common["item"]["title"], 40)
        return {
            **common,
            "people": participants.counts(self.store, self.workshop["id"]),
            # Join slide, spotlight, closing slide: board-only state (room/board_state.py).
            "board": board_state.board_view(self.v),
        }

    def control(self) -> dict[str, Any]:
        return {
            **self._common("control"),
            # How the board is steered and what is on it now, from the board's own view.
            "board": board_state.control_view(self.v, self.board()),
            "agenda": [
                {"id": i["id"], "kind": i["kind"], "title": i["title"]} for i in self.agenda
            ],
            "people": participants.roster(self.store, self.workshop["id"],
                                          self.workshop.get("roster_revision")),
            # Phones with unsent text for this item: a count, never the text.
            "drafts": participants.drafting(
                self.store, self.workshop["id"], self.item["id"] if self.item else None),
        }

    def phone(self) -> dict[str, Any]:
        return self._common("phone")

    def personal(self, ids: list[int]) -> dict[int, dict[str, Any]]:
        """Each phone's own part; only phones with something of their own get one."""
        if self.item is None or self.activity is None or not ids:
            return {}
        own = self.activity.personal(self.v, self.item, ids)
        return {pid: {"item_id": self.item["id"], "view": view} for pid, view in own.items()}

    def me(self, participant: dict[str, Any]) -> dict[str, Any]:
        """A phone's own part at sync: who it is, and its part of the current activity."""
        own = self.personal([participant["id"]]).get(participant["id"])
        return {
            "participant_id": participant["id"],
            "name": participant["name"],
            "item_id": self.item["id"] if self.item else None,
            "view": own["view"] if own else {},
        }

    def table(self, number: int) -> dict[str, Any]:
        """Table screen `number`: its group in the current activity, or None when the
        activity draws no table view (the screen then says to follow the main screen)."""
        draw = self.activity.table if self.activity else None
        item = None
        if self.workshop["status"] == "closed":
            draw = None  # as the board: a closed workshop's table screens show no names
        elif self.item is not None:
            item = {"id": self.item["id"], "kind": self.item["kind"], "title": self.item["title"]}
        return {
            "workshop": header(self.workshop),
            "number": number,
            "item": item,
            "view": draw(self.v, self.item, number) if draw else None,
        }
