"""Configuration: defaults, overridden by FACILITATOR_* environment variables, overridden
by what the caller of create_app passes.

The environment is read by Flask's `Config.from_prefixed_env`, which parses each value as
JSON when it can ("true" -> True, "30" -> 30) and keeps it as text otherwise. The settings
below are then brought to their type, so "1"/"yes"/"on" still mean true and a text setting
stays the exact text that was set; a value that cannot be read stops the start with a
`ConfigError` naming the variable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Config

PREFIX = "FACILITATOR"

DEFAULTS: dict[str, Any] = {
    "DATA_DIR": "sessions",
    "ASYNC_MODE": "eventlet",
    # Public base URL for join links and QR codes, e.g. https://workshops.example.org
    "PUBLIC_URL": "",
    # Trust X-Forwarded-* from one proxy hop (only behind a reverse proxy).
    "TRUST_PROXY": False,
    # Seconds to gather changes before pushing views (coalescing under load).
    "PUSH_DELAY": 0.05,
    # Socket actions per participant: "N per S seconds".
    "ACTION_RATE": "30/10second",
    # Syncs per connection: each one computes and sends a whole view.
    "SYNC_RATE": "30/10second",
    # Failed join attempts (unknown, closed or locked codes) per address.
    "RATELIMIT_JOIN": "20/minute",
    # All joins per address: generous, a whole room may share one NAT address.
    "RATELIMIT_JOIN_FLOOD": "600/minute",
    "RATELIMIT_LOGIN": "10/minute",
    # Wrong passwords per address over all accounts (RATELIMIT_LOGIN counts per account).
    "RATELIMIT_LOGIN_FLOOD": "100/minute",
    "RATELIMIT_API": "300/minute",
    # Requests per address to personal pages and 360 answer pages: generous, a whole room
    # behind one NAT address answers at once; the tokens themselves are 96 random bits.
    "RATELIMIT_PERSON": "600/minute",
    "RATELIMIT_ENABLED": True,
    "MAX_MESSAGE_BYTES": 64 * 1024,
    # Days after a workshop closes before intervision group content is deleted.
    "INTERVISION_RETENTION_DAYS": 30,
    # Days after its last action before a workshop never closed is closed and purged.
    "RETENTION_IDLE_DAYS": 90,
    # Participants per workshop: one address could otherwise add hundreds a minute.
    "MAX_PARTICIPANTS": 2000,
    # Seconds an HTTP request may take to arrive (established websockets are exempt).
    "HTTP_TIMEOUT": 30.0,
    # The organisation's time zone: times on pages, exports and reports are shown in it.
    "TIMEZONE": "Europe/Amsterdam",
    # Hours a one-time link to set a password (new account, reset) stays valid.
    "PASSWORD_LINK_HOURS": 72,
    # The organisation on the report's cover (empty: the workshop's team).
    "ORGANISATION_NAME": "",
    # A PNG or JPEG file for the report's cover and the Word file (empty: no logo).
    "ORGANISATION_LOGO": "",
    # Several server processes of one deployment: the Redis URL (redis://host:6379/0)
    # through which they reach each other's screens. Empty: one process (docs/deploy.md).
    "MESSAGE_QUEUE": "",
    # A 360 perspective's answers are shown only from this many (never below three).
    "FEEDBACK360_MIN_GROUP": 3,
    # Days a 360 link for someone outside the room stays valid (at most 90).
    "FEEDBACK360_LINK_DAYS": 14,
}

# The type of every setting that is not text; the derived ones have no default here.
BOOLS = ("TRUST_PROXY", "RATELIMIT_ENABLED", "SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE",
         "SESSION_COOKIE_HTTPONLY")
INTS = ("MAX_MESSAGE_BYTES", "INTERVISION_RETENTION_DAYS", "MAX_CONTENT_LENGTH",
        "MAX_PARTICIPANTS", "PASSWORD_LINK_HOURS",
        "RETENTION_IDLE_DAYS", "FEEDBACK360_MIN_GROUP", "FEEDBACK360_LINK_DAYS")
FLOATS = ("PUSH_DELAY", "HTTP_TIMEOUT")
# Text settings: JSON parsing must not turn a key like "12345" into a number.
TEXTS = ("DATA_DIR", "DATABASE", "SECRET_KEY", "ASYNC_MODE", "PUBLIC_URL", "ACTION_RATE",
         "SYNC_RATE",
         "RATELIMIT_JOIN", "RATELIMIT_JOIN_FLOOD", "RATELIMIT_LOGIN", "RATELIMIT_LOGIN_FLOOD",
         "RATELIMIT_API", "RATELIMIT_PERSON", "TIMEZONE", "ORGANISATION_NAME",
         "ORGANISATION_LOGO", "MESSAGE_QUEUE")

TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off", "")


class ConfigError(ValueError):
    """A setting that cannot be read; the message names the environment variable."""


def _secret_key(data_dir: Path) -> str:
    """A stable secret per data folder, so sessions survive a restart."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE + FALSE:
        return value.strip().lower() in TRUE
    return None


def _number(value: Any, kind: type) -> int | float | None:
    if isinstance(value, str):
        try:
            value = kind(value.strip())
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return None
    if kind is int and not isinstance(value, int):
        return None
    return kind(value)


TYPES: list[tuple[tuple[str, ...], Any, str]] = [
    (BOOLS, _bool, "true or false (1/0, yes/no, on/off)"),
    (INTS, lambda v: _number(v, int), "a whole number of 0 or more"),
    (FLOATS, lambda v: _number(v, float), "a number of 0 or more"),
]


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the app config from defaults, the environment and explicit overrides."""
    cfg = Config(root_path=os.getcwd(), defaults=DEFAULTS)
    cfg.from_prefixed_env(PREFIX)
    for key in TEXTS:  # the text exactly as set, not its JSON reading
        raw = os.environ.get(f"{PREFIX}_{key}")
        if raw is not None:
            cfg[key] = raw
    overrides = overrides or {}
    cfg.update(overrides)

    data_dir = Path(str(cfg["DATA_DIR"])).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    cfg["DATA_DIR"] = str(data_dir)
    cfg.setdefault("DATABASE", str(data_dir / "facilitator.db"))
    if not cfg.get("SECRET_KEY"):
        cfg["SECRET_KEY"] = _secret_key(data_dir)
    secure = str(cfg["PUBLIC_URL"]).startswith("https://")
    cfg.setdefault("SESSION_COOKIE_SECURE", secure)
    cfg.setdefault("REMEMBER_COOKIE_SECURE", secure)
    cfg.setdefault("SESSION_COOKIE_HTTPONLY", True)
    cfg.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    cfg.setdefault("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    cfg.setdefault("BABEL_DEFAULT_LOCALE", "nl")
    cfg.setdefault("WTF_CSRF_TIME_LIMIT", None)

    for keys, read, expected in TYPES:
        for key in keys:
            value = read(cfg[key])
            if value is None:
                # Name the variable and show the text as it was set, not its JSON reading.
                shown = os.environ.get(f"{PREFIX}_{key}") if key not in overrides else cfg[key]
                raise ConfigError(f"{PREFIX}_{key}: expected {expected}, got {shown!r}")
            cfg[key] = value
    for key in TEXTS:
        cfg[key] = str(cfg[key])
    try:
        ZoneInfo(cfg["TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{PREFIX}_TIMEZONE: expected a time zone such as Europe/Amsterdam,"
            f" got {cfg['TIMEZONE']!r}"
        ) from None
    cfg["BABEL_DEFAULT_TIMEZONE"] = cfg["TIMEZONE"]
    queue = cfg["MESSAGE_QUEUE"].strip()
    if queue and not queue.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(
            f"{PREFIX}_MESSAGE_QUEUE: expected a Redis URL such as redis://127.0.0.1:6379/0,"
            f" got {queue!r}"
        )
    cfg["MESSAGE_QUEUE"] = queue
    return dict(cfg)
