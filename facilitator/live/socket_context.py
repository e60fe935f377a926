"""What Flask does for every Socket.IO event, made cheap.

Flask-SocketIO pushes a request context for every event, built from the connection's
environ (path /socket.io/). In a 1,000-phone burst two parts of that showed up in the
profiles (py-spy, bench/load.py), and neither does anything for a socket event:

- Routing the path: it never matches a route, so every event raised and kept a NotFound
  whose traceback is a reference cycle, ~60 objects of cyclic garbage per event. The
  garbage collector then paused the server for 10-280 ms at a time during pushes.
- Opening the session: building a signing serializer and checking the cookie, which
  Flask-SocketIO replaces at once with its own copy kept since the connect event.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

SOCKET_PATH = "/socket.io"


class App(Flask):
    def create_url_adapter(self, request: Request | None) -> Any:
        # No URL routing for socket events; url_for then behaves as in a push (no request).
        if request is not None and request.path.startswith(SOCKET_PATH):
            return None
        return super().create_url_adapter(request)


class SocketAwareSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if "saved_session" in request.environ:
            # A Socket.IO event after connect: Flask-SocketIO replaces this at once.
            return self.session_class()
        return super().open_session(app, request)
