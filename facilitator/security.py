"""HTTP hardening: CSP without inline script, headers, rate limits, proxy trust; and the
one way secret tokens are stored (participant, API and setup tokens)."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask.json.provider import DefaultJSONProvider
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)



def hash_token(token: str) -> str:
    """What the database keeps of a random token: its SHA-256 (the token itself has
    enough entropy that a slow password hash would add nothing)."""
    return hashlib.sha256(token.encode()).hexdigest()


limiter = Limiter(key_func=get_remote_address, storage_uri="memory://")


def same_site_path(target: Any) -> str | None:
    """`target` if it is a path on this site, else None (no open redirect).

    Refused: anything not starting with one "/", backslashes (browsers read "/\\host"
    as "//host"), and any control character or space, which browsers strip from a URL:
    `/%09/evil.example` arrives decoded as "/\t/evil.example" and a browser follows it
    to //evil.example."""
    if not isinstance(target, str) or not target.startswith("/") or len(target) > 2000:
        return None
    if target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) <= 0x20 or 0x7F <= ord(c) <= 0x9F for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


JOIN_FAILURES = "join-failures"  # the shared limit's scope (web/pages.py join_failures)


def join_failure_allowed(count: bool) -> bool:
    """For the Socket.IO handshake, which Flask-Limiter does not see: whether this address
    is still under the limit of failed join codes, counting one more failure if `count`.

    The same storage entry as the HTTP routes' shared limit (key: address, scope), so
    guessing codes over the socket and over HTTP add up (issue 12, item 14)."""
    app = current_app
    if not app.config.get("RATELIMIT_ENABLED", True) or not limiter.enabled:
        return True
    item = parse(app.config["RATELIMIT_JOIN"])
    args = [get_remote_address(), JOIN_FAILURES]
    if limiter._key_prefix:  # Flask-Limiter builds its keys the same way
        args.insert(0, limiter._key_prefix)
    if count:
        return limiter.limiter.hit(item, *args)
    return limiter.limiter.test(item, *args)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that JSON nested too deep to parse is bad input (a 400 with
    the usual error body), not a RecursionError (a 500 with a traceback in the log)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def init_security(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    if app.config["TRUST_PROXY"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter.init_app(app)

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Board links carry a secret: never leak a URL in a Referer header.
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
