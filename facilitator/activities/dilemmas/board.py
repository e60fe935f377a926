"""How the dilemma activities draw on the board: short texts and pages (issue 14).

The board is read from 8 metres, so it shows each dilemma short (the whole text goes in
the spotlight) and a few per page. The sizes are what fits a 4:3 beamer in the board's
type (static/css/board.css); tests/test_board_legible.py holds them to it.
"""

from __future__ import annotations

from typing import Any

from facilitator.room.board_state import page, short

SITUATION = 110  # characters of a dilemma's situation on a card (two lines at 4:3)
OPTION = 36  # characters of each option on a card (one line in half a card)
CARDS_PER_PAGE = 3


def card(d: dict[str, Any], situation: int = SITUATION, option: int = OPTION) -> dict[str, Any]:
    """A dilemma as a board card: short situation and options, no values (the spotlight
    shows them), the author only when they chose to show their name."""
    out = {
        "id": d["id"],
        "number": d["number"],
        "situation": short(d["situation"], situation),
        "options": [short(o, option) for o in d["options"]],
        "category": d.get("category"),
        "cut": len(d["situation"]) > situation,
    }
    if d.get("author"):
        out["author"] = short(d["author"], 40)
    if d.get("merged"):
        out["merged_count"] = len(d["merged"])
    return out


def cards(v: Any, dilemmas: list[dict[str, Any]]) -> dict[str, Any]:
    """The page of dilemma cards on the board now, with its paging line."""
    shown, paging = page(v, [card(d) for d in dilemmas], CARDS_PER_PAGE)
    return {"dilemmas": shown, "paging": paging}
