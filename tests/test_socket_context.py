"""Socket events get a request context without routing and without reopening the session
(facilitator/live/socket_context.py); pages keep both."""

from typing import Any

from flask import request, session


def test_a_socket_path_is_not_routed_and_a_page_is(app: Any) -> None:
    with app.test_request_context("/socket.io/?EIO=4&transport=websocket"):
        assert request.routing_exception is None  # no NotFound (and its traceback cycle)
        assert request.url_rule is None
    with app.test_request_context("/join"):
        assert request.routing_exception is None
        assert request.url_rule is not None and request.url_rule.rule == "/join"
    with app.test_request_context("/no-such-page"):
        assert request.routing_exception is not None  # pages still 404 as before


def _cookie(app: Any) -> str:
    serializer = app.session_interface.get_signing_serializer(app)
    return f"{app.config.get('SESSION_COOKIE_NAME', 'session')}={serializer.dumps({'lang': 'en'})}"


def test_the_session_cookie_is_read_at_connect_but_not_for_later_events(app: Any) -> None:
    headers = {"Cookie": _cookie(app)}
    # The connect event (and every page): the cookie is read.
    with app.test_request_context("/socket.io/", headers=headers):
        assert session.get("lang") == "en"
    # Later events: Flask-SocketIO has put its own copy in the environ and replaces the
    # session with it, so the cookie is not decoded again.
    with app.test_request_context(
        "/socket.io/", headers=headers, environ_base={"saved_session": {"lang": "nl"}}
    ):
        assert "lang" not in session
