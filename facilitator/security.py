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


JOIN_FAILURES = "join-failures"  # the failed-code count's scope, per address
JOIN_OVER = "join-over-failures"  # lookups while that count is over its limit


def _limit_key(scope: str) -> list[str]:
    args = [get_remote_address(), scope]
    if limiter._key_prefix:  # Flask-Limiter builds its keys the same way
        args.insert(0, limiter._key_prefix)
    return args


def join_code_answered(found: bool) -> bool:
    """Whether this address may be told the outcome of one join-code lookup; call it
    after the lookup, on every route and handshake that tells a valid code from an
    invalid one (the join pages, the QR code, the phone page, the API, the socket),
    so guessing on any of them adds up in one count (issue 12, item 14).

    Under the limit of failed codes (RATELIMIT_JOIN per address) every answer is
    given and a wrong code counts one more failure. Over it a wrong code is refused,
    but a correct one still gets in: a venue behind one NAT address keeps joining
    while one phone (or a script) floods wrong codes (item 15). Every lookup over the
    limit, right or wrong, counts in a second budget (RATELIMIT_JOIN_FLOOD), so
    guessing on past the limit stays bounded: over both, nothing is answered."""
    app = current_app
    if not app.config.get("RATELIMIT_ENABLED", True) or not limiter.enabled:
        return True
    failures = parse(app.config["RATELIMIT_JOIN"])
    key = _limit_key(JOIN_FAILURES)
    if limiter.limiter.test(failures, *key):
        if not found:
            limiter.limiter.hit(failures, *key)
        return True
    over = parse(app.config["RATELIMIT_JOIN_FLOOD"])
    return limiter.limiter.hit(over, *_limit_key(JOIN_OVER)) and found


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
