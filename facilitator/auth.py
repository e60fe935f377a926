"""Accounts and roles: admin, facilitator, manager; passwords, API tokens, teams."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import has_request_context
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from facilitator.db import Store, iso, utcnow
from facilitator.security import hash_token

ROLES = ("admin", "facilitator", "manager")
PASSWORD_MIN = 10
SETUP_KEY = "setup_token_hash"
# Flask's default lifetime of a permanent session; older login sessions are forgotten.
SESSION_DAYS = 31


@dataclass
class User(UserMixin):
    id: int
    email: str
    name: str
    role: str
    language: str
    # The server-side login session this user object came from (None: an API token).
    session_id: str | None = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the cookie: the user and their login session."""
        return f"{self.id}:{self.session_id}" if self.session_id else str(self.id)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def may_facilitate(self) -> bool:
        return self.role in ("admin", "facilitator")

    def may_run(self, workshop: Any) -> bool:
        """Owners run their workshops; admins may run any."""
        return self.is_admin or workshop["owner_id"] == self.id

    @classmethod
    def from_row(cls, row: Any) -> User:
        return cls(row["id"], row["email"], row["name"], row["role"], row["language"])


def get_user(store: Store, user_id: int) -> User | None:
    row = store.one("SELECT * FROM users WHERE id = ?", (user_id,))
    return User.from_row(row) if row else None


def start_session(store: Store, user: User) -> User:
    """A new login session for `user` (at login); the returned user carries it."""
    session_id = secrets.token_urlsafe(24)
    now = utcnow()
    with store.write() as db:
        db.execute(
            "DELETE FROM user_sessions WHERE created_at < ?",
            (iso(now - timedelta(days=SESSION_DAYS)),),
        )
        db.execute(
            "INSERT INTO user_sessions (id, user_id, created_at) VALUES (?, ?, ?)",
            (hash_token(session_id), user.id, iso(now)),
        )
    return User(user.id, user.email, user.name, user.role, user.language, session_id)


def end_session(store: Store, user: Any) -> None:
    """Logging out ends this login session on every copy of its cookie."""
    session_id = getattr(user, "session_id", None)
    if session_id:
        ended = hash_token(session_id)
        store.run("DELETE FROM user_sessions WHERE id = ?", (ended,))
        _close_sockets_of(store, [ended])


def load_session_user(store: Store, cookie_id: str) -> User | None:
    """Flask-Login's user loader: the user only while their login session exists.

    A cookie from before login sessions existed (a bare user id) is not valid any more."""
    user_id, _, session_id = str(cookie_id).partition(":")
    if not user_id.isdigit() or not session_id or len(session_id) > 100:
        return None
    row = store.one(
        "SELECT u.* FROM users u JOIN user_sessions s ON s.user_id = u.id"
        " WHERE u.id = ? AND s.id = ? AND s.created_at >= ? AND u.deactivated_at IS NULL",
        (int(user_id), hash_token(session_id), iso(utcnow() - timedelta(days=SESSION_DAYS))),
    )
    if row is None:
        return None
    user = User.from_row(row)
    user.session_id = session_id
    return user


def set_password(store: Store, user_id: int, password: str) -> None:
    """A new password ends every login session of the account."""
    if len(password) < PASSWORD_MIN:
        raise ValueError(f"password must have at least {PASSWORD_MIN} characters")
    with store.write() as db:
        db.execute(
            "UPDATE users SET password_hash = ? WHERE id = ?",
            (generate_password_hash(password), user_id),
        )
        ended = [
            r["id"]
            for r in db.execute("SELECT id FROM user_sessions WHERE user_id = ?", (user_id,))
        ]
        db.execute("DELETE FROM user_sessions WHERE user_id = ?", (user_id,))
    _close_sockets_of(store, ended)


def _close_sockets_of(
    store: Store, session_hashes: list[str], user_id: int | None = None
) -> None:
    """The control pages already open under these login sessions (or, with `user_id`,
    of that account) are disconnected now, so nothing pushed after a logout reaches them
    (issue 12, item 2). Only the serving process holds sockets; elsewhere (`run.py user
    password`) their next action or sync is refused instead (live/sockets.py checks the
    login session each time, the dispatcher the account)."""
    if (session_hashes or user_id) and has_request_context():
        from facilitator.live.sockets import close_login_sockets  # the engine, lazily

        close_login_sockets(store, session_hashes, user_id)


def close_sockets_of_account(store: Store, user_id: int) -> None:
    """Every socket a (deactivated) account has open, browser or API token."""
    _close_sockets_of(store, [], user_id)


def add_user(
    store: Store, email: str, password: str, role: str, name: str = "", language: str = "nl"
) -> User:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < PASSWORD_MIN:
        raise ValueError(f"password must have at least {PASSWORD_MIN} characters")
    email = email.strip()
    if "@" not in email or len(email) > 200:
        raise ValueError("not an email address")
    with store.write() as db:
        if db.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone():
            raise ValueError("a user with this email exists already")
        cur = db.execute(
            "INSERT INTO users (email, name, role, password_hash, language, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                email,
                name.strip()[:100],
                role,
                generate_password_hash(password),
                language,
                iso(utcnow()),
            ),
        )
        db.execute("DELETE FROM settings WHERE key = ?", (SETUP_KEY,))
    return get_user(store, cur.lastrowid)  # type: ignore[return-value]


_dummy_hash: list[str] = []


def _unknown_user_hash() -> str:
    """A hash to check a password against when the e-mail address has no account."""
    if not _dummy_hash:
        _dummy_hash.append(generate_password_hash(secrets.token_urlsafe(16)))
    return _dummy_hash[0]


def check_login(store: Store, email: str, password: str) -> User | None:
    row = store.one("SELECT * FROM users WHERE email = ? AND deactivated_at IS NULL",
                    ((email or "").strip(),))
    if row is None:
        # Same work either way (one hash check), so timing does not tell which e-mail
        # addresses have an account. Hashing a fresh one here too made it two: 133 ms
        # against 70 ms.
        check_password_hash(_unknown_user_hash(), password or "")
        return None
    if not check_password_hash(row["password_hash"], password or ""):
        return None
    return User.from_row(row)


def new_api_token(store: Store, email: str) -> str:
    token = "fac_" + secrets.token_urlsafe(32)
    cur = store.run(
        "UPDATE users SET api_token_hash = ? WHERE email = ?", (hash_token(token), email)
    )
    if cur.rowcount == 0:
        raise ValueError("no such user")
    return token


def user_by_api_token(store: Store, token: str) -> User | None:
    if not token or len(token) > 200:
        return None
    row = store.one("SELECT * FROM users WHERE api_token_hash = ? AND deactivated_at IS NULL",
                    (hash_token(token),))
    return User.from_row(row) if row else None


def user_count(store: Store) -> int:
    return store.scalar("SELECT COUNT(*) FROM users")


def new_setup_token(store: Store) -> str:
    """A one-time secret for creating the first admin from a browser."""
    token = secrets.token_urlsafe(24)
    store.run(
        "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (SETUP_KEY, hash_token(token))
    )
    return token


def setup_token_valid(store: Store, token: str) -> bool:
    stored = store.scalar("SELECT value FROM settings WHERE key = ?", (SETUP_KEY,))
    return (
        bool(stored)
        and user_count(store) == 0
        and secrets.compare_digest(stored, hash_token(token))
    )


def add_team(store: Store, name: str) -> int:
    store.run("INSERT OR IGNORE INTO teams (name) VALUES (?)", (name.strip()[:100],))
    return store.scalar("SELECT id FROM teams WHERE name = ?", (name.strip()[:100],))


def add_to_team(store: Store, team_id: int, user_id: int) -> None:
    store.run(
        "INSERT OR IGNORE INTO team_members (team_id, user_id) VALUES (?, ?)", (team_id, user_id)
    )


def teams_of(store: Store, user: User) -> list[dict[str, Any]]:
    if user.is_admin:
        rows = store.all("SELECT * FROM teams ORDER BY name")
    else:
        rows = store.all(
            "SELECT t.* FROM teams t JOIN team_members m ON m.team_id = t.id"
            " WHERE m.user_id = ? ORDER BY t.name",
            (user.id,),
        )
    return [dict(r) for r in rows]
