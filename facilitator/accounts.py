"""Account administration: people, their roles and teams, deactivation and one-time
password links. The admin pages (web/admin.py) and the command line (run.py) both call
these functions, so both paths change accounts the same way.

Logging in, login sessions and API tokens are auth.py's; this module builds on it.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from facilitator import auth
from facilitator.auth import User
from facilitator.db import Store, iso, utcnow
from facilitator.security import hash_token

ROLES = auth.ROLES
EMAIL_MAX = 200
NAME_MAX = 100
TEAM_NAME_MAX = 100


def _unusable_password() -> str:
    # A new account from the web has no password anyone knows until its link is used.
    return secrets.token_urlsafe(32)


def create_account(
    store: Store,
    email: str,
    role: str,
    name: str = "",
    password: str | None = None,
    team_ids: tuple[int, ...] | list[int] = (),
    language: str = "nl",
) -> User:
    """A new account, in its teams. Without a password it can only be entered through a
    password link (`new_password_link`). Raises ValueError as auth.add_user does."""
    if password is None:
        password = _unusable_password()
    user = auth.add_user(store, email, password, role, name, language)
    for team_id in team_ids:
        auth.add_to_team(store, team_id, user.id)
    return user


def by_email(store: Store, email: str) -> dict[str, Any] | None:
    row = store.one("SELECT * FROM users WHERE email = ?", ((email or "").strip(),))
    return dict(row) if row else None


def by_id(store: Store, user_id: int) -> dict[str, Any] | None:
    row = store.one("SELECT * FROM users WHERE id = ?", (user_id,))
    return dict(row) if row else None


def list_users(store: Store) -> list[dict[str, Any]]:
    """Every account with its team names, active ones first, then by role and name."""
    rows = [
        dict(r)
        for r in store.all(
            "SELECT id, email, name, role, language, created_at, deactivated_at FROM users"
            " ORDER BY deactivated_at IS NOT NULL, role, lower(name), lower(email)"
        )
    ]
    teams: dict[int, list[str]] = {}
    for r in store.all(
        "SELECT m.user_id, t.name FROM team_members m JOIN teams t ON t.id = m.team_id"
        " ORDER BY t.name"
    ):
        teams.setdefault(r["user_id"], []).append(r["name"])
    for row in rows:
        row["teams"] = teams.get(row["id"], [])
        row["active"] = row["deactivated_at"] is None
    return rows


def active_admins(store: Store) -> int:
    return store.scalar(
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND deactivated_at IS NULL"
    )


def deactivate(store: Store, user_id: int, now: datetime | None = None) -> None:
    """The account can no longer log in: every login session, its API token and its
    password links end now. Its workshops and the history it wrote stay."""
    with store.write() as db:
        row = db.execute("SELECT role, deactivated_at FROM users WHERE id = ?",
                         (user_id,)).fetchone()
        if row is None:
            raise ValueError("no such user")
        if row["deactivated_at"] is not None:
            return
        if row["role"] == "admin" and db.execute(
            "SELECT COUNT(*) FROM users WHERE role = 'admin' AND deactivated_at IS NULL"
        ).fetchone()[0] <= 1:
            raise ValueError("the last admin cannot be deactivated")
        db.execute(
            "UPDATE users SET deactivated_at = ?, api_token_hash = NULL WHERE id = ?",
            (iso(now or utcnow()), user_id),
        )
        db.execute("DELETE FROM user_sessions WHERE user_id = ?", (user_id,))
        db.execute("DELETE FROM password_links WHERE user_id = ?", (user_id,))
    # After the commit: its open control pages get nothing pushed from now on.
    auth.close_sockets_of_account(store, user_id)


def reactivate(store: Store, user_id: int) -> None:
    """Back in: the old password works again (a password link sets a new one)."""
    store.run("UPDATE users SET deactivated_at = NULL WHERE id = ?", (user_id,))


def new_password_link(store: Store, user_id: int, hours: int,
                      now: datetime | None = None) -> str:
    """A one-time secret to set this account's password, valid for `hours`. An earlier
    link of the same account stops working: only the newest one handed out counts."""
    token = secrets.token_urlsafe(24)
    now = now or utcnow()
    with store.write() as db:
        row = db.execute("SELECT deactivated_at FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            raise ValueError("no such user")
        if row["deactivated_at"] is not None:
            raise ValueError("the account is deactivated")
        db.execute("DELETE FROM password_links WHERE user_id = ? OR expires_at < ?",
                   (user_id, iso(now)))
        db.execute(
            "INSERT INTO password_links (token_hash, user_id, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)",
            (hash_token(token), user_id, iso(now), iso(now + timedelta(hours=hours))),
        )
    return token


def password_link_user(store: Store, token: str) -> User | None:
    """The active account a valid, unused, unexpired link is for; None otherwise."""
    if not token or len(token) > 100:
        return None
    row = store.one(
        "SELECT u.* FROM password_links l JOIN users u ON u.id = l.user_id"
        " WHERE l.token_hash = ? AND l.expires_at >= ? AND u.deactivated_at IS NULL",
        (hash_token(token), iso(utcnow())),
    )
    return User.from_row(row) if row else None


def use_password_link(store: Store, token: str, password: str) -> User | None:
    """Set the password through a link and spend the link; None if it is not valid.

    Ends every login session of the account (auth.set_password). Raises ValueError for a
    password that is too short, before the link is spent."""
    if len(password) < auth.PASSWORD_MIN:
        raise ValueError(f"password must have at least {auth.PASSWORD_MIN} characters")
    user = password_link_user(store, token)
    if user is None:
        return None
    # Spent first, in its own transaction: of two tabs sending the form, one wins.
    spent = store.run("DELETE FROM password_links WHERE token_hash = ?", (hash_token(token),))
    if spent.rowcount != 1:
        return None
    auth.set_password(store, user.id, password)
    return user


# --- teams --------------------------------------------------------------------------------


def list_teams(store: Store) -> list[dict[str, Any]]:
    """Every team with its facilitators (members: the team's workshops, agreements and
    open-agreement reviews) and its managers (who review the team's agreements)."""
    teams = [dict(r) for r in store.all("SELECT * FROM teams ORDER BY lower(name)")]
    people: dict[int, list[dict[str, Any]]] = {}
    for r in store.all(
        "SELECT m.team_id, u.id, u.name, u.email, u.role, u.deactivated_at FROM team_members m"
        " JOIN users u ON u.id = m.user_id ORDER BY lower(u.name), lower(u.email)"
    ):
        people.setdefault(r["team_id"], []).append(dict(r))
    for team in teams:
        members = people.get(team["id"], [])
        team["managers"] = [p for p in members if p["role"] == "manager"]
        team["members"] = [p for p in members if p["role"] != "manager"]
    return teams


def team(store: Store, team_id: int) -> dict[str, Any] | None:
    return next((t for t in list_teams(store) if t["id"] == team_id), None)


def add_team(store: Store, name: str) -> int:
    """The team's id, new or existing (names are unique)."""
    name = (name or "").strip()
    if not name or len(name) > TEAM_NAME_MAX:
        raise ValueError(f"a team name has 1 to {TEAM_NAME_MAX} characters")
    return auth.add_team(store, name)


def add_member(store: Store, team_id: int, user_id: int) -> None:
    auth.add_to_team(store, team_id, user_id)


def remove_member(store: Store, team_id: int, user_id: int) -> None:
    store.run("DELETE FROM team_members WHERE team_id = ? AND user_id = ?", (team_id, user_id))
