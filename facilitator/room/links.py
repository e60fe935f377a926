"""Addresses that phones and screens can reach, and renewing the secret ones."""

from __future__ import annotations

import secrets
from typing import Any

from flask import current_app, request, url_for

from facilitator.live.actions import FACILITATOR, ActionSet, Context
from facilitator.room import table_screens

actions = ActionSet()


def public_base() -> str:
    """The base URL for links that other devices open.

    A configured public URL wins; otherwise the server's own address, which `serve`
    sets at start (the laptop's LAN address when it listens on every interface, else
    the address it is bound to). Never the request's Host header: anyone can send any
    Host, and a link built from it (a QR code, the API's join_url) would send phones
    to an address of their choosing (issue 12, item 18). Only an app not started by
    `serve` (a test client) falls back to the address the request came to.
    """
    configured = current_app.config.get("PUBLIC_URL", "")
    if configured:
        return configured.rstrip("/")
    own = current_app.config.get("LAN_URL", "")
    if own:
        return own.rstrip("/")
    return request.host_url.rstrip("/")


def join_url(code: str) -> str:
    return public_base() + url_for("pages.join_code", code=code)


def board_url(workshop: Any) -> str:
    return public_base() + url_for("pages.board", token=workshop["board_token"])


def control_url(workshop: Any) -> str:
    return public_base() + url_for("pages.control", code=workshop["code"])



@actions("workshop.renew_links", roles=(FACILITATOR,), any_status=True)
def renew(ctx: Context, data: dict[str, Any]) -> None:
    """New board and table links (issue 12, item 17): the old ones stop working, and the
    board and table screens open on them are disconnected once this commits (a board
    link seen on a photo of the beamer, a tablet left behind)."""
    ctx.changes.sockets.update(table_screens.screens(ctx, ctx.workshop["id"]))
    ctx.execute(
        "UPDATE workshops SET board_token = ?, table_key = ? WHERE id = ?",
        (secrets.token_urlsafe(24), secrets.token_urlsafe(16), ctx.workshop["id"]),
    )
    ctx.changes.control = True
