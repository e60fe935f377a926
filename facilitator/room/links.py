"""Addresses that phones and screens can reach."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, url_for

LOOPBACK = ("127.", "localhost", "[::1]", "::1")


def public_base() -> str:
    """The base URL for links that other devices open.

    A configured public URL wins. A facilitator browsing the laptop's own loopback
    address gets the LAN address the server printed at start, because a phone
    cannot reach 127.0.0.1.
    """
    configured = current_app.config.get("PUBLIC_URL", "")
    if configured:
        return configured.rstrip("/")
    lan = current_app.config.get("LAN_URL", "")
    if lan and request.host.startswith(LOOPBACK):
        return lan.rstrip("/")
    return request.host_url.rstrip("/")


def join_url(code: str) -> str:
    return public_base() + url_for("pages.join_code", code=code)


def board_url(workshop: Any) -> str:
    return public_base() + url_for("pages.board", token=workshop["board_token"])


def control_url(workshop: Any) -> str:
    return public_base() + url_for("pages.control", code=workshop["code"])

