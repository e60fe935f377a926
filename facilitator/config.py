"""Configuration: defaults, overridden by FACILITATOR_* environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ENV_PREFIX = "FACILITATOR_"


def _secret_key(data_dir: Path) -> str:
    """A stable secret per data folder, so sessions survive a restart."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_config(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the app config from defaults, the environment and explicit overrides."""
    env = {k[len(ENV_PREFIX) :]: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)}
    cfg: dict[str, Any] = {
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
        # Failed join attempts (unknown, closed or locked codes) per address.
        "RATELIMIT_JOIN": "20/minute",
        # All joins per address: generous, a whole room may share one NAT address.
        "RATELIMIT_JOIN_FLOOD": "600/minute",
        "RATELIMIT_LOGIN": "10/minute",
        "RATELIMIT_API": "300/minute",
        "RATELIMIT_ENABLED": True,
        "MAX_MESSAGE_BYTES": 64 * 1024,
        "BIND_HOST": "127.0.0.1",
        "BIND_PORT": 5000,
        # Days after a workshop closes before intervision group content is deleted.
        "INTERVISION_RETENTION_DAYS": 30,
    }
    for key, value in env.items():
        cfg[key] = value
    cfg.update(overrides or {})
    for key in ("TRUST_PROXY", "RATELIMIT_ENABLED"):
        if isinstance(cfg[key], str):
            cfg[key] = cfg[key].lower() in ("1", "true", "yes", "on")
    cfg["PUSH_DELAY"] = float(cfg["PUSH_DELAY"])
    cfg["MAX_MESSAGE_BYTES"] = int(cfg["MAX_MESSAGE_BYTES"])
    cfg["INTERVISION_RETENTION_DAYS"] = int(cfg["INTERVISION_RETENTION_DAYS"])
    data_dir = Path(cfg["DATA_DIR"]).resolve()
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
    return cfg
