"""Agreements as the board shows them (issue 14): short, a few a page. Both the
agreements activity and the review of open agreements draw them so."""

from __future__ import annotations

from typing import Any

from facilitator.room.board_state import short

BOARD_AGREEMENTS = 4  # agreements per board page


def board_entry(a: dict[str, Any]) -> dict[str, Any]:
    """An agreement (store.public) as the board shows it: who, what (short), with whom,
    by when; the whole text goes in the spotlight."""
    return {"id": a["id"], "owner": short(a["owner"], 40), "what": short(a["what"], 100),
            "with": [short(name, 30) for name in a["with"]], "due_date": a["due_date"],
            "status": a["status"], "status_label": a["status_label"], "overdue": a["overdue"],
            "confirmed": a["confirmed"], "people": len(a["people"]),
            "note": short(a.get("note"), 60)}
