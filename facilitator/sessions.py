"""Flask's cookie session, without decoding the cookie again for every socket event.

Flask-SocketIO pushes a request context for every Socket.IO event, and pushing one
opens the session: building a signing serializer and checking the cookie's signature.
After the connect event Flask-SocketIO keeps its own copy of the session in the
connection's environ ("saved_session") and puts that in place, so the decoded cookie
is thrown away unread. In a 1,000-phone burst that decoding was ~5% of the server's CPU.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class SocketAwareSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if "saved_session" in request.environ:
            # A Socket.IO event after connect: Flask-SocketIO replaces this at once.
            return self.session_class()
        return super().open_session(app, request)
