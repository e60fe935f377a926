"""Welcome / instructions: a title and a short text on the board and every phone."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.room.board_state import chunks, page
from facilitator.room.items import item_of, save_config
from facilitator.schema import Int, Text

KIND = "welcome"
TITLE = _l("Welcome")
actions = ActionSet()


def default_config() -> dict[str, Any]:
    return {"text": ""}


@actions(
    "welcome.set_text",
    roles=(FACILITATOR,),
    schema={"item_id": Int(min=1), "text": Text(max_len=2000, required=False, multiline=True)},
)
def set_text(ctx: Context, data: dict[str, Any]) -> None:
    item = item_of(ctx, data["item_id"], KIND)
    save_config(ctx, item, {"text": data["text"] or ""})
    ctx.changes.board = ctx.changes.control = ctx.changes.phones = True


def _text(item: dict[str, Any]) -> str:
    return item["config"].get("text", "")


BOARD_CHUNK = 300  # characters of the text per board page


def board(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    """The text in large type, a part per page when it is long."""
    shown, paging = page(v, chunks(_text(item), BOARD_CHUNK), 1)
    return {"text": shown[0] if shown else "", "paging": paging}


def control(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    return {"text": _text(item)}


def phone(v: Any, item: dict[str, Any]) -> dict[str, Any]:
    return {"text": _text(item)}


def personal(v: Any, item: dict[str, Any], ids: list[int]) -> dict[int, dict[str, Any]]:
    return {}
