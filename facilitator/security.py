"""HTTP hardening: CSP without inline script, headers, rate limits, proxy trust; and the
one way secret tokens are stored (participant, API and setup tokens)."""

from __future__ import annotations

import hashlib

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

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


def init_security(app: Flask) -> None:
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
