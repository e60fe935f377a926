"""Facilitator: live intervision and dilemma workshops.

`create_app(config)` builds the Flask app with Socket.IO bound in the factory.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from facilitator import i18n
from facilitator.activities import ACTIVITIES
from facilitator.auth import load_session_user
from facilitator.config import load_config
from facilitator.db import Store
from facilitator.live import processes, sockets
from facilitator.live.actions import Dispatcher
from facilitator.live.pusher import Pusher
from facilitator.live.relay import RoomManager
from facilitator.live.socket_context import App, SocketAwareSessionInterface
from facilitator.migrations import migrate
from facilitator.persons import links as person_links
from facilitator.persons.store import migrations as person_tables
from facilitator.programmes import membership as programme_membership
from facilitator.programmes.store import migrations as programme_tables
from facilitator.report import settings as report_settings
from facilitator.room import (
    agenda,
    agenda_templates,
    archive,
    board_state,
    links,
    participants,
    timer,
    workshops,
)
from facilitator.security import init_security

socketio = SocketIO()
csrf = CSRFProtect()
login_manager = LoginManager()

log = logging.getLogger(__name__)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = App(__name__)
    app.config.update(load_config(config))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = i18n.compile_catalogs(app.config["DATA_DIR"])

    store = Store(app.config["DATABASE"], shared=bool(app.config["MESSAGE_QUEUE"]))
    migrate(store.db)
    # Programmes before persons: a person's link may be bound to a programme.
    programme_tables.apply(store.db)
    person_tables.apply(store.db)
    for activity in ACTIVITIES:
        if activity.migrations is not None:
            activity.migrations.apply(store.db)
    processes.migrations.apply(store.db)
    queue = app.config["MESSAGE_QUEUE"]  # several processes of one deployment
    if queue:
        processes.beat(store)  # several processes: only the rows of gone ones
    else:
        participants.clear_presence(store)
    app.extensions["facilitator.store"] = store

    app.session_interface = SocketAwareSessionInterface()
    i18n.babel.init_app(app, locale_selector=i18n.select_locale)
    app.jinja_env.filters["day"] = i18n.format_day
    app.jinja_env.filters["moment"] = i18n.format_moment
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "pages.login"
    login_manager.login_message = _l("Please log in to see this page.")

    @login_manager.user_loader
    def load_user(user_id: str) -> Any:
        return load_session_user(store, user_id)

    init_security(app)

    public_origin = app.config["PUBLIC_URL"].rstrip("/") or None
    # Always passed: the module's SocketIO keeps the options of an earlier create_app.
    relay = RoomManager(queue) if queue else None
    socketio.init_app(
        app,
        client_manager=relay,
        async_mode=app.config["ASYNC_MODE"],
        max_http_buffer_size=app.config["MAX_MESSAGE_BYTES"],
        # None: same origin only (python-engineio compares Origin with Host).
        cors_allowed_origins=[public_origin] if public_origin else None,
        ping_interval=20,
        ping_timeout=20,
    )
    pusher = Pusher(app, socketio, store, app.config["PUSH_DELAY"], relay)
    app.extensions["facilitator.pusher"] = pusher
    app.extensions["facilitator.dispatcher"] = Dispatcher(
        store,
        [workshops.actions, archive.actions, agenda.actions, agenda_templates.actions,
         timer.actions, participants.actions, links.actions, report_settings.actions,
         board_state.actions, programme_membership.actions, person_links.actions]
        + [a.actions for a in ACTIVITIES],
        on_commit=pusher.schedule,
        rate=app.config["ACTION_RATE"],
        max_bytes=app.config["MAX_MESSAGE_BYTES"],
        # Test-only: one action kind that always fails as a bug would (client retry tests).
        fail_op=app.config.get("TEST_FAIL_ACTION") if app.config.get("TESTING") else None,
    )
    sockets.register(socketio)

    from facilitator.web import (
        admin,
        api,
        api_agreements,
        expected,
        pages,
        programmes,
        report,
        review,
        tables,
    )
    from facilitator.web import feedback360 as feedback360_pages
    from facilitator.web import persons as person_pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin.password_bp)
    app.register_blueprint(tables.bp)
    app.register_blueprint(api.bp)
    csrf.exempt(api.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(report.bp)
    app.register_blueprint(expected.bp)
    app.register_blueprint(programmes.bp)
    app.register_blueprint(person_pages.bp)
    app.register_blueprint(feedback360_pages.bp)
    app.register_blueprint(api_agreements.bp)
    csrf.exempt(api_agreements.bp)
    from facilitator.web import record  # a participant's own record (issue 19)

    app.register_blueprint(record.bp)
    _register_errors(app)

    @app.context_processor
    def inject() -> dict[str, Any]:
        from flask_babel import get_locale

        return {
            "lang": str(get_locale()),
            "languages": i18n.LANGUAGES,
            "activity_kinds": [a.kind for a in ACTIVITIES],
            "client_strings": i18n.client_strings(),
        }

    return app


def _register_errors(app: Flask) -> None:
    """JSON under /api, a friendly page elsewhere; never a stack trace."""

    def respond(status: int, code: str, message: str) -> Any:
        if request.path.startswith("/api/"):
            return jsonify({"error": {"code": code, "message": message}}), status
        g.setdefault("workshop_language", None)
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(err: CSRFError) -> Any:
        return respond(400, "csrf", str(_l("The form expired. Please go back and try again.")))

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException) -> Any:
        messages = {
            400: _l("The request was not understood."),
            401: _l("Please log in."),
            403: _l("You may not see this page."),
            404: _l("This page does not exist."),
            405: _l("The request was not understood."),
            413: _l("The request is too large."),
            429: _l("Too many attempts. Wait a minute and try again."),
        }
        code = err.code or 500
        message = messages.get(code, _l("Something went wrong; please try again."))
        return respond(code, err.name.lower().replace(" ", "_"), str(message))

    @app.errorhandler(Exception)
    def internal_error(err: Exception) -> Any:
        log.exception("request failed")
        return respond(500, "internal", str(_l("Something went wrong; please try again.")))
