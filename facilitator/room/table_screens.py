"""Table screens: a read-only screen per table (a tablet in the middle of a group).

Table n of a workshop shows group number n of the current agenda item (for now only
intervision draws one), so the same tablet keeps working through regrouping and a
second intervision item. Its link is `/table/<token>` with token
`<workshop code>-<n>-<mac>`, where mac is an HMAC of the workshop's id and n.

Why an HMAC and no `table_screens` table: nothing needs storing or migrating, the
lookup is one indexed query by the (already public) join code, and the mac is bound to
the workshop's id and the table number, so one table's link tells nothing about the
mac of another table or another workshop. The key is derived from the app's
SECRET_KEY, which is stable per data folder (config.py); changing that key ends every
table link, as it ends every login. A table screen never acts (no action names its
kind) and never sees group content (see docs/intervision.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from flask import current_app

from facilitator.db import Store

TABLE = "table"  # the actor kind and presence audience prefix of a table screen
MAX_TABLE = 40  # as many as the most groups an item can have
MAC_CHARS = 22  # 132 bits of the HMAC-SHA256, url-safe


def _mac(secret: str, workshop: dict[str, Any], number: int) -> str:
    # A key of its own, so a table mac can never stand in for a session signature.
    key = hmac.new(secret.encode(), b"facilitator table screen", hashlib.sha256).digest()
    # The workshop's table_key is '' until its links are renewed (links.renew): then every
    # earlier table link of it stops working.
    renewed = workshop.get("table_key") or ""
    message = f"{workshop['id']}:{number}" + (f":{renewed}" if renewed else "")
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:MAC_CHARS]


def token_for(secret: str, workshop: dict[str, Any], number: int) -> str:
    """The table link's token; `secret` is the app's SECRET_KEY."""
    return f"{workshop['code']}-{number}-{_mac(secret, workshop, number)}"


def token(workshop: dict[str, Any], number: int) -> str:
    return token_for(current_app.config["SECRET_KEY"], workshop, number)


def path(workshop: dict[str, Any], number: int) -> str:
    return f"/table/{token(workshop, number)}"


def lookup(store: Store, raw: Any) -> tuple[dict[str, Any], int] | None:
    """The workshop and table number a token names, or None if it is not a valid one."""
    if not isinstance(raw, str) or len(raw) > 80:
        return None
    parts = raw.split("-", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    code, number, mac = parts[0], int(parts[1]), parts[2]
    if not 1 <= number <= MAX_TABLE:
        return None
    row = store.one("SELECT * FROM workshops WHERE code = ?", (code[:16],))
    if row is None:
        return None
    workshop = dict(row)
    expected = _mac(current_app.config["SECRET_KEY"], workshop, number)
    if not hmac.compare_digest(expected.encode(), mac.encode()):
        return None
    return workshop, number


# Every "table:<n>" audience sorts between these two (";" follows ":" in ASCII), so the lookups
# below are a range on the presence_audience index instead of a scan of the room.
_AUDIENCES = (f"{TABLE}:", f"{TABLE};")


def audience(number: int) -> str:
    """The presence row's audience for a connected table screen."""
    return f"{TABLE}:{number}"


def connected(store: Store, workshop_id: int) -> list[int]:
    """Table numbers with a screen connected now: the pusher computes only their views."""
    rows = store.all(
        "SELECT DISTINCT audience FROM presence"
        " WHERE workshop_id = ? AND audience >= ? AND audience < ?",
        (workshop_id, *_AUDIENCES),
    )
    return sorted(int(r["audience"].split(":", 1)[1]) for r in rows)


def screens(q: Any, workshop_id: int) -> list[str]:
    """Inside an action: the socket ids of this workshop's board and table screens."""
    rows = q.all(
        "SELECT sid FROM presence WHERE workshop_id = ?"
        " AND (audience = 'board' OR (audience >= ? AND audience < ?))",
        (workshop_id, *_AUDIENCES),
    )
    return [r["sid"] for r in rows]


def any_connected(q: Any, workshop_id: int) -> bool:
    """Inside an action (ctx) or a view: is any table screen of this workshop connected?"""
    row = q.one(
        "SELECT 1 AS x FROM presence"
        " WHERE workshop_id = ? AND audience >= ? AND audience < ? LIMIT 1",
        (workshop_id, *_AUDIENCES),
    )
    return row is not None
